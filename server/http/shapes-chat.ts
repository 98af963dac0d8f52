/**
 * Documented answer shapes of the chat side of the API (conversations, the visitor's calls,
 * the operators' list, search, the overview, the operator's own state, realtime fallbacks), as
 * valibot schemas for the OpenAPI document. Each one is tied to the type the handler really
 * returns (`shape<Real>()`), so a field added or renamed there fails the type check until it is
 * documented here. Protocol schemas (protocol/model.ts) are used as they are.
 */
import type { CampaignOffer } from '../../protocol/campaigns.ts'
import * as v from 'valibot'
import type {
  Availability,
  ConversationReplies,
  ConversationView,
  NoteAck,
  OperatorSnapshot,
  Page,
  SendAck,
} from '../../actors/index.ts'
import type { Challenge } from '../../protocol/captcha.ts'
import {
  Attachment,
  Conversation,
  ConversationPriority,
  ConversationStatus,
  InboxCounts,
  InboxItem,
  Message,
  OperatorStatus,
  Party,
  Rating,
  ReadState,
  StoredEventData,
  VisitorContext,
  VisitorConversation,
  type ConversationEvent,
  type InboxCounts as InboxCountsType,
  type InboxItem as InboxItemType,
} from '../../protocol/index.ts'
import type { AttachmentLink } from '../attachments/service.ts'
import type { VisitorSession } from '../auth/index.ts'
import type { AvailabilityView, TeamMember, TeamView } from '../availability.ts'
import type { ChatService, ConversationVisitorAnswer, VisitorProfile } from '../chat.ts'
import type { Overview } from '../overview.ts'
import type { Transcripts } from '../mail/transcripts.ts'
import { PreChatFormShape } from './shapes-admin.ts'
import { Int, Millis, shape } from './shapes-common.ts'
import type { SearchResponse } from './search.ts'

type Answer<K extends keyof ChatService> = ChatService[K] extends (
  ...args: never[]
) => Promise<infer R>
  ? R
  : never

/** A stored event as the history's `activity` carries it: its name, data, seq and time. */
export const ConversationEventShape = shape<ConversationEvent>()(
  v.intersect([StoredEventData, v.object({ conversationId: v.string(), seq: Int, at: Millis })]),
)

export const SendAckShape = shape<SendAck>()(
  v.object({
    messageId: v.string(),
    seq: Int,
    createdAt: Millis,
    /** True when this answers a retry of a message stored already (same clientMsgId). */
    duplicate: v.boolean(),
  }),
)

export const NoteAckShape = shape<NoteAck>()(
  v.object({
    noteId: v.string(),
    seq: Int,
    createdAt: Millis,
    mentions: v.array(v.string()),
    duplicate: v.boolean(),
  }),
)

export const ConversationViewShape = shape<ConversationView>()(
  v.object({
    conversation: Conversation,
    readStates: v.array(ReadState),
    /** Who is typing now. */
    typing: v.array(Party),
  }),
)

export const HistoryShape = shape<Answer<'history'>>()(
  v.object({
    /** Oldest first. */
    messages: v.array(Message),
    /** Whether there are more in the paging direction. */
    hasMore: v.boolean(),
    /** Paging back as an operator: the page's notes and activity lines. */
    activity: v.optional(v.array(ConversationEventShape)),
  }),
)

export const StartedShape = shape<ConversationReplies['create']>()(
  v.object({ conversation: Conversation, message: v.nullable(SendAckShape) }),
)

export const MessageChangeShape = shape<ConversationReplies['edit']>()(
  v.object({ message: Message, seq: Int }),
)

export const StatusChangeShape = shape<ConversationReplies['set_status']>()(
  v.object({ status: ConversationStatus, seq: Int }),
)

export const PriorityChangeShape = shape<ConversationReplies['set_priority']>()(
  v.object({ priority: ConversationPriority, seq: Int }),
)

export const LabelsChangeShape = shape<ConversationReplies['set_labels']>()(
  v.object({ labels: v.array(v.string()), seq: Int }),
)

export const AttributesChangeShape = shape<ConversationReplies['set_attributes']>()(
  v.object({
    attributes: v.record(v.string(), v.union([v.string(), v.number(), v.boolean()])),
    seq: Int,
  }),
)

export const SnoozeChangeShape = shape<ConversationReplies['snooze']>()(
  v.object({ snooze: v.nullable(v.object({ until: v.nullable(Int) })), seq: Int }),
)

export const ReadStateShape = shape<ConversationReplies['mark']>()(ReadState)

export const ConversationEnvelopeShape = shape<{
  conversation: v.InferOutput<typeof Conversation>
}>()(v.object({ conversation: Conversation }))

export const OperatorNamesShape = shape<Answer<'operatorNames'>>()(
  v.object({
    operators: v.array(
      v.object({ id: v.string(), name: v.string(), avatarId: v.nullable(v.string()) }),
    ),
  }),
)

const AttributesShape = v.record(v.string(), v.union([v.string(), v.number(), v.boolean()]))

export const VisitorProfileShape = shape<VisitorProfile>()(
  v.object({
    name: v.nullable(v.string()),
    email: v.nullable(v.string()),
    phone: v.nullable(v.string()),
    attributes: AttributesShape,
  }),
)

export const VisitorDetailsShape = shape<ConversationVisitorAnswer['visitor']>()(
  v.object({
    ...VisitorProfileShape.entries,
    id: v.string(),
    identified: v.boolean(),
    externalId: v.nullable(v.string()),
    erasedAt: v.nullable(Millis),
  }),
)

export const ConversationVisitorShape = shape<ConversationVisitorAnswer>()(
  v.object({
    visitor: VisitorDetailsShape,
    context: v.nullable(VisitorContext),
    pages: v.array(v.object({ url: v.string(), title: v.nullable(v.string()), at: Millis })),
    conversations: v.array(
      v.object({
        id: v.string(),
        status: ConversationStatus,
        createdAt: Millis,
        lastActivityAt: Millis,
        lastMessage: v.nullable(v.string()),
      }),
    ),
  }),
)

export const QueuePositionShape = shape<{ position: number | null }>()(
  v.object({ position: v.nullable(Int) }),
)

export const PageAckShape = shape<ConversationReplies['page']>()(v.object({ seq: v.nullable(Int) }))

export const RatingAckShape = shape<ConversationReplies['rate']>()(
  v.object({ rating: Rating, seq: Int }),
)

export const AttachmentCreatedShape = v.object({ attachment: Attachment })

export const AttachmentLinksShape = shape<{ links: AttachmentLink[] }>()(
  v.object({
    links: v.array(
      v.object({
        id: v.string(),
        /** A path on this server with a signature; valid until expiresAt. */
        url: v.string(),
        thumbnailUrl: v.nullable(v.string()),
        expiresAt: Millis,
      }),
    ),
  }),
)

export const TeamMemberShape = shape<TeamMember>()(
  v.object({
    id: v.string(),
    name: v.string(),
    displayName: v.nullable(v.string()),
    avatarId: v.nullable(v.string()),
    canChat: v.boolean(),
    status: OperatorStatus,
    present: v.boolean(),
    available: v.boolean(),
    open: Int,
    branchIds: v.array(v.string()),
  }),
)

export const TeamShape = shape<TeamView>()(
  v.object({
    branches: v.array(
      v.object({
        id: v.string(),
        name: v.string(),
        isDefault: v.boolean(),
        withinHours: v.boolean(),
      }),
    ),
    operators: v.array(TeamMemberShape),
  }),
)

export const InboxNamesShape = v.object({
  inboxes: v.array(v.object({ id: v.string(), name: v.string() })),
})

export const InboxPageShape = shape<Page<InboxItemType>>()(
  v.object({
    items: v.array(InboxItem),
    /** Pass as `cursor` for the next page; null on the last page. */
    nextCursor: v.nullable(v.string()),
  }),
)

export const InboxCountsShape = shape<InboxCountsType>()(InboxCounts)

export const OverviewShape = shape<Overview>()(
  v.object({
    at: Millis,
    inboxes: v.array(
      v.object({
        id: v.string(),
        name: v.string(),
        capacity: v.nullable(Int),
        operators: v.array(TeamMemberShape),
        branches: v.array(
          v.object({
            id: v.string(),
            name: v.string(),
            isDefault: v.boolean(),
            withinHours: v.boolean(),
            waiting: Int,
            oldestWaitingAt: v.nullable(Millis),
            unanswered: Int,
          }),
        ),
      }),
    ),
    truncated: v.boolean(),
  }),
)

const TextParts = v.array(v.object({ text: v.string(), hit: v.boolean() }))

export const SearchShape = shape<SearchResponse>()(
  v.object({
    results: v.array(
      v.object({
        conversation: Conversation,
        visitor: v.nullable(
          v.object({ id: v.string(), name: v.nullable(v.string()), email: v.nullable(v.string()) }),
        ),
        score: v.number(),
        messages: v.array(
          v.object({
            seq: Int,
            messageId: v.string(),
            authorKind: v.picklist(['visitor', 'operator', 'system']),
            at: Millis,
            snippet: TextParts,
          }),
        ),
        visitorFields: v.array(
          v.object({
            field: v.picklist(['name', 'email', 'phone', 'attribute']),
            key: v.nullable(v.string()),
            snippet: TextParts,
          }),
        ),
        visitorLabel: v.nullable(v.string()),
        assignee: v.nullable(v.object({ id: v.string(), name: v.string() })),
      }),
    ),
    total: Int,
    capped: v.boolean(),
    hasMore: v.boolean(),
  }),
)

export const AvailabilityShape = shape<Availability>()(
  v.object({ status: OperatorStatus, present: v.boolean() }),
)

export const BadgesShape = shape<OperatorSnapshot>()(
  v.object({
    ...AvailabilityShape.entries,
    badges: v.object({ unread: Int, unanswered: Int }),
    /** Unread visitor messages per conversation id (zeros left out). */
    unread: v.record(v.string(), Int),
  }),
)

export const VisitorSessionShape = shape<VisitorSession>()(
  v.object({ token: v.string(), visitorId: v.string(), inboxId: v.string(), expiresAt: Millis }),
)

export const VisitorConversationsShape = shape<{
  conversations: Answer<'listVisitorConversations'>
}>()(v.object({ conversations: v.array(VisitorConversation) }))

export const ChallengeShape = shape<Challenge>()(
  v.object({
    algorithm: v.literal('SHA-256'),
    challenge: v.string(),
    maxnumber: Int,
    salt: v.string(),
    signature: v.string(),
  }),
)

export const CaptchaPassShape = v.object({ ok: v.literal(true), level: Int })

export const WidgetAvailabilityShape = shape<AvailabilityView>()(
  v.object({
    state: v.picklist(['online', 'busy', 'offline']),
    branchId: v.string(),
    withinHours: v.boolean(),
    nextOpeningAt: v.nullable(Millis),
    timeZone: v.string(),
    greeting: v.nullable(v.string()),
    offlineText: v.nullable(v.string()),
    typicalReplyMinutes: v.nullable(Int),
    rating: v.picklist(['off', 'stars', 'thumbs', 'nps']),
    preChat: PreChatFormShape,
    appearance: v.object({
      title: v.string(),
      accentColor: v.string(),
      position: v.picklist(['right', 'left']),
      launcherLabel: v.string(),
      language: v.picklist(['auto', 'en', 'ru']),
      showReplyTime: v.boolean(),
      showQueuePosition: v.boolean(),
    }),
    campaigns: v.optional(v.boolean()),
    help: v.optional(v.boolean()),
  }),
)

/** Proactive messages a page offers its visitor (issue 20, protocol/campaigns.ts). */
export const CampaignOffersShape = shape<{ campaigns: CampaignOffer[] }>()(
  v.object({
    campaigns: v.array(
      v.object({
        id: v.string(),
        text: v.string(),
        afterSeconds: Int,
        sender: v.object({ name: v.string(), avatarId: v.nullable(v.string()) }),
      }),
    ),
  }),
)

export const RealtimeSessionShape = v.object({
  sessionId: v.string(),
  transport: v.picklist(['sse', 'poll']),
})

/** Server frames (docs/protocol.md); each has a `type`. */
export const PolledFramesShape = v.array(v.object({ type: v.string() }))

export const FramesAcceptedShape = v.object({ accepted: Int })

/** An operator's e-mail digest choice, and whether this server sends e-mail at all. */
export const NotificationPrefsShape = v.object({
  emailDigest: v.boolean(),
  /** False: no SMTP configured, a digest cannot be switched on. */
  available: v.boolean(),
})

export const TranscriptSentShape = shape<Awaited<ReturnType<Transcripts['send']>>>()(
  v.object({ to: v.string() }),
)
