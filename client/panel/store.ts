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
  InboxRecord,
  Message,
  OperatorStatus,
  OperatorView,
  ReadState,
  TransportState,
} from '../shared/index.ts'
import type { Upload } from '../shared/attachments.ts'
import type { StoredLogin } from './session.ts'
import type { ConversationVisitor, InboxBranches, Team } from './api.ts'

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

export type Page = 'inbox' | 'operators' | 'inboxes'

/** A `conversation.assigned` event of a transfer: a system line in the thread. */
export type TransferLine = Extract<EventFrame, { name: 'conversation.assigned' }>

/** A visitor's rating (C10): a system line in the thread, one per resolution. */
export type RatingLine = Extract<EventFrame, { name: 'conversation.rated' }>

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
  unansweredOnly: boolean
  nextCursor: string | null
  loadingList: boolean
  /** The conversation on screen, and what belongs to it. */
  selectedId: string | null
  messages: Message[]
  readStates: ReadState[]
  hasMore: boolean
  loadingOlder: boolean
  visitorTyping: boolean
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
  /** Colleagues and branches per inbox id, once loaded (transfers, names on screen). */
  teams: Record<string, Team>
  /** Operators' names by id: from the teams, else the public names a conversation gives. */
  names: Record<string, string>
  /** The transfers of the conversation on screen, in seq order. */
  transfers: TransferLine[]
  /** Its ratings, in seq order: the newest of each resolution. */
  ratings: RatingLine[]
  /** Its visitor's profile and page, once loaded. */
  visitor: VisitorDetails | null
  /** Visitors' names (else e-mails) by visitor id, as their details were loaded. */
  visitorLabels: Record<string, string>
  /** Notes of the conversations transferred to this operator, by conversation id. */
  notes: Record<string, TransferNote>
  /** The newest transfer to this operator, shown until dismissed or opened. */
  toast: TransferNote | null
}

const RANK: Record<Conversation['status'], number> = { open: 0, resolved: 1, closed: 2 }
const activity = (c: Conversation) => c.lastMessageAt ?? c.createdAt

/** Open first, then resolved, then closed; newest activity first within each. */
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
    unansweredOnly: false,
    nextCursor: null,
    loadingList: false,
    selectedId: null,
    messages: [],
    readStates: [],
    hasMore: false,
    loadingOlder: false,
    visitorTyping: false,
    pending: [],
    editing: null,
    notice: null,
    operators: [],
    inboxes: [],
    members: {},
    branchInbox: null,
    branches: null,
    teams: {},
    names: {},
    transfers: [],
    ratings: [],
    visitor: null,
    visitorLabels: {},
    notes: {},
    toast: null,
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
              s.conversations[i] = c
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
        editing: null,
        notice: null,
        transfers: [],
        ratings: [],
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
    /** A transfer event, once (a resumed subscription may replay it). */
    addTransfer(line: TransferLine) {
      setState(
        produce((s) => {
          if (s.transfers.some((x) => x.seq === line.seq)) return
          s.transfers.push(line)
          s.transfers.sort((a, b) => a.seq - b.seq)
        }),
      )
    },
    /**
     * A rating event, once: a later one of the same resolution (a changed rating) replaces the
     * earlier line, and an earlier one arriving late is left out.
     */
    addRating(line: RatingLine) {
      setState(
        produce((s) => {
          const resolution = line.data.rating.resolutionSeq
          const same = s.ratings.find((x) => x.data.rating.resolutionSeq === resolution)
          if (same && same.seq >= line.seq) return
          s.ratings = s.ratings.filter((x) => x !== same)
          s.ratings.push(line)
          s.ratings.sort((a, b) => a.seq - b.seq)
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
