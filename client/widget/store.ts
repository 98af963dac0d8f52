/**
 * The widget's state and the only functions that change it. Pure state changes, no I/O: the
 * actions in widget.ts call these after talking to the server.
 */
import { createStore, produce } from 'solid-js/store'
import type { Conversation, ConversationView, EventFrame, Message } from '../shared/index.ts'
import type { ReadState } from '../shared/index.ts'
import type { AvailabilityView, ChannelKind, TransportState } from '../shared/index.ts'
import type { Upload } from '../shared/attachments.ts'
import type { VisitorConversation } from '../../protocol/index.ts'
import type { CampaignOffer } from '../../protocol/campaigns.ts'
import type { OperatorName, Profile } from './api.ts'
import type { Lang } from './config.ts'
import type { QueuedMessage } from './outbox.ts'

/** A message of the visitor's not yet seen as stored (queued, in flight, or refused). */
export interface PendingMessage extends QueuedMessage {
  failed: boolean
  /** Its files still uploading (this page only). */
  uploads?: Upload[]
}

/** An operator given the conversation ("Anna joined"), placed among the messages by seq. */
export interface Join {
  seq: number
  operatorId: string
}

type AssignedEvent = Extract<EventFrame, { name: 'conversation.assigned' }>

/** A visitor's rating of one resolution (C10). */
export type Rating = Extract<EventFrame, { name: 'conversation.rated' }>['data']['rating']

/**
 * The pre-chat form before the first message: not decided yet (the profile is being read),
 * asked (shown in place of the composer), or answered (the visitor may write).
 */
export type DetailsStep = 'unknown' | 'ask' | 'done'

export type NoticeKey =
  | 'alreadyRead'
  | 'alreadyDeleted'
  | 'offlineAction'
  | 'rateLimited'
  | 'failedAction'
  | 'verifying'
  | 'verifyFailed'

export interface WidgetState {
  open: boolean
  dark: boolean
  /** Phone-sized host: the window fills the screen and the launcher hides. */
  compact: boolean
  /** The page hid the launcher (SDK `hide`): only an open chat shows. */
  hidden: boolean
  /** The language the embed (data-lang) or the page's SDK (setLocale) chose; null: none. */
  locale: Lang | null
  /** The page's (or the browser's) language. */
  pageLang: Lang
  /**
   * The widget's language now: the chosen one, else the inbox's default (appearance.language),
   * else the page's. Derived, so whatever renders reads the one in force.
   */
  readonly lang: Lang
  connection: TransportState
  /** The channel kind in use or being tried: ws, or a fallback when WebSocket is blocked. */
  channel: ChannelKind
  visitorId: string | null
  /** The team's latest known availability; null until the first answer. */
  availability: AvailabilityView | null
  /** The visitor's open conversation was looked up (or there could be none). */
  lookedUp: boolean
  /** The home view (the visitor's conversations) is shown in place of the thread. */
  home: boolean
  /** The visitor's conversations as last read, newest activity first (the home view). */
  list: VisitorConversation[]
  conversation: Conversation | null
  /** The e-mail address of the request just left (R6), for the thank-you note. */
  thanks: string | null
  /** Stored messages, ascending by seq. */
  messages: Message[]
  /** Operators who joined, ascending by seq; from the loaded page on (older pages have none). */
  joins: Join[]
  /** The conversation's place in its branch's queue while it waits (R6); null otherwise. */
  queue: number | null
  /** Operators' visitor-facing names by id, for the page's life. */
  names: Record<string, string>
  /** Their pictures' ids (null: initials), known together with the names. */
  avatars: Record<string, string | null>
  pending: PendingMessage[]
  hasMore: boolean
  loadingOlder: boolean
  /** Operators typing right now. */
  typing: string[]
  /** The highest watermarks of any operator: what the visitor's ticks show. */
  operatorRead: number
  operatorDelivered: number
  /** The visitor's own watermarks, as the server stored them. */
  ownRead: number
  ownDelivered: number
  editing: string | null
  notice: NoticeKey | null
  /** Sending is refused until then (rate_limited); the notice counts down to it. */
  limitedUntil: number | null
  /** The latest incoming message, for screen readers (a polite live region). */
  announcement: string
  /**
   * The seq of the `conversation.status` event that resolved or closed the conversation (what a
   * rating is for, C10); null while it is open or not seen.
   */
  resolution: number | null
  /** Ratings seen (events or acks), by the resolution they are for. */
  ratings: Record<number, Rating>
  /** What the visitor told about themselves; null until read. */
  profile: Profile | null
  /** The pre-chat form in `before` mode. */
  details: DetailsStep
  /** The visitor opened "Your details" to change them. */
  detailsOpen: boolean
  /** The form was answered or its card dismissed on this device: the card is not shown again. */
  detailsAsked: boolean
  /**
   * The proactive message shown to the visitor (M6) until they reply to it (their first message
   * starts the conversation with it) or dismiss it; null: none.
   */
  campaign: CampaignOffer | null
  /** Words for the composer to take in (SDK `open({ text })`, the help center); '' when none. */
  prefill: string
}

export function createWidgetStore(init: {
  dark: boolean
  lookedUp: boolean
  locale: Lang | null
  pageLang: Lang
}) {
  const [state, setState] = createStore<WidgetState>({
    open: false,
    dark: init.dark,
    compact: false,
    hidden: false,
    locale: init.locale,
    pageLang: init.pageLang,
    get lang(): Lang {
      const inbox = this.availability?.appearance?.language
      return this.locale ?? (inbox === 'en' || inbox === 'ru' ? inbox : this.pageLang)
    },
    connection: 'idle',
    channel: 'ws',
    visitorId: null,
    availability: null,
    lookedUp: init.lookedUp,
    home: false,
    list: [],
    conversation: null,
    thanks: null,
    messages: [],
    joins: [],
    queue: null,
    names: {},
    avatars: {},
    pending: [],
    hasMore: false,
    loadingOlder: false,
    typing: [],
    operatorRead: 0,
    operatorDelivered: 0,
    ownRead: 0,
    ownDelivered: 0,
    editing: null,
    notice: null,
    limitedUntil: null,
    announcement: '',
    resolution: null,
    ratings: {},
    profile: null,
    details: 'unknown',
    detailsOpen: false,
    detailsAsked: false,
    campaign: null,
    prefill: '',
  })

  const applyRead = (rs: ReadState) =>
    setState(
      produce((s) => {
        if (rs.reader.kind === 'operator') {
          s.operatorRead = Math.max(s.operatorRead, rs.readSeq)
          s.operatorDelivered = Math.max(s.operatorDelivered, rs.deliveredSeq, rs.readSeq)
        } else if (rs.reader.kind === 'visitor' && rs.reader.id === s.visitorId) {
          s.ownRead = Math.max(s.ownRead, rs.readSeq)
          s.ownDelivered = Math.max(s.ownDelivered, rs.deliveredSeq, rs.readSeq)
        }
      }),
    )

  const mutations = {
    setOpen: (open: boolean) => setState('open', open),
    setHost: (host: { dark?: boolean; compact?: boolean; hidden?: boolean }) => setState(host),
    setLocale: (locale: Lang) => setState({ locale }),
    setConnection: (connection: TransportState, channel: ChannelKind) =>
      setState({ connection, channel }),
    setVisitor: (visitorId: string | null) => setState('visitorId', visitorId),
    setAvailability: (availability: AvailabilityView) => setState({ availability }),
    setLookedUp: (lookedUp: boolean) => setState({ lookedUp }),
    setHome: (home: boolean) => setState({ home }),
    setList: (list: VisitorConversation[]) => setState({ list }),
    setThanks: (email: string) => setState('thanks', email),
    /** Forgets the conversation (a new visitor, or the old one is gone). */
    clearConversation: () =>
      setState({
        conversation: null,
        thanks: null,
        messages: [],
        joins: [],
        queue: null,
        hasMore: false,
        typing: [],
        operatorRead: 0,
        operatorDelivered: 0,
        ownRead: 0,
        ownDelivered: 0,
        editing: null,
        resolution: null,
        ratings: {},
      }),
    setConversation: (conversation: Conversation) => setState('conversation', conversation),
    setView(view: ConversationView) {
      setState('conversation', view.conversation)
      setState(
        'typing',
        view.typing.filter((p) => p.kind === 'operator').map((p) => p.id),
      )
      for (const rs of view.readStates) applyRead(rs)
    },
    applyRead,
    /** Merges a page of history (newest page, or an older one when paging up). */
    addHistory(messages: Message[], hasMore: boolean | null) {
      setState(
        produce((s) => {
          for (const m of messages) upsert(s.messages, m)
          if (hasMore !== null) s.hasMore = hasMore
          s.pending = s.pending.filter((p) => !messages.some((m) => sameSend(m, p, s.visitorId)))
        }),
      )
    },
    /** A stored message (new, edited or deleted): replaces its pending twin if it had one. */
    upsertMessage(message: Message) {
      setState(
        produce((s) => {
          upsert(s.messages, message)
          s.pending = s.pending.filter((p) => !sameSend(message, p, s.visitorId))
          if (message.author.kind === 'operator') {
            s.typing = s.typing.filter((id) => id !== message.author.id)
          }
        }),
      )
    },
    /** The conversation was erased: every message shows as deleted, nothing waits to go. */
    eraseThread() {
      setState(
        produce((s) => {
          for (const m of s.messages) {
            m.text = ''
            delete m.attachments
            m.deletedAt ??= Date.now()
          }
          s.pending = []
        }),
      )
    },
    setStatus: (status: Conversation['status']) =>
      setState('conversation', (c) => (c ? { ...c, status } : c)),
    /**
     * A new assignee: someone new (not a release, not a transfer that only moved the branch)
     * joins the thread, once per event.
     */
    assign({ seq, data }: AssignedEvent) {
      const operatorId = data.assigneeId
      setState('conversation', (c) => (c ? { ...c, assigneeId: operatorId } : c))
      if (!operatorId || operatorId === data.previousAssigneeId || data.reason === 'released') {
        return
      }
      setState('queue', null)
      if (!state.joins.some((j) => j.seq === seq)) {
        setState('joins', (list) => [...list, { seq, operatorId }].sort((a, b) => a.seq - b.seq))
      }
    },
    setQueue: (queue: number | null) => setState({ queue }),
    setName(operator: OperatorName) {
      setState('avatars', operator.id, operator.avatarId)
      setState('names', operator.id, operator.name)
    },
    setTyping(operatorId: string, on: boolean) {
      setState('typing', (ids) => {
        const rest = ids.filter((id) => id !== operatorId)
        return on ? [...rest, operatorId] : rest
      })
    },
    clearTyping: () => setState('typing', []),
    addPending: (item: QueuedMessage, uploads?: Upload[]) =>
      setState('pending', (list) => [...list, { ...item, failed: false, uploads }]),
    /** Only these (still queued) stay on screen: the rest belonged to the previous visitor. */
    resetPending: (items: readonly QueuedMessage[]) =>
      setState(
        'pending',
        items.map((item) => ({ ...item, failed: false })),
      ),
    failPending: (clientMsgId: string) =>
      setState('pending', (p) => p.clientMsgId === clientMsgId, 'failed', true),
    removePending: (clientMsgId: string) =>
      setState('pending', (list) => list.filter((p) => p.clientMsgId !== clientMsgId)),
    setLoadingOlder: (loading: boolean) => setState('loadingOlder', loading),
    setEditing: (messageId: string | null) => setState('editing', messageId),
    setNotice: (notice: NoticeKey | null) => setState('notice', notice),
    /** Rate limited until then (the notice says so), or no longer (null). */
    setLimited: (until: number | null) =>
      setState((s) =>
        until !== null
          ? { limitedUntil: until, notice: 'rateLimited' }
          : { limitedUntil: null, notice: s.notice === 'rateLimited' ? null : s.notice },
      ),
    announce: (text: string) => setState('announcement', text),
    setResolution: (resolution: number | null) => setState({ resolution }),
    setRating: (rating: Rating) => setState('ratings', rating.resolutionSeq, rating),
    /** The profile and the pre-chat form's progress. */
    setDetails: (
      details: Partial<Pick<WidgetState, 'profile' | 'details' | 'detailsOpen' | 'detailsAsked'>>,
    ) => setState(details),
    setCampaign: (campaign: CampaignOffer | null) => setState({ campaign }),
    /** Words for the composer: its thread is shown (not home) to take them in. */
    setPrefill: (prefill: string) => setState({ prefill, home: false }),
  }
  return [state, mutations] as const
}

export type WidgetMutations = ReturnType<typeof createWidgetStore>[1]

function upsert(list: Message[], message: Message): void {
  const at = list.findIndex((m) => m.id === message.id)
  if (at >= 0) {
    list[at] = message
    return
  }
  let i = list.length
  while (i > 0 && (list[i - 1] as Message).seq > message.seq) i--
  list.splice(i, 0, message)
}

function sameSend(message: Message, pending: QueuedMessage, visitorId: string | null): boolean {
  return (
    message.clientMsgId === pending.clientMsgId &&
    message.author.kind === 'visitor' &&
    (visitorId === null || message.author.id === visitorId)
  )
}
