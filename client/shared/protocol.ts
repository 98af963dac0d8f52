/**
 * The protocol as the client sees it. Everything here comes from `protocol/` (schemas,
 * inferred types, error codes); nothing is redefined. Types come through the folder's index.
 * Values are imported from the individual modules instead: the index also re-exports the
 * MessagePack codec, whose module-level `Packr` would add ~14 KB gzipped to the widget, which
 * speaks JSON only and has a 35 KB budget.
 */
export type {
  AckFrame,
  Attachment,
  Badges,
  ClientFrame,
  Conversation,
  ErrorCode,
  ErrorFrame,
  EventFrame,
  FeedBatchFrame,
  FeedFrame,
  FeedSnapshot,
  Message,
  OperatorStatus,
  Party,
  ReadState,
  ReqId,
  ServerFrame,
  TypingEventFrame,
  EphemeralEventFrame,
  QueueEventFrame,
  ViewersEventFrame,
  WireError,
} from '../../protocol/index.ts'
export type { ConversationView, InboxRecord, InboxSettings, SendAck } from '../../actors/index.ts'
export type { OperatorView } from '../../server/auth/index.ts'
export type { AvailabilityView } from '../../server/availability.ts'
export { ERROR_CODES, ParleyError } from '../../protocol/errors.ts'
export { MAX_ATTACHMENTS_PER_MESSAGE, MAX_TEXT_LENGTH } from '../../protocol/limits.ts'
