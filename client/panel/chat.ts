/**
 * The conversation on screen: loading it (history, then subscribe, which also opens it and
 * stops its escalation), paging up, its live events, receipts, typing, sending (durable, with a
 * clientMsgId), private notes, edit/delete, status and assignment.
 *
 * History over HTTP holds messages only, so the subscription starts at the oldest message
 * loaded: its replay brings the activity among them (status changes, assignments, transfers,
 * ratings, priority, labels and snoozes: system lines) and the private notes. Replayed
 * messages and receipts up to the seq the view was loaded at are skipped; HTTP gave them
 * already, as they are now. The visitor's profile and page come over HTTP beside the view; page
 * changes then arrive as events, profile changes are read again after the visitor writes.
 */
import {
  asParleyError,
  assertNever,
  MAX_TEXT_LENGTH,
  newId,
  typingSender,
  type Conversation,
  type EventFrame,
  type Message,
  type ReadState,
  type SendAck,
  type Transport,
  type TypingEventFrame,
} from '../shared/index.ts'
import { settleUploads, type Upload } from '../shared/attachments.ts'
import type { AttributeValue } from '../../protocol/attributes.ts'
import type { PanelApi, VisitorContext } from './api.ts'
import { newestVisitorSeq, ownRead } from './derive.ts'
import type { MentionAlert, PanelMutations, PanelState } from './store.ts'
import { authorName } from './activity.ts'
import { t } from './i18n.ts'
import { alertHidden } from './notify.ts'
import { COMPOSE_EVENT, type ComposeRequest } from './shortcuts.ts'

/** A visitor typing notice is dropped after this long without news (a lost "off"). */
const TYPING_TTL_MS = 10_000
/** The visitor's profile is read again after their message, at most this often. */
const VISITOR_REFRESH_MS = 10_000

export function createChat(
  state: PanelState,
  m: PanelMutations,
  api: PanelApi,
  transport: Transport,
) {
  let typingTimer: ReturnType<typeof setTimeout> | undefined
  let readSent = 0
  let deliveredSent = 0
  /** The conversation's lastSeq when it was loaded: events up to it are on screen already. */
  let loadedSeq = 0
  /** The newest page change seen as an event: a profile read started before it keeps it. */
  let pageEvent: { context: VisitorContext } | null = null
  let visitorReadAt = 0
  let visitorTimer: ReturnType<typeof setTimeout> | undefined
  /** The conversation the supervisor joined visibly (O5), until another one opens. */
  let joinedId: string | null = null
  const typing = typingSender((on) => {
    const id = state.selectedId
    // Not before the view is loaded: until then, whether it is watched invisibly is unknown.
    if (id && loadedSeq > 0 && !state.watching && transport.state === 'connected') {
      transport.request({ type: 'typing', conversationId: id, on }).catch(() => undefined)
    }
  })
  const fail = (e: unknown) => m.set('notice', describe(e))

  const setVisitorTyping = (on: boolean) => {
    clearTimeout(typingTimer)
    m.set('visitorTyping', on)
    if (on) typingTimer = setTimeout(() => m.set('visitorTyping', false), TYPING_TTL_MS)
  }

  /**
   * Receipts for the newest visitor message on screen: `read` while the tab is visible, else
   * `delivered` (the visitor sees one tick until the operator looks).
   */
  const markRead = () => {
    const id = state.selectedId
    const seq = newestVisitorSeq(state)
    if (!id || state.watching || transport.state !== 'connected') return
    const visible = document.visibilityState === 'visible'
    const type = visible ? 'read' : 'delivered'
    const done = Math.max(ownRead(state), readSent, visible ? 0 : deliveredSent)
    if (seq <= done) return
    if (visible) readSent = seq
    else deliveredSent = seq
    transport.request<ReadState>({ type, conversationId: id, seq }).then(
      (rs) => state.selectedId === id && m.applyRead(rs),
      () => {
        // Not stored: the next check (at the latest after the reconnect) sends it again.
        if (visible) readSent = 0
        else deliveredSent = 0
      },
    )
  }

  /** The visitor's profile and page (shown by the details; an error leaves them out). */
  async function loadVisitor(id: string) {
    clearTimeout(visitorTimer)
    visitorTimer = undefined
    visitorReadAt = Date.now()
    const before = pageEvent
    try {
      const details = await api.visitor(id)
      if (state.selectedId !== id) return
      const context = pageEvent && pageEvent !== before ? pageEvent.context : details.context
      m.setVisitor({ ...details, context, conversationId: id })
    } catch {
      // the details show what the conversation itself tells
    }
  }

  /** After a visitor's message: they may have answered the form meanwhile. */
  function refreshVisitor(id: string) {
    if (visitorTimer !== undefined) return
    const wait = Math.max(0, visitorReadAt + VISITOR_REFRESH_MS - Date.now())
    visitorTimer = setTimeout(() => {
      visitorTimer = undefined
      if (state.selectedId === id) void loadVisitor(id)
    }, wait)
  }

  async function load(id: string) {
    void loadVisitor(id)
    const view = await api.view(id)
    const page = await api.history(id)
    if (state.selectedId !== id) return
    m.setView(view)
    m.addHistory(page.messages, page.hasMore)
    // Loaded again (the server was behind): the replay brings the activity and notes back.
    m.set({ activity: [], threadNotes: [] })
    loadedSeq = view.conversation.lastSeq
    const first = page.messages[0]
    // Supervisor mode (O5): someone else's conversation opens invisibly until joined.
    const me = state.login?.operator
    const elevated = me?.role === 'supervisor' || me?.role === 'admin'
    const invisible = elevated && view.conversation.assigneeId !== me.id && joinedId !== id
    m.set('watching', invisible)
    transport.subscribe(id, page.hasMore && first ? first.seq - 1 : 0, invisible)
    markRead()
  }

  function onEvent(frame: EventFrame | TypingEventFrame): void {
    if (frame.conversationId !== state.selectedId) return
    if (
      frame.name === 'conversation.assigned' ||
      frame.name === 'conversation.rated' ||
      frame.name === 'conversation.status' ||
      frame.name === 'conversation.priority' ||
      frame.name === 'conversation.labels' ||
      frame.name === 'conversation.attributes' ||
      frame.name === 'conversation.snoozed' ||
      frame.name === 'conversation.sla'
    ) {
      // A system line; the feed carries the whole conversation after the change.
      m.addActivity(frame)
      return
    }
    if (frame.name === 'note.created') {
      m.addNote(frame)
      return
    }
    if (frame.name === 'conversation.context') {
      // The visitor went to another page. Replayed ones too: the last is the newest page.
      pageEvent = { context: frame.data.context }
      if (state.visitor?.conversationId === frame.conversationId) {
        m.set('visitor', 'context', frame.data.context)
        // A live one joins the pages visited (a replayed one the answer may hold already).
        const { url, title } = frame.data.context
        if (url && !state.visitor.pages.some((p) => p.at === frame.at && p.url === url)) {
          m.set('visitor', 'pages', (pages) =>
            [{ url, title, at: frame.at }, ...pages].slice(0, 20),
          )
        }
      }
      return
    }
    if (frame.name !== 'typing' && frame.seq <= loadedSeq) return
    switch (frame.name) {
      case 'typing':
        if (frame.data.party.kind === 'visitor') setVisitorTyping(frame.data.on)
        return
      case 'message.created':
      case 'message.updated': {
        const message = frame.data.message
        m.upsertMessage(message)
        if (message.author.kind === 'visitor') {
          setVisitorTyping(false)
          if (frame.name === 'message.created') refreshVisitor(frame.conversationId)
        }
        if (message.deletedAt !== null && state.editing === message.id) m.set('editing', null)
        markRead()
        return
      }
      case 'read.updated':
        m.applyRead(frame.data)
        return
      case 'conversation.created':
        m.upsertConversations([frame.data.conversation])
        return
      case 'conversation.erased':
        // Its content is gone (issue 18): read it again as it is now.
        void load(frame.conversationId).catch(fail)
        return
      default:
        return assertNever(frame)
    }
  }

  async function deliver(
    conversationId: string,
    clientMsgId: string,
    text: string,
    files: readonly Upload[],
  ) {
    try {
      // Files first: the message goes once they are stored (those refused meanwhile are left out).
      const stored = await settleUploads(files, text.trim() !== '')
      const frame = {
        type: 'send',
        conversationId,
        clientMsgId,
        ...(text.trim() ? { text } : {}),
        ...(stored.length > 0 ? { attachmentIds: stored.map((a) => a.id) } : {}),
      } as const
      await transport.request<SendAck>(frame, { durable: true })
    } catch (e) {
      m.failPending(clientMsgId)
      fail(e)
    }
  }

  const conversationRequest = async (
    frame:
      | { type: 'set_status'; conversationId: string; status: Conversation['status'] }
      | { type: 'assign'; conversationId: string; operatorId: string | null },
  ) => {
    m.set('notice', null)
    try {
      const ack = await transport.request<Conversation | { status: string }>(frame)
      if ('id' in ack) m.upsertConversations([ack])
    } catch (e) {
      fail(e)
    }
  }

  const actions = {
    /**
     * The visitor's corrected name and e-mail (null clears one), or their custom attributes
     * (issue 20); null when saved, else why not.
     */
    async saveVisitor(patch: {
      name?: string | null
      email?: string | null
      attributes?: Record<string, AttributeValue | null>
    }) {
      const id = state.selectedId
      const details = state.visitor
      if (!id || details?.conversationId !== id) return t('The conversation is not open.')
      try {
        const visitor = await api.updateVisitor(id, patch)
        if (state.visitor?.conversationId === id) m.setVisitor({ ...state.visitor, visitor })
        return null
      } catch (e) {
        return asParleyError(e).message
      }
    },
    async open(id: string | null) {
      const old = state.selectedId
      if (old === id) return
      if (old) transport.unsubscribe(old)
      typing.stop()
      readSent = 0
      deliveredSent = 0
      loadedSeq = 0
      clearTimeout(visitorTimer)
      visitorTimer = undefined
      pageEvent = null
      joinedId = null
      // Its mention is seen with the note in the thread.
      if (id && state.mention?.conversationId === id) m.set('mention', null)
      if (id && state.slaAlert?.conversationId === id) m.set('slaAlert', null)
      m.select(id)
      if (id) await load(id).catch(fail)
    },
    async loadOlder() {
      const id = state.selectedId
      const first = state.messages[0]
      if (!id || !first || !state.hasMore || state.loadingOlder) return
      m.set('loadingOlder', true)
      try {
        const page = await api.history(id, first.seq)
        if (state.selectedId === id) {
          m.addHistory(page.messages, page.hasMore)
          // Notes and system lines of that page (each kept once, by seq).
          for (const event of page.activity ?? []) onEvent({ type: 'event', ...event })
        }
      } catch {
        // stays hasMore: scrolling up again retries
      } finally {
        m.set('loadingOlder', false)
      }
    },
    /** Sends a message (text, files or both); false when it is empty or too long. */
    send(text: string, files: Upload[] = []): boolean {
      const id = state.selectedId
      if (!id || (!text.trim() && files.length === 0) || text.length > MAX_TEXT_LENGTH) {
        return false
      }
      const clientMsgId = newId()
      m.addPending({
        conversationId: id,
        clientMsgId,
        text,
        createdAt: Date.now(),
        failed: false,
        uploads: files.length > 0 ? files : undefined,
      })
      typing.sent()
      void deliver(id, clientMsgId, text, files)
      return true
    },
    /**
     * A private note for the team (never shown to the visitor), mentioning these colleagues.
     * Durable like a send: it goes once connected, a retry is recognised by its client id. It
     * shows when its event comes back; false when it is empty or too long.
     */
    note(text: string, mentions: string[]): boolean {
      const conversationId = state.selectedId
      if (!conversationId || !text.trim() || text.length > MAX_TEXT_LENGTH) return false
      const frame = {
        type: 'note',
        conversationId,
        clientMsgId: newId(),
        text,
        ...(mentions.length > 0 ? { mentions } : {}),
      } as const
      transport.request(frame, { durable: true }).catch((e: unknown) => {
        fail(e)
        // Refused (not lost in transit: durable requests outlive the connection). The words
        // go back into the composer, as a note, while it still shows this conversation.
        if (state.selectedId !== conversationId) return
        window.dispatchEvent(
          new CustomEvent<ComposeRequest>(COMPOSE_EVENT, { detail: { mode: 'note', text } }),
        )
      })
      return true
    },
    /** The composer's draft changed; an emptied one stops "typing" at once. */
    typing: (draft?: string) => typing.input(draft),
    startEdit(messageId: string) {
      m.set({ notice: null, editing: messageId })
    },
    cancelEdit: () => m.set('editing', null),
    /**
     * Saves the edit; true when stored. A refusal (already read) closes the editor and says
     * why; the composer keeps the text.
     */
    async saveEdit(text: string): Promise<boolean> {
      const messageId = state.editing
      const conversationId = state.selectedId
      if (!messageId || !conversationId || !text.trim() || text.length > MAX_TEXT_LENGTH) {
        return false
      }
      try {
        const frame = { type: 'edit', conversationId, messageId, text } as const
        const ack = await transport.request<{ message: Message }>(frame)
        m.upsertMessage(ack.message)
        m.set('editing', null)
        return true
      } catch (e) {
        fail(e)
        if (!asParleyError(e).retryable) m.set('editing', null)
        return false
      }
    },
    async remove(messageId: string) {
      const conversationId = state.selectedId
      if (!conversationId) return
      if (state.editing === messageId) m.set('editing', null)
      try {
        const frame = { type: 'delete', conversationId, messageId } as const
        const ack = await transport.request<{ message: Message }>(frame)
        m.upsertMessage(ack.message)
      } catch (e) {
        fail(e)
      }
    },
    discard: (clientMsgId: string) => m.removePending(clientMsgId),
    setStatus(status: Conversation['status']) {
      const conversationId = state.selectedId
      if (conversationId) void conversationRequest({ type: 'set_status', conversationId, status })
    },
    /** Supervisor mode (O5): stop watching invisibly; receipts and typing go out from now. */
    joinVisibly() {
      const id = state.selectedId
      if (!id || !state.watching) return
      joinedId = id
      // Seen by colleagues (`viewing`) once subscribed anew, visibly: not before (refused).
      m.set({ watching: false, subscribed: null })
      transport.subscribe(id, transport.cursor(id) ?? loadedSeq)
      markRead()
    },
    /** "Take over": assign it to me, then join visibly. */
    async takeOver() {
      const conversationId = state.selectedId
      const me = state.login?.operator.id
      if (!conversationId || !me) return
      await conversationRequest({ type: 'assign', conversationId, operatorId: me })
      const c = state.conversations.find((x) => x.id === conversationId)
      if (state.selectedId === conversationId && c?.assigneeId === me) actions.joinVisibly()
    },
    /** "Assign to me" with the own id, release with null. */
    assign(operatorId: string | null) {
      const conversationId = state.selectedId
      if (conversationId) void conversationRequest({ type: 'assign', conversationId, operatorId })
    },
    dismissNotice: () => m.set('notice', null),
    dismissMention: () => m.set('mention', null),
    dismissSla: () => m.set('slaAlert', null),
  }

  /**
   * A colleague mentioned this operator in a note: a toast while the panel is in view, a
   * notification (and the beep) while it is hidden.
   */
  function onMention(alert: MentionAlert) {
    m.set('mention', alert)
    const who = authorName(state, alert.by)
    alertHidden(
      'mentions',
      alert.conversationId,
      t('{name} mentioned you', { name: who }),
      alert.excerpt,
      () => {
        m.set('mention', null)
        void actions.open(alert.conversationId)
      },
      { always: true },
    )
  }

  return {
    actions,
    onEvent,
    onMention,
    markRead,
    /**
     * A colleague (or the visitor) changed the visitor's name or e-mail: the row is named anew
     * by the list's next read, the sidebar on screen now.
     */
    detailsChanged(id: string, visitorId: string) {
      m.forgetVisitorLabel(visitorId)
      if (state.selectedId === id) void loadVisitor(id)
    },
    /** After a reconnect: the history may have moved on while we were away. */
    reloadIfBehind(id: string) {
      if (state.selectedId === id) void load(id).catch(fail)
    },
  }
}

/** The text shown for a refused action: the server's code, in words. */
export function describe(e: unknown): string {
  const error = asParleyError(e)
  switch (error.code) {
    case 'MESSAGE_ALREADY_READ':
      return t(
        'The visitor has already read this message, so it can no longer be changed. Your text is kept: send it as a new message.',
      )
    case 'MESSAGE_ALREADY_DELETED':
      return t('This message has already been deleted.')
    case 'MESSAGE_ACTION_FORBIDDEN':
      return t('Only the author can change this message.')
    case 'forbidden':
      return t('Not allowed: {detail}', { detail: error.message })
    case 'payload_too_large':
    case 'unsupported_media_type':
      return t('The file was not accepted: {detail}', { detail: error.message })
    case 'unavailable':
    case 'overloaded':
      return t('No connection right now. Please try again in a moment.')
    default:
      // The server's detail is English; Russian frames it.
      return t('{detail} ({code})', { detail: error.message, code: error.code })
  }
}
