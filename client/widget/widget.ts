/**
 * The widget: state plus the actions the components call. Owns the visitor session, the
 * outbox and the shared transport, and turns server events into state changes.
 *
 * Flow: the transport connects once there is a session (a returning visitor, a queued message,
 * or the chat being opened). After each connect the visitor's latest open conversation is
 * found (once), its history loaded and subscribed from the seq it was loaded at; then queued
 * messages go out one by one, `start` for the first one when there is no conversation yet.
 *
 * Files: each upload starts when the file is added to the composer and waits for the same
 * readiness (connected, conversation looked up); a visitor without a conversation gets one
 * (`start` without a message) for the first file. A message with files waits in the outbox
 * until its uploads are done, then goes with the same clientMsgId.
 *
 * Nobody to answer (R6): a visitor without a conversation leaves a request instead (name,
 * e-mail, text over HTTP); its answer is an ordinary conversation, taken over like `start`'s.
 *
 * Waiting (R6): the conversation's place in the queue is read over HTTP after each subscribe
 * (opened or resumed) and then follows the transport's `queue` events; an answer overtaken by
 * an event is dropped. Who answers (13.7): operators are named, with their pictures, through
 * `names.ts`.
 *
 * Identity and context (14): `start` carries the host page and the browser's language and time
 * zone; a later page of the site is told with `page` while the conversation is open. A page
 * the server would not take (a file: URL, a longer address) is left out, and a start refused
 * for its context is sent again without it: the context never keeps the visitor from writing.
 * The inbox's pre-chat form (from the availability answer) is asked before the first message
 * (`before`: a refused `start` keeps its message queued until the form is answered) or in the
 * thread after it (`after`); the answers go to the visitor's profile.
 *
 * Ratings (C10): the `conversation.status` event that resolved or closed the conversation is
 * what a rating is for; `conversation.rated` events (replayed or live) and acks say it was
 * given. Without an open conversation the newest one still open to ratings is shown, so a
 * visitor who reloads or comes back on another device sees it resolved (and rated) there.
 *
 * Proactive messages (M6): an inbox running campaigns (the availability answer says so) gets
 * their chunk (campaign/), which shows one when it is due; the visitor's first message then
 * starts the conversation with it (`campaignId`), the server writing its text first.
 *
 * Help center (issue 21): an inbox with published articles (the availability answer's `help`)
 * gets its chunk (help/): a search at home and suggestions while a first message is written.
 * `prefill` hands words to the composer (its "Write to us", the SDK's `open({ text })`).
 *
 * Several conversations (15): that lookup is the fast path; from the header the visitor goes
 * home (their list, read over HTTP when shown) and opens another one or a new one. Only the
 * conversation shown is subscribed. A queued message keeps the conversation it was written in;
 * null (written in a new thread or a closed one) is a new one, `start`ed by the first of them,
 * and the rest follow it there.
 */
import {
  asParleyError,
  browserChannels,
  httpJson,
  MAX_TEXT_LENGTH,
  newId,
  readinessProbe,
  Transport,
  typingSender,
  unlockAudio,
  type Conversation,
  type Message,
  type ParleyError,
  type SendAck,
} from '../shared/index.ts'
import { createLinks, settleUploads, type Upload, type UploadEnv } from '../shared/attachments.ts'
import { RATING_CHANGE_MS } from '../../protocol/limits.ts'
import type { CAMPAIGN_AUTHOR } from '../../protocol/campaigns.ts'
import { widgetApi, type OfflineRequest, type Profile, type ProfilePatch } from './api.ts'
import { availabilityPoller } from './availability.ts'
import type { Identity, WidgetConfig } from './config.ts'
import { createEventHandler } from './events.ts'
import type { HostBridge } from './host.ts'
import { strings, type Strings } from './i18n.ts'
import { nameBook } from './names.ts'
import { Outbox, type QueuedMessage } from './outbox.ts'
import { createReceipts } from './receipts.ts'
import { connectSdk, type Sdk } from './sdk.ts'
import { fieldValue, preChatForm } from './derive.ts'
import { VisitorSession } from './session.ts'
import type { KeyValue } from './storage.ts'
import { createWidgetStore, type NoticeKey, type Rating, type WidgetState } from './store.ts'
import { campaign } from './components/lazy.ts'

export interface Widget {
  state: WidgetState
  actions: WidgetActions
  t: Strings
  config: WidgetConfig
  links: ReturnType<typeof createLinks>
  uploads: UploadEnv
  sdk: Sdk
  /** The host page's persistent storage (through the loader), for small preferences such as recent emoji. */
  local: KeyValue
}

export type WidgetActions = ReturnType<typeof createWidget>['actions']

export function createWidget(config: WidgetConfig, host: HostBridge) {
  const storage = host.local
  const tab = host.tab
  const session = new VisitorSession(
    config.baseUrl,
    config.inboxId,
    config.identity,
    storage,
    onVisitor,
    () => host.identityRequired(),
  )
  // A known visitor may have a conversation: it is looked up before the form is offered.
  const [state, m] = createWidgetStore({
    dark: config.dark,
    lookedUp: !session.exists && !config.identity,
    locale: config.langExplicit ? config.lang : null,
    pageLang: config.lang,
  })
  const api = widgetApi(config.baseUrl, session, config.inboxId, () => state.lang)
  const wantName = nameBook(api.operators, () => state.conversation?.id, m.setName)
  const availability = availabilityPoller(api.availability, (a) => {
    m.setAvailability(a)
    // Proactive messages (M6): a chunk of their own, fetched only when the inbox runs some.
    if (a.campaigns && !state.open && state.conversation?.status !== 'open')
      void campaign().then((c) => c.run({ state, m, host, session, config }))
  })
  /** The pending request's id: a retry after a lost answer lands once. */
  let requestId = newId()
  const outbox = new Outbox(storage)
  const transport = new Transport({
    baseUrl: config.baseUrl,
    auth: session,
    channels: browserChannels,
    probe: readinessProbe(config.baseUrl),
    online: () => navigator.onLine,
  })
  const typing = typingSender((on) => {
    const c = state.conversation
    if (c && transport.state === 'connected') {
      transport.request({ type: 'typing', conversationId: c.id, on }).catch(() => undefined)
    }
  })
  let active = false
  let resolved = false
  let resolving = false
  let draining = false
  /** Counts visitor changes, so a delivery can tell it outlived its visitor. */
  let visitorEpoch = 0
  /** Counts queue events, so a place read over HTTP can tell an event overtook it. */
  let queueTold = 0
  const receipts = createReceipts(state, m, transport)
  /** Uploads of queued messages, by clientMsgId (memory only). */
  const uploadsOf = new Map<string, Upload[]>()
  let waiters: Array<() => void> = []
  let starting: Promise<string> | null = null
  const links = createLinks(config.baseUrl, () => session.token())
  /** The conversation and page last told to the server ("id url"): each page is told once. */
  let reported = ''
  /** Uploads whose conversation waits for the pre-chat form to be answered. */
  let answered: Array<() => void> = []
  /** The conversation being shown (loaded or loading); null: none, or a new one. */
  let viewing: string | null = null
  /** The visitor chose what to see (home): the lookup no longer picks for them. */
  let chosen = false

  /** Resolves once connected with the visitor's conversation looked up. */
  const ready = () =>
    resolved && transport.state === 'connected'
      ? Promise.resolve()
      : new Promise<void>((resolve) => waiters.push(resolve))

  /** The conversation to upload into: the current one, or a new one (`start` with no message). */
  async function conversationId(): Promise<string> {
    for (;;) {
      await ready()
      const c = writable()
      if (c) return c.id
      starting ??= begin({}).finally(() => (starting = null))
      try {
        return await starting
      } catch (error) {
        if (isFormRefusal(error)) {
          // The pre-chat form first: asked again once it is answered.
          askDetails()
          await new Promise<void>((resolve) => answered.push(resolve))
        } else {
          // offline again or refused: wait for the next connect
          await new Promise((resolve) => setTimeout(resolve, 1000))
        }
      }
    }
  }

  async function begin(first: { clientMsgId?: string; text?: string }): Promise<string> {
    const page = hostPage()
    const context = {
      url: webUrl(page.url),
      title: page.title.trim().slice(0, 300) || undefined,
      referrer: page.referrer && webUrl(page.referrer),
      language: navigator.language,
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    }
    // A reply to the proactive message shown (M6) starts the conversation with it.
    let campaignId = first.text ? state.campaign?.id : undefined
    // Refused for the campaign (over meanwhile) or the context, it goes again without: neither
    // ever keeps the visitor from writing.
    const start = (withContext: boolean): Promise<{ conversation: Conversation }> =>
      transport
        .request<{ conversation: Conversation }>(
          {
            type: 'start',
            ...first,
            locale: state.lang,
            campaignId,
            ...(withContext ? { context } : {}),
          },
          { durable: true },
        )
        .catch((error: unknown) => {
          const e = asParleyError(error)
          if (campaignId && (e.code === 'conflict' || /campaign/i.test(e.message))) {
            campaignId = undefined
            return start(withContext)
          }
          if (!withContext || e.code !== 'validation_failed' || !e.message.startsWith('context'))
            throw error
          return start(false)
        })
    const ack = await start(true)
    m.setCampaign(null)
    outbox.started(ack.conversation.id)
    // Shown where it was written (a new thread, or in place of a closed one) unless the visitor
    // went elsewhere meanwhile: then it waits in their list.
    const here = state.conversation
    if (!state.home && (!here || here.status === 'closed')) {
      if (here) transport.unsubscribe(here.id)
      if (here) m.clearConversation()
      take(ack.conversation)
    } else void refreshList()
    if (context.url) reported = `${ack.conversation.id} ${context.url}`
    return ack.conversation.id
  }

  /**
   * The conversation a new message goes to: the current one unless it was closed. A closed
   * one is over (a resolved one reopens when written to): the message starts a new
   * conversation, which `begin` shows in its place.
   */
  function writable(): Conversation | null {
    const c = state.conversation
    return c?.status === 'closed' ? null : c
  }

  /** The server holds the conversation for the form: asked, as the server has it now. */
  function askDetails() {
    m.setDetails({ details: 'ask' })
    availability.check()
  }

  /** The host page as the loader told it; nothing known when not embedded (or an older loader). */
  const hostPage = () => host.page() ?? { url: '', title: '', referrer: '' }

  /** Tells the server the page the visitor is on now, while the conversation is open. */
  function reportPage() {
    const c = state.conversation
    const page = hostPage()
    const url = webUrl(page.url)
    if (!c || c.status !== 'open' || !url || !resolved || transport.state !== 'connected') return
    const key = `${c.id} ${url}`
    if (reported === key) return
    reported = key
    const title = page.title.trim().slice(0, 300)
    const frame = { type: 'page', conversationId: c.id, url, ...(title ? { title } : {}) } as const
    // Rate limited or offline: not retried, the next page is told again.
    transport.request(frame).catch(() => undefined)
  }

  /** A conversation the server just started for the visitor: its events from the first. */
  function take(conversation: Conversation) {
    viewing = conversation.id
    m.setConversation(conversation)
    transport.subscribe(conversation.id, 0)
  }

  const uploadEnv: UploadEnv = {
    baseUrl: config.baseUrl,
    token: () => session.token(),
    ready: () => {
      activate()
      return ready()
    },
    conversationId,
  }

  const onEvent = createEventHandler(state, m, {
    isVisible: () => state.open && !state.home && document.visibilityState === 'visible',
    acknowledge: () => receipts.schedule(),
    announce(message) {
      // The proactive message replied to (M6) was read out when it showed.
      if (message.author.id === CAMPAIGN) return
      const t = strings(state.lang)
      m.announce(
        `${message.author.kind === 'operator' ? t.newMessage : `${t.auto}:`} ${message.text}`,
      )
      sdk.message(message)
    },
    requeue() {
      void readQueue()
      reportPage()
    },
  })

  async function readQueue() {
    const c = state.conversation
    if (!c || c.status !== 'open' || c.assigneeId) return m.setQueue(null)
    const told = queueTold
    try {
      const { position } = await api.queue(c.id)
      if (told === queueTold && state.conversation?.id === c.id) m.setQueue(position)
    } catch {
      // the events keep it current; the next subscribe reads it again
    }
  }

  m.setVisitor(session.visitorId)
  m.setDetails({ detailsAsked: storage.get<boolean>(DETAILS_KEY) === true })
  for (const item of outbox.all()) m.addPending(item)
  if (!config.embedded) m.setHost({ dark: config.dark, compact: true })

  host.listen({
    info: (info) => m.setHost(info),
    page: () => reportPage(),
    identity: identify,
  })

  /** The page named its user anew (data-user-*, ParleyIdentity or SDK setUser). */
  function identify(identity: Identity | null) {
    const otherUser = session.setIdentity(identity)
    if (!otherUser) return transport.reconnectNow()
    // The open connection still speaks for the previous user: start over with the new one.
    if (transport.state === 'idle') return
    transport.stop()
    transport.start()
  }

  transport.on('state', (s) => {
    m.setConnection(s, transport.kind)
    if (s === 'connected') void afterConnect()
    else m.clearTyping()
  })
  transport.on('event', onEvent)
  transport.on('queue', (frame) => {
    if (frame.conversationId !== state.conversation?.id) return
    queueTold++
    m.setQueue(frame.data.position)
  })
  transport.on('subscribed', ({ conversationId, view, behind }) => {
    if (conversationId !== state.conversation?.id) return
    if (behind) {
      // The server has less than we showed (restored from a backup): start over from it.
      m.clearConversation()
      void load(conversationId)
      return
    }
    m.setView(view)
    receipts.schedule()
    void readQueue()
  })
  // Refused for now (rate limit): the queue resends by itself when the wait is over. Asked to
  // prove itself (S4): the proof gives a pass, and the queue's next resend goes through.
  transport.on('retrying', (error) => {
    if (error.code === 'captcha_required') return void verify()
    if (error.code !== 'rate_limited') return
    const until = Date.now() + (error.retryAfterMs ?? 1000)
    m.setLimited(until)
    // Cleared a moment after the resend unless the next message is refused again meanwhile.
    setTimeout(() => state.limitedUntil === until && m.setLimited(null), until - Date.now() + 1500)
  })
  transport.on('subscribeFailed', ({ conversationId }) => {
    if (conversationId !== state.conversation?.id) return
    m.clearConversation()
    resolved = false
    void afterConnect()
  })

  const post = <T>(path: string, body: unknown, token: string | null) =>
    httpJson<T>(config.baseUrl, path, { body, token })
  /** A challenge solved by the lazily loaded solver: for the visitor's pass, or a new session. */
  const prove = async (token: string | null) =>
    (await import('./captcha.ts')).prove(post, config.inboxId, token)
  let verifying: Promise<void> | null = null
  /** Solves a challenge for the visitor's pass; once at a time. */
  function verify(): Promise<void> {
    return (verifying ??= (async () => {
      m.setNotice('verifying')
      try {
        await prove(await session.token())
        if (state.notice === 'verifying') m.setNotice(null)
      } catch {
        m.setNotice('verifyFailed')
      } finally {
        verifying = null
      }
    })())
  }
  session.onCaptcha = async () => {
    m.setNotice('verifying')
    try {
      return await prove(null)
    } finally {
      if (state.notice === 'verifying') m.setNotice(null)
    }
  }

  function onVisitor(visitorId: string | null) {
    if (visitorId === state.visitorId) return
    const old = state.conversation
    if (old) transport.unsubscribe(old.id)
    visitorEpoch++
    m.clearConversation()
    // Sent or refused under the previous visitor: gone with its conversation. Still queued:
    // goes out as the new one, as after a reload.
    m.resetPending(outbox.all())
    uploadsOf.clear()
    links.reset()
    // Another visitor than the one shown: they may have a conversation of their own.
    if (state.visitorId) m.setLookedUp(false)
    m.setVisitor(visitorId)
    resolved = false
    receipts.reset()
    viewing = null
    chosen = false
    outbox.unbind()
    m.setList([])
    m.setHome(false)
    // What they told about themselves is theirs too.
    m.setDetails({ profile: null, details: 'unknown' })
  }

  function activate() {
    if (active) return
    active = true
    transport.start()
    window.addEventListener('online', () => transport.reconnectNow())
    window.addEventListener('offline', () => transport.wentOffline())
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState !== 'visible') return
      transport.reconnectNow()
      receipts.schedule()
    })
  }

  async function afterConnect() {
    if (!resolved && !(await resolve())) {
      setTimeout(() => transport.state === 'connected' && void afterConnect(), 2000)
      return
    }
    const go = waiters
    waiters = []
    for (const resolve of go) resolve()
    void drain()
    receipts.schedule()
    reportPage()
  }

  /**
   * Finds the visitor's latest open conversation, once per visitor; without one, the newest
   * if it was resolved or closed recently enough to be rated (C10).
   */
  async function resolve(): Promise<boolean> {
    if (resolving) return false
    resolving = true
    try {
      const { conversations } = await api.conversations()
      m.setList(conversations)
      if (!state.conversation && !chosen) {
        const newest = conversations[0]
        const recent = newest && Date.now() - newest.updatedAt < RATING_CHANGE_MS ? newest : null
        const open = conversations.find((c) => c.status === 'open') ?? recent
        if (open) {
          viewing = open.id
          await load(open.id)
        }
      }
      resolved = true
      m.setLookedUp(true)
      return true
    } catch {
      return false
    } finally {
      resolving = false
    }
  }

  async function load(id: string) {
    const view = await api.view(id)
    const page = await api.history(id)
    // The visitor went to another one meanwhile.
    if (viewing !== id) return
    m.setView(view)
    m.addHistory(page.messages, page.hasMore)
    // From the page's first message on, so the operators who joined show between its messages.
    const first = page.messages[0]
    transport.subscribe(id, page.hasMore && first ? first.seq - 1 : 0)
  }

  /** Sends queued messages in order; each waits across reconnects until acked or refused. */
  async function drain() {
    if (draining || !resolved) return
    draining = true
    try {
      for (let item = outbox.first(); item; item = outbox.first()) {
        const epoch = visitorEpoch
        try {
          await deliver(item)
          // Its visitor has left the screen meanwhile (another user): the row goes too.
          if (epoch !== visitorEpoch) m.removePending(item.clientMsgId)
        } catch (error) {
          if (epoch === visitorEpoch && isFormRefusal(error)) {
            // Stays queued: it goes out once the visitor has answered the form.
            askDetails()
            break
          }
          if (epoch !== visitorEpoch) m.removePending(item.clientMsgId)
          else {
            m.failPending(item.clientMsgId)
            m.setNotice(noticeFor(asParleyError(error)))
          }
        }
        outbox.remove(item.clientMsgId)
        // The rest waits for the new visitor's conversation to be looked up (afterConnect).
        if (epoch !== visitorEpoch) break
      }
    } finally {
      draining = false
    }
  }

  async function deliver(item: QueuedMessage) {
    // Uploads made on this page, in the visitor's order; after a reload, those stored before it.
    const uploads = uploadsOf.get(item.clientMsgId)
    const files = uploads
      ? await settleUploads(uploads, item.text.trim() !== '')
      : (item.attachments ?? [])
    const ids = files.map((a) => a.id)
    uploadsOf.delete(item.clientMsgId)
    if (starting) await starting.catch(() => undefined)
    // Read again: a new conversation's messages are bound to it once its first one started it.
    const bound = outbox.all().find((i) => i.clientMsgId === item.clientMsgId) ?? item
    const target = bound.conversationId === undefined ? writable()?.id : bound.conversationId
    if (target) {
      const frame = {
        type: 'send',
        conversationId: target,
        ...pick(item),
        ...(ids.length > 0 ? { attachmentIds: ids } : {}),
      } as const
      await transport.request<SendAck>(frame, { durable: true })
      return
    }
    // Files are uploaded into a conversation, so a message without one has text only.
    starting = begin(pick(item)).finally(() => (starting = null))
    await starting
  }

  /** Reads the visitor's conversations for the home view; kept as they were when that fails. */
  async function refreshList() {
    if (!session.exists) return
    const epoch = visitorEpoch
    try {
      const { conversations } = await api.conversations()
      if (epoch === visitorEpoch) m.setList(conversations)
    } catch {
      // read again later (home, reconnect, reopening the chat)
    }
  }

  /** Stops showing the current conversation: `next` (null: a new one) is shown instead. */
  function leaveShown(next: string | null) {
    const old = state.conversation
    if (old) transport.unsubscribe(old.id)
    typing.stop()
    chosen = true
    viewing = next
    m.clearConversation()
    receipts.reset()
    // The rows still queued for the next one (a new one: those written as new).
    const queued = outbox.all().filter((i) => (i.conversationId ?? null) === next)
    m.resetPending(queued.map((i) => ({ ...i, uploads: uploadsOf.get(i.clientMsgId) })))
  }

  /** Loads and subscribes the conversation the visitor opened, once connected; retried. */
  async function show(id: string) {
    for (let attempt = 0; viewing === id; attempt++) {
      await ready()
      if (viewing !== id) return
      try {
        return await load(id)
      } catch {
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000 * 2 ** attempt, 10_000)))
      }
    }
  }

  function open() {
    if (resolved) void refreshList()
    m.setOpen(true)
    host.layout(true)
    tab.set('open', true)
    activate()
    unlockAudio()
    receipts.schedule()
    availability.watch(true)
  }

  function close() {
    m.setOpen(false)
    host.layout(false)
    tab.set('open', false)
    typing.stop()
    availability.watch(false)
  }

  const actions = {
    open,
    close,
    toggle: () => (state.open ? close() : open()),
    /** Shows the visitor's conversations (the current one stays subscribed meanwhile). */
    home() {
      typing.stop()
      m.setHome(true)
      void refreshList()
    },
    refreshList,
    /** Shows one of the visitor's conversations (from home). */
    openConversation(id: string) {
      m.setHome(false)
      if (id === state.conversation?.id) return receipts.schedule()
      leaveShown(id)
      const listed = state.list.find((c) => c.id === id)
      if (listed) {
        const { lastMessage: _message, unread: _unread, ...conversation } = listed
        m.setConversation(conversation)
      }
      void show(id)
    },
    /** An empty thread: the first message starts a new conversation. */
    newConversation() {
      leaveShown(null)
      m.setHome(false)
    },
    /** Words for the composer, which takes them in (and clears this) once shown. */
    prefill: m.setPrefill,
    /** Queues a message (text, files or both); false when it is empty or too long. */
    send(text: string, files: Upload[] = []): boolean {
      if ((!text.trim() && files.length === 0) || text.length > MAX_TEXT_LENGTH) return false
      // Before the lookup: the conversation it finds, as after a reload.
      const c = state.conversation
      const item = outbox.add(
        text,
        !state.lookedUp ? undefined : c && c.status !== 'closed' ? c.id : null,
      )
      if (files.length > 0) {
        uploadsOf.set(item.clientMsgId, files)
        for (const f of files) {
          f.done.then((a) => outbox.addAttachment(item.clientMsgId, a)).catch(() => undefined)
        }
      }
      m.addPending(item, files.length > 0 ? files : undefined)
      typing.sent()
      activate()
      void drain()
      return true
    },
    /** The composer's draft changed; an emptied one stops "typing" at once. */
    typing: (draft?: string) => typing.input(draft),
    startEdit(messageId: string) {
      m.setNotice(null)
      m.setEditing(messageId)
    },
    cancelEdit: () => m.setEditing(null),
    /**
     * Saves the edit; true when stored. A refusal (already read) closes the editor and says
     * why; the composer keeps the text.
     */
    async saveEdit(text: string): Promise<boolean> {
      const id = state.editing
      const c = state.conversation
      if (!id || !c || !text.trim() || text.length > MAX_TEXT_LENGTH) return false
      try {
        const frame = { type: 'edit', conversationId: c.id, messageId: id, text } as const
        const ack = await transport.request<{ message: Message }>(frame)
        m.upsertMessage(ack.message)
        m.setEditing(null)
        return true
      } catch (e) {
        const error = asParleyError(e)
        m.setNotice(noticeFor(error))
        if (!error.retryable) m.setEditing(null)
        return false
      }
    },
    async remove(messageId: string) {
      const c = state.conversation
      if (!c) return
      if (state.editing === messageId) m.setEditing(null)
      try {
        const frame = { type: 'delete', conversationId: c.id, messageId } as const
        const ack = await transport.request<{ message: Message }>(frame)
        m.upsertMessage(ack.message)
      } catch (e) {
        m.setNotice(noticeFor(asParleyError(e)))
      }
    },
    discard: (clientMsgId: string) => m.removePending(clientMsgId),
    async loadOlder() {
      const c = state.conversation
      const first = state.messages[0]
      if (!c || !first || !state.hasMore || state.loadingOlder) return
      m.setLoadingOlder(true)
      try {
        const page = await api.history(c.id, first.seq)
        m.addHistory(page.messages, page.hasMore)
      } catch {
        // stays hasMore: scrolling up again retries
      } finally {
        m.setLoadingOlder(false)
      }
    },
    dismissNotice: () => m.setNotice(null),
    /** An operator's visitor-facing name; undefined (and asked for) while unknown. */
    name(operatorId: string): string | undefined {
      const name = state.names[operatorId]
      if (name === undefined) wantName(operatorId)
      return name
    },
    /** The URL of an operator's picture; null without one or while their name is unknown. */
    avatar(operatorId: string): string | null {
      const id = state.avatars[operatorId]
      return id ? api.avatarUrl(id) : null
    },
    /** Leaves a request while nobody can answer; rejects with the server's ParleyError. */
    async leave(request: OfflineRequest) {
      const clientMsgId = requestId
      const body = { ...request, clientMsgId, locale: state.lang }
      // Asked to prove itself first (S4): once proved, the same request again.
      const ack = await api.leave(body).catch(async (error: unknown) => {
        if (asParleyError(error).code !== 'captcha_required') throw error
        await verify()
        return api.leave(body)
      })
      requestId = newId()
      take(ack.conversation)
      // Shown at once; the stored message replaces it when its event arrives.
      m.addPending({ clientMsgId, text: request.text, createdAt: ack.message.createdAt })
      m.setThanks(request.email)
      activate()
    },
    /**
     * Rates the conversation's latest resolution on the inbox's scale, or declines (null);
     * rejects with the server's ParleyError (conflict: no longer open to changes).
     */
    async rate(score: number | null, comment: string) {
      const c = state.conversation
      if (!c) return
      const text = comment.trim() || null
      const frame = { type: 'rate', conversationId: c.id, score, comment: text } as const
      const ack = await transport.request<{ rating: Rating }>(frame)
      m.setRating(ack.rating)
    },
    /** What the visitor told about themselves (read once); null when it cannot be read now. */
    async profile(): Promise<Profile | null> {
      const profile = state.profile ?? (await api.profile().catch(() => null))
      if (profile) m.setDetails({ profile })
      return profile
    },
    /** Before the first message: the form is asked unless the visitor has answered it. */
    async checkDetails(): Promise<void> {
      const profile = await actions.profile()
      const done =
        profile &&
        preChatForm(state).fields.every(
          (f) => fieldValue(profile, f.key) || (!f.required && state.detailsAsked),
        )
      if (state.details === 'unknown') m.setDetails({ details: done ? 'done' : 'ask' })
    },
    /** Saves the form's answers; rejects with the server's ParleyError (422 names the field). */
    async saveProfile(patch: ProfilePatch): Promise<void> {
      m.setDetails({ profile: await api.saveProfile(patch) })
      actions.dismissDetails()
    },
    /** The form asked before the first message is answered: the visitor may write. */
    detailsAnswered() {
      m.setDetails({ details: 'done' })
      const go = answered
      answered = []
      for (const resolve of go) resolve()
      void drain()
    },
    /** The form was answered or its card declined: that card is not shown again here. */
    dismissDetails(): void {
      storage.set(DETAILS_KEY, true)
      m.setDetails({ detailsAsked: true })
    },
    /** Shows "Your details" in place of the composer once the answers are read, or hides it. */
    async openDetails(detailsOpen: boolean): Promise<void> {
      if (detailsOpen) await actions.profile()
      m.setDetails({ detailsOpen })
    },
  }

  // The page's SDK: its calls made before now apply first (an identity before any session).
  const sdk = connectSdk({
    state,
    m,
    host,
    open,
    close,
    toggle: actions.toggle,
    identify,
    saveProfile: api.saveProfile,
    name: actions.name,
    recheck: availability.check,
  })

  availability.check()
  if (session.exists || outbox.first()) activate()
  if (tab.get<boolean>('open') || !config.embedded) open()

  return {
    state,
    actions,
    /** In the widget's language now (it may change: the inbox's default, SDK setLocale). */
    get t(): Strings {
      return strings(state.lang)
    },
    config,
    links,
    uploads: uploadEnv,
    sdk,
    local: storage,
  }
}

/** An http(s) address of at most 2048 characters (what the server takes), else undefined. */
function webUrl(url: string): string | undefined {
  return url.length <= 2048 && /^https?:\/\//i.test(url) ? url : undefined
}

/** The system author of a proactive message's copy (CAMPAIGN_AUTHOR: its module is no client's). */
const CAMPAIGN: typeof CAMPAIGN_AUTHOR = 'campaign'

/** Set once the visitor answered the pre-chat form or declined its card on this device. */
const DETAILS_KEY = 'details'

/** The server holds a new conversation until the pre-chat form's required answers are given. */
function isFormRefusal(error: unknown): boolean {
  const e = asParleyError(error)
  return e.code === 'validation_failed' && e.message.startsWith('the pre-chat form asks')
}

function pick(item: QueuedMessage) {
  return item.text.trim()
    ? { clientMsgId: item.clientMsgId, text: item.text }
    : { clientMsgId: item.clientMsgId }
}

function noticeFor(error: ParleyError): NoticeKey {
  switch (error.code) {
    case 'MESSAGE_ALREADY_READ':
      return 'alreadyRead'
    case 'MESSAGE_ALREADY_DELETED':
      return 'alreadyDeleted'
    case 'rate_limited':
      return 'rateLimited'
    case 'unavailable':
    case 'overloaded':
      return 'offlineAction'
    default:
      return 'failedAction'
  }
}
