/**
 * The panel's state and the only functions that change it. Pure state changes, no I/O: the
 * actions (panel.ts, chat.ts, admin.ts, transfers.ts) call these after talking to the server.
 */
import { createStore, produce, reconcile } from 'solid-js/store'
import type {
  Badges,
  Conversation,
  ConversationView,
  EventFrame,
  FeedFrame,
  InboxRecord,
  Message,
  OperatorStatus,
  OperatorView,
  ReadState,
  TransportState,
} from '../shared/index.ts'
import type { Upload } from '../shared/attachments.ts'
import type { StoredLogin } from './session.ts'
import type {
  CannedReply,
  ConversationVisitor,
  InboxBranches,
  Label,
  ListQuery,
  Macro,
  Team,
} from './api.ts'
import type { InboxCounts, InboxItem } from '../../protocol/index.ts'

/** The parts of a list row that are not the conversation's own. */
export type RowDetails = Pick<InboxItem, 'visitor' | 'lastMessage' | 'assignee'>

/** An own message not yet seen as stored (in flight across reconnects, or refused). */
export interface PendingMessage {
  conversationId: string
  clientMsgId: string
  text: string
  createdAt: number
  failed: boolean
  /** Its files, uploading or uploaded. */
  uploads?: Upload[]
}

export type Page =
  | 'overview'
  | 'analytics'
  | 'inbox'
  | 'operators'
  | 'inboxes'
  | 'canned'
  | 'audit'
  | 'privacy'
  | 'tokens'

/** A `conversation.assigned` event of a transfer: a system line in the thread. */
export type TransferLine = Extract<EventFrame, { name: 'conversation.assigned' }>

/** A visitor's rating (C10): a system line in the thread, one per resolution. */
export type RatingLine = Extract<EventFrame, { name: 'conversation.rated' }>

/** A status change: a system line in the thread ("Resolved by Anna"). */
export type StatusLine = Extract<EventFrame, { name: 'conversation.status' }>

/** A priority change or added and removed labels (issue 20): a system line in the thread. */
export type TagLine = Extract<EventFrame, { name: 'conversation.priority' | 'conversation.labels' }>

/** Changed custom attributes (issue 20): a system line in the thread. */
export type AttributesLine = Extract<EventFrame, { name: 'conversation.attributes' }>

/** An SLA applied, removed or breached (issue 20): a system line in the thread. */
export type SlaLine = Extract<EventFrame, { name: 'conversation.sla' }>

/** Snoozed or woken up (issue 20): a system line in the thread. */
export type SnoozeLine = Extract<EventFrame, { name: 'conversation.snoozed' }>

/**
 * The thread's system lines: status changes, assignments (transfers too), ratings, priority,
 * labels, attributes, snoozes and SLAs.
 */
export type ActivityLine =
  StatusLine | TransferLine | RatingLine | TagLine | AttributesLine | SnoozeLine | SlaLine

/** A private note in the thread (operators only). */
export type NoteLine = Extract<EventFrame, { name: 'note.created' }>

/** A colleague mentioned this operator in a note: shown until dismissed or opened. */
export type MentionAlert = Extract<
  Extract<FeedFrame, { name: 'alert' }>['data'],
  { kind: 'mentioned' }
>

/** A deadline of the SLA of a conversation of this operator's passed (issue 20). */
export type SlaAlert = Extract<
  Extract<FeedFrame, { name: 'alert' }>['data'],
  { kind: 'sla_breached' }
>

/** The visitor of the conversation on screen, once loaded. */
export interface VisitorDetails extends ConversationVisitor {
  conversationId: string
}

/** A conversation someone transferred to this operator, with their note (kept in memory only). */
export interface TransferNote {
  conversationId: string
  /** The operator who transferred it. */
  by: string | null
  note: string | null
}

export interface PanelState {
  login: StoredLogin | null
  busy: boolean
  error: string | null
  page: Page
  connection: TransportState
  status: OperatorStatus
  badges: Badges
  /** The operator's unread count per conversation (those in the badge set). */
  unread: Record<string, number>
  /** Every conversation known to the list, sorted as the inbox sorts them. */
  conversations: Conversation[]
  /** The list's view, filters and order, and how many rows each view has under them. */
  list: ListQuery
  counts: InboxCounts | null
  /** What a listed row shows beyond its conversation, by conversation id (from list pages). */
  rowDetails: Record<string, RowDetails>
  /** The inboxes this operator may see, named. */
  myInboxes: Array<{ id: string; name: string }>
  /** Conversations ticked for a bulk action, in the order ticked. */
  selection: string[]
  nextCursor: string | null
  loadingList: boolean
  /** The conversation on screen, and what belongs to it. */
  selectedId: string | null
  messages: Message[]
  readStates: ReadState[]
  hasMore: boolean
  loadingOlder: boolean
  visitorTyping: boolean
  /** The conversation on screen once subscribed to (watched invisibly or not; anew on joining). */
  subscribed: string | null
  /** Colleagues who have it open too, and those writing a reply in it (issue 20), by id. */
  viewers: string[]
  typists: string[]
  /**
   * The conversation on screen is watched invisibly (supervisor mode, O5): no read receipts,
   * no typing go out.
   */
  watching: boolean
  pending: PendingMessage[]
  editing: string | null
  notice: string | null
  operators: OperatorView[]
  inboxes: InboxRecord[]
  /** Operator ids per inbox id (admin settings). */
  members: Record<string, string[]>
  /** The inbox whose branches the settings page shows instead of the inbox forms. */
  branchInbox: string | null
  /** That inbox's branches and routing, once loaded. */
  branches: InboxBranches | null
  /** The inbox whose webhooks the settings page shows instead of the inbox forms. */
  webhookInbox: string | null
  /** Colleagues and branches per inbox id, once loaded (transfers, names on screen). */
  teams: Record<string, Team>
  /** Operators' names by id: from the teams, else the public names a conversation gives. */
  names: Record<string, string>
  /**
   * The system lines of the conversation on screen, in seq order: status changes, assignments
   * and transfers, its ratings (the newest of each resolution), priority and label changes,
   * snoozes.
   */
  activity: ActivityLine[]
  /** Its private notes, in seq order. */
  threadNotes: NoteLine[]
  /** Its visitor's profile and page, once loaded. */
  visitor: VisitorDetails | null
  /** Visitors' names (else e-mails) by visitor id, as their details were loaded. */
  visitorLabels: Record<string, string>
  /** Notes of the conversations transferred to this operator, by conversation id. */
  notes: Record<string, TransferNote>
  /** The newest transfer to this operator, shown until dismissed or opened. */
  toast: TransferNote | null
  /** What the live region says now: new conversations and visitor messages (accessibility). */
  announcement: string
  /** The newest mention of this operator in a note, shown until dismissed or opened. */
  mention: MentionAlert | null
  /** The newest SLA breach of a conversation of this operator's, shown until dismissed or opened. */
  slaAlert: SlaAlert | null
  /** The canned replies page: an inbox's shared replies, or (null) the operator's own. */
  cannedInbox: string | null
  /** Canned replies usable in the composer, per inbox id, once loaded (own ones included). */
  canned: Record<string, CannedReply[]>
  /** The labels each inbox defines, by name, once loaded (issue 20). */
  labels: Record<string, Label[]>
  /** The macros each inbox defines, by name, once loaded (issue 20). */
  macros: Record<string, Macro[]>
  /** Who follows the conversation on screen (operator ids), once loaded (issue 20). */
  followers: string[] | null
  /**
   * Conversations this operator is known to follow (the "Following" filter's pages, the
   * toggle): what the list keeps under that filter as feed changes come.
   */
  followed: Record<string, boolean>
}

const RANK: Record<Conversation['status'], number> = {
  open: 0,
  pending: 1,
  resolved: 2,
  closed: 3,
}
const activity = (c: Conversation) => c.lastMessageAt ?? c.createdAt

/** Open first, then pending (issue 20), resolved, closed; newest activity first within each. */
export function inboxOrder(a: Conversation, b: Conversation): number {
  return RANK[a.status] - RANK[b.status] || activity(b) - activity(a) || (a.id < b.id ? 1 : -1)
}

export function createPanelStore(login: StoredLogin | null) {
  const [state, setState] = createStore<PanelState>({
    login,
    busy: false,
    error: null,
    page: 'inbox',
    connection: 'idle',
    status: login?.operator.status ?? 'online',
    badges: { unread: 0, unanswered: 0 },
    unread: {},
    conversations: [],
    list: {
      view: 'all',
      status: '',
      inbox: '',
      assignee: '',
      unanswered: false,
      label: '',
      attribute: '',
      priority: '',
      snoozed: false,
      following: false,
      sort: 'activity',
    },
    counts: null,
    rowDetails: {},
    myInboxes: [],
    selection: [],
    nextCursor: null,
    loadingList: false,
    selectedId: null,
    messages: [],
    readStates: [],
    hasMore: false,
    loadingOlder: false,
    visitorTyping: false,
    subscribed: null,
    viewers: [],
    typists: [],
    watching: false,
    pending: [],
    editing: null,
    notice: null,
    operators: [],
    inboxes: [],
    members: {},
    branchInbox: null,
    branches: null,
    webhookInbox: null,
    teams: {},
    names: {},
    activity: [],
    threadNotes: [],
    visitor: null,
    visitorLabels: {},
    notes: {},
    toast: null,
    announcement: '',
    mention: null,
    slaAlert: null,
    cannedInbox: null,
    canned: {},
    labels: {},
    macros: {},
    followers: null,
    followed: {},
  })

  const mutations = {
    set: setState,
    /** Adds or replaces conversations (a list page or a feed frame), keeping the order. */
    upsertConversations(items: Conversation[]) {
      setState(
        produce((s) => {
          for (const c of items) {
            const i = s.conversations.findIndex((x) => x.id === c.id)
            if (i < 0) s.conversations.push(c)
            else if ((s.conversations[i] as Conversation).updatedAt <= c.updatedAt) {
              // Changed in place: the row keeps its elements and only the fields that moved
              // render again (a busy inbox changes hundreds a second).
              const row = s.conversations[i] as Record<string, unknown>
              for (const key of Object.keys(row)) if (!(key in c)) delete row[key]
              Object.assign(row, c)
            }
          }
          s.conversations.sort(inboxOrder)
        }),
      )
    },
    setUnread(conversationId: string, n: number | null) {
      setState('unread', conversationId, n ?? 0)
    },
    /** Forgets the conversation on screen, ready for another. */
    select(conversationId: string | null) {
      setState({
        selectedId: conversationId,
        messages: [],
        readStates: [],
        hasMore: false,
        loadingOlder: false,
        visitorTyping: false,
        subscribed: null,
        viewers: [],
        typists: [],
        watching: false,
        editing: null,
        notice: null,
        activity: [],
        threadNotes: [],
        visitor: null,
      })
    },
    setView(view: ConversationView) {
      mutations.upsertConversations([view.conversation])
      setState('readStates', view.readStates)
      setState(
        'visitorTyping',
        view.typing.some((p) => p.kind === 'visitor'),
      )
    },
    applyRead(rs: ReadState) {
      setState('readStates', (list) => [
        ...list.filter((x) => x.reader.kind !== rs.reader.kind || x.reader.id !== rs.reader.id),
        rs,
      ])
    },
    /** Merges a page of history (newest page, or an older one when paging up). */
    addHistory(messages: Message[], hasMore: boolean | null) {
      setState(
        produce((s) => {
          for (const m of messages) upsert(s.messages, m)
          if (hasMore !== null) s.hasMore = hasMore
          s.pending = s.pending.filter(
            (p) => !messages.some((m) => m.clientMsgId === p.clientMsgId),
          )
        }),
      )
    },
    upsertMessage(message: Message) {
      setState(
        produce((s) => {
          upsert(s.messages, message)
          s.pending = s.pending.filter((p) => p.clientMsgId !== message.clientMsgId)
          if (message.author.kind === 'visitor') s.visitorTyping = false
        }),
      )
    },
    /**
     * A system line, once (a resumed subscription may replay it). A rating replaces the earlier
     * line of the same resolution (a changed rating); an earlier one arriving late is left out.
     */
    addActivity(line: ActivityLine) {
      setState(
        produce((s) => {
          if (s.activity.some((x) => x.seq === line.seq)) return
          if (line.name === 'conversation.rated') {
            const resolution = line.data.rating.resolutionSeq
            const same = s.activity.find(
              (x) => x.name === 'conversation.rated' && x.data.rating.resolutionSeq === resolution,
            )
            if (same && same.seq >= line.seq) return
            s.activity = s.activity.filter((x) => x !== same)
          }
          s.activity.push(line)
          s.activity.sort((a, b) => a.seq - b.seq)
        }),
      )
    },
    /** A private note, once. */
    addNote(line: NoteLine) {
      setState(
        produce((s) => {
          if (s.threadNotes.some((x) => x.seq === line.seq)) return
          s.threadNotes.push(line)
          s.threadNotes.sort((a, b) => a.seq - b.seq)
        }),
      )
    },
    /** The visitor's details for the conversation on screen, and their label for the list. */
    setVisitor(details: VisitorDetails) {
      if (details.conversationId !== state.selectedId) return
      const { id, name, email } = details.visitor
      const label = name ?? email
      setState('visitor', reconcile(details))
      // A label the visitor cleared since goes too.
      setState(
        produce((s) => {
          if (label) s.visitorLabels[id] = label
          else delete s.visitorLabels[id]
        }),
      )
    },
    /** Someone changed the visitor's name or e-mail: the list's next read names them. */
    forgetVisitorLabel(visitorId: string) {
      setState(
        produce((s) => {
          delete s.visitorLabels[visitorId]
        }),
      )
    },
    /** A team loaded again keeps its rows (by id): a focused choice in the dialog stays put. */
    setTeam(inboxId: string, team: Team) {
      setState('teams', inboxId, reconcile(team, { key: 'id' }))
    },
    addNames(entries: Array<{ id: string; name: string }>) {
      setState('names', (names) => ({
        ...names,
        ...Object.fromEntries(entries.map((e) => [e.id, e.name])),
      }))
    },
    addPending: (item: PendingMessage) => setState('pending', (list) => [...list, item]),
    failPending: (clientMsgId: string) =>
      setState('pending', (p) => p.clientMsgId === clientMsgId, 'failed', true),
    removePending: (clientMsgId: string) =>
      setState('pending', (list) => list.filter((p) => p.clientMsgId !== clientMsgId)),
  }
  return [state, mutations] as const
}

export type PanelMutations = ReturnType<typeof createPanelStore>[1]

function upsert(list: Message[], message: Message): void {
  const i = list.findIndex((x) => x.id === message.id)
  if (i >= 0) {
    list[i] = message
    return
  }
  let at = list.length
  while (at > 0 && (list[at - 1] as Message).seq > message.seq) at--
  list.splice(at, 0, message)
}
