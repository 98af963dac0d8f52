/**
 * The panel: state plus the actions the components call. Owns the operator login, the shared
 * transport and the operator feed, and keeps the inbox list live.
 *
 * Flow: signed in, the transport connects; after each connect `feed_subscribe` (its snapshot
 * gives status, badges and unread counts; feed frames are not replayed, so it is sent again after
 * every reconnect) and the first inbox page is reloaded. The conversation on screen is resumed
 * by the transport itself (subscribe with the last seq seen); while it is on screen, colleagues
 * are told so (collision.ts).
 */
import { batch, createEffect, createRoot, on } from 'solid-js'
import { reconcile } from 'solid-js/store'
import {
  asParleyError,
  assertNever,
  browserChannels,
  httpJson,
  readinessProbe,
  Transport,
  type Conversation,
  type FeedBatchFrame,
  type FeedFrame,
  type FeedSnapshot,
  type OperatorStatus,
} from '../shared/index.ts'
import { createLinks, type UploadEnv } from '../shared/attachments.ts'
import { createAdmin } from './admin.ts'
import { panelApi, type Progress } from './api.ts'
import { createChat, describe } from './chat.ts'
import { createCollision } from './collision.ts'
import { createLabels } from './labels.ts'
import { createMacros } from './macros.ts'
import { createSnooze } from './snooze.ts'
import { createFollowing } from './following.ts'
import { createList } from './list.ts'
import { locale, setLocale, t, type Locale } from './i18n.ts'
import { createCanned } from './replies.ts'
import { alertHidden, prime } from './notify.ts'
import { createAnnouncer } from './announce.ts'
import { visitorLabel } from './derive.ts'
import { loadLogin, operatorTokens, saveLogin, type StoredLogin } from './session.ts'
import { createPanelStore, type Page } from './store.ts'
import { createTransfers } from './transfers.ts'

/** How often, at most, a busy feed's conversation changes reach the list (see queueConversation). */
const FEED_FLUSH_MS = 200

export function createPanel(baseUrl: string) {
  const [state, m] = createPanelStore(loadLogin())
  const api = panelApi(baseUrl, () => state.login?.token ?? null)
  const transport = new Transport({
    baseUrl,
    auth: operatorTokens(
      () => state.login,
      () => void signOut(),
    ),
    channels: browserChannels,
    probe: readinessProbe(baseUrl),
    online: () => navigator.onLine,
  })
  const chat = createChat(state, m, api, transport)
  const admin = createAdmin(state, m, api)
  const canned = createCanned(state, m, api)
  const transfers = createTransfers(state, m, api, transport, (id) => {
    void actions.openConversation(id)
  })
  const list = createList(state, m, api)
  const labels = createLabels(state, m, api, transport, (e) => m.set('notice', describe(e)))
  const snooze = createSnooze(state, m, transport, (e) => m.set('notice', describe(e)))
  const macros = createMacros(state, m, api, (e) => m.set('notice', describe(e)))
  const collision = createCollision(state, m, transport)
  const following = createFollowing(state, m, api, (e) => m.set('notice', describe(e)))
  // `viewing` follows what is on screen, as sync() reads it (the tab's visibility is told below).
  createRoot(() => {
    createEffect(() => collision.sync())
    createEffect(on(() => state.selectedId, collision.clearTyping))
    createEffect(
      on(
        () => state.selectedId,
        (id) => {
          m.set('followers', null)
          void following.load(id)
        },
      ),
    )
  })

  transport.on('state', (s) => {
    m.set('connection', s)
    if (s === 'connected') void afterConnect()
  })
  transport.on('feed', onFeed)
  transport.on('event', chat.onEvent)
  transport.on('event', collision.onEvent)
  transport.on('viewers', collision.onViewers)
  transport.on('subscribed', ({ conversationId, view, behind }) => {
    if (conversationId !== state.selectedId) return
    if (behind) return chat.reloadIfBehind(conversationId)
    m.setView(view)
    m.set('subscribed', conversationId)
    chat.markRead()
  })
  transport.on('subscribeFailed', ({ conversationId, error }) => {
    if (conversationId === state.selectedId) m.set('notice', error.message)
  })
  document.addEventListener('visibilitychange', () => {
    collision.sync()
    if (document.visibilityState !== 'visible') return
    transport.reconnectNow()
    chat.markRead()
  })
  window.addEventListener('online', () => transport.reconnectNow())
  window.addEventListener('offline', () => transport.wentOffline())

  async function afterConnect() {
    try {
      const snap = await transport.request<FeedSnapshot>({ type: 'feed_subscribe' })
      m.set({ status: snap.status, badges: snap.badges, unread: snap.unread })
    } catch {
      // the next connect subscribes again
    }
    // Web Push's service worker (issue 20, sw.ts): a secure context only (https, localhost),
    // where navigator.serviceWorker exists at all.
    navigator.serviceWorker?.register('sw.js').catch(() => undefined)
    await reloadList()
    // Who follows the conversation on screen may have changed while we were away.
    void following.load(state.selectedId)
  }

  /** The first page again (after a connect); older pages load on scroll. */
  function reloadList() {
    return list.reload()
  }

  // The same text twice is a change too, so a screen reader says it again.
  const announcer = createAnnouncer((text) =>
    m.set('announcement', text === state.announcement ? `${text}\u00a0` : text),
  )

  /**
   * Conversation changes wait here and reach the store together (newest state per
   * conversation): at once when the last flush was a while ago, else at most every
   * FEED_FLUSH_MS, so a busy inbox re-sorts and re-renders the list a few times a second
   * instead of once per message, and the panel never falls behind its socket.
   */
  const pendingFeed = new Map<string, { conversation: Conversation; unread: number | null }>()
  let flushTimer: ReturnType<typeof setTimeout> | undefined
  let lastFlush = 0
  const flushFeed = () => {
    flushTimer = undefined
    lastFlush = performance.now()
    const changes = [...pendingFeed.values()]
    pendingFeed.clear()
    batch(() => {
      m.upsertConversations(changes.map((c) => c.conversation))
      for (const c of changes) m.setUnread(c.conversation.id, c.unread)
    })
    list.changed()
  }
  const queueConversation = (conversation: Conversation, unread: number | null) => {
    const queued = pendingFeed.get(conversation.id)
    if (!queued || queued.conversation.updatedAt <= conversation.updatedAt) {
      pendingFeed.set(conversation.id, { conversation, unread })
    }
    if (flushTimer !== undefined) return
    const wait = Math.max(0, lastFlush + FEED_FLUSH_MS - performance.now())
    flushTimer = setTimeout(flushFeed, wait)
  }

  function onFeed(frame: FeedFrame | FeedBatchFrame) {
    switch (frame.name) {
      case 'batch':
        // In order, as if they had come one by one; the screen updates once.
        batch(() => {
          for (const f of frame.data.frames) onFeed(f)
        })
        return
      case 'conversation': {
        const { conversation, change, unread } = frame.data
        const isNew =
          !pendingFeed.has(conversation.id) &&
          !state.conversations.some((c) => c.id === conversation.id)
        queueConversation(conversation, unread)
        if (change === 'details') {
          chat.detailsChanged(conversation.id, conversation.visitorId)
          // Following is told the same way (issue 20): who follows it may have changed.
          if (state.selectedId === conversation.id) void following.load(conversation.id)
        }
        const incoming = change === 'message' && conversation.hasUnansweredIncoming
        if (change === 'created' || incoming) {
          announcer.arrived({
            kind: change === 'created' ? 'conversation' : 'message',
            from: () =>
              visitorLabel(
                state,
                conversation.visitorId,
                conversation.id,
                conversation.erasedAt !== undefined,
              ),
          })
          const fresh = isNew || change === 'created'
          alertHidden(
            fresh ? 'conversations' : 'messages',
            conversation.id,
            fresh ? t('New conversation') : t('New message'),
            t('A visitor is waiting for a reply'),
            () => void actions.openConversation(conversation.id),
          )
        }
        return
      }
      case 'badges':
        m.set('badges', frame.data)
        return
      case 'status':
        m.set('status', frame.data.status)
        return
      case 'resync': {
        // Frames were missed (a cluster node lost its link). What is queued goes in first, so
        // none of its older unread counts lands over the snapshot's; the flush has the list
        // read again.
        clearTimeout(flushTimer)
        flushFeed()
        const { status, badges, unread } = frame.data
        m.set({ status, badges, unread })
        return
      }
      case 'alert':
        if (frame.data.kind === 'mentioned') chat.onMention(frame.data)
        // Shown (and, the tab hidden, notified) by SlaToast, on demand.
        else if (frame.data.kind === 'sla_breached') m.set('slaAlert', frame.data)
        else transfers.onAlert(frame.data)
        return
      default:
        assertNever(frame)
    }
  }

  /** Forgets the login here; `revoke` also ends the session on the server. */
  async function signOut(revoke = true) {
    const token = state.login?.token
    saveLogin(null)
    transport.stop()
    transfers.reset()
    list.reset()
    pendingFeed.clear()
    clearTimeout(flushTimer)
    flushTimer = undefined
    await chat.actions.open(null)
    // The next operator starts on the inbox: the admin pages may not be theirs.
    m.set({
      login: null,
      page: 'inbox',
      conversations: [],
      rowDetails: {},
      myInboxes: [],
      selection: [],
      counts: null,
      unread: {},
      badges: { unread: 0, unanswered: 0 },
      branchInbox: null,
      branches: null,
      teams: {},
      labels: {},
      macros: {},
      names: {},
      visitorLabels: {},
      notes: {},
      toast: null,
      mention: null,
      slaAlert: null,
      followed: {},
    })
    // Personal replies are the operator's own: the next one loads theirs.
    m.set('canned', reconcile({}))
    if (token && revoke)
      await httpJson(baseUrl, '/api/auth/logout', { body: {}, token }).catch(() => null)
  }

  /** An account with a chosen language shows it on every device it signs in on. */
  const followAccountLanguage = async (login: StoredLogin) => {
    const chosen = login.operator.locale
    if (chosen && chosen !== locale()) await setLocale(chosen).catch(() => undefined)
  }

  const actions = {
    ...chat.actions,
    ...admin,
    ...transfers.actions,
    ...canned,
    ...list.actions,
    ...labels,
    ...snooze,
    ...macros,
    ...following.actions,
    async login(email: string, password: string) {
      m.set({ busy: true, error: null })
      prime()
      try {
        const login = await httpJson<StoredLogin>(baseUrl, '/api/auth/login', {
          body: { email, password },
        })
        saveLogin(login)
        await followAccountLanguage(login)
        m.set({ login, busy: false, status: login.operator.status })
        transport.start()
      } catch (e) {
        m.set({ busy: false, error: asParleyError(e).message })
      }
    },
    /** Whether the first admin is still to be created (first run). */
    async setupPending(): Promise<boolean> {
      try {
        return (await httpJson<{ pending: boolean }>(baseUrl, '/api/setup')).pending
      } catch {
        return false
      }
    },
    /** Creates the first admin with the code the server logged, and signs in as them. */
    async setupAdmin(form: { code: string; email: string; name: string; password: string }) {
      m.set({ busy: true, error: null })
      prime()
      try {
        const login = await httpJson<StoredLogin>(baseUrl, '/api/setup', { body: form })
        saveLogin(login)
        await followAccountLanguage(login)
        m.set({ login, busy: false, status: login.operator.status })
        transport.start()
      } catch (e) {
        m.set({ busy: false, error: asParleyError(e).message })
      }
    },
    logout: () => signOut(),
    /** Null when changed; otherwise why not, to show in the form. */
    async changePassword(current: string, next: string): Promise<string | null> {
      try {
        await api.changePassword(current, next)
        return null
      } catch (e) {
        return asParleyError(e).message
      }
    },
    /** The own full name and the name visitors see; null when saved, else why not. */
    async setProfile(patch: {
      name?: string
      displayName?: string | null
    }): Promise<string | null> {
      try {
        admin.replaceOperator(await api.setProfile(patch))
        return null
      } catch (e) {
        return describe(e)
      }
    },
    /**
     * The panel language: switches this page at once and remembers it on this device, then on
     * the operator's account so their other devices start in it too. Null when saved.
     */
    async setLanguage(next: Locale): Promise<string | null> {
      await setLocale(next)
      if (!state.login) return null
      try {
        admin.replaceOperator(await api.setProfile({ locale: next }))
        return null
      } catch (e) {
        return describe(e)
      }
    },
    /** The own picture (`file`), or back to initials (null); null when done, else why not. */
    async setAvatar(
      file: File | null,
      progress: Progress = () => undefined,
    ): Promise<string | null> {
      try {
        admin.replaceOperator(
          file ? await api.putAvatar(null, file, progress) : await api.removeAvatar(null),
        )
        return null
      } catch (e) {
        return describe(e)
      }
    },
    /** Ends this operator's sessions on every device; null when done, otherwise why not. */
    async logoutEverywhere(): Promise<string | null> {
      try {
        await api.logoutAll()
      } catch (e) {
        return asParleyError(e).message
      }
      await signOut(false)
      return null
    },
    async setOperatorStatus(status: OperatorStatus) {
      prime()
      try {
        const ack = await transport.request<{ status: OperatorStatus }>({
          type: 'set_operator_status',
          status,
        })
        m.set('status', ack.status)
      } catch (e) {
        m.set('notice', asParleyError(e).message)
      }
    },
    /** Opens a conversation as a new history entry, so the browser's back button leaves it. */
    async openConversation(id: string) {
      if (state.selectedId === id) return
      history.pushState({ conversationId: id }, '', `#c/${encodeURIComponent(id)}`)
      await chat.actions.open(id)
    },
    /** Back to the list (mobile): the browser's back, which popstate then applies. */
    back() {
      if (history.state && typeof history.state === 'object' && 'conversationId' in history.state) {
        history.back()
      } else {
        history.replaceState(null, '', location.pathname + location.search)
        void chat.actions.open(null)
      }
    },
    showPage(page: Page) {
      m.set('page', page)
      // The API tokens' form picks the operator a token acts as.
      if (page === 'operators' || page === 'audit' || page === 'tokens') void admin.loadOperators()
      // The audit log and the data requests name inboxes by their names.
      if (page === 'audit' || page === 'privacy') void admin.loadInboxes()
      if (page === 'inboxes') {
        admin.closeInboxPage()
        // A supervisor's settings read the inboxes of their scope themselves (issue 20).
        if (state.login?.operator.role === 'admin') void admin.loadInboxes()
      }
    },
  }

  window.addEventListener('popstate', () => {
    void chat.actions.open(fromHash())
  })

  if (state.login) {
    transport.start()
    const initial = fromHash()
    if (initial) void chat.actions.open(initial)
  }

  const token = () => state.login?.token ?? null
  /** Signed links for the files on screen. */
  const links = createLinks(baseUrl, token)
  /** Where the composer uploads the files of a conversation. */
  const uploads = (conversationId: string): UploadEnv => ({
    baseUrl,
    token,
    conversationId: () => Promise.resolve(conversationId),
  })
  /** An operator's picture (public, same origin, cached for good under its id). */
  const avatarUrl = (avatarId: string) => `${baseUrl}/api/avatars/${encodeURIComponent(avatarId)}`
  // The overview page (O5, lazy) reads these itself.
  const supervise = { overview: api.overview, assignedTo: api.assignedTo }
  /** Where the API is and the signed-in token: for lazy pages with calls of their own. */
  const http = { baseUrl, token }
  // The Notifications dialog's Web Push section (issue 20), on demand. Its import lives in this
  // chunk, which has a table of lazy chunks already; one in the dialogs' chunk costs ~0.1 KB more.
  const push = () => import('./components/Push.tsx')
  return { state, actions, links, uploads, avatarUrl, search: api.search, supervise, http, push }
}

export type Panel = ReturnType<typeof createPanel>

function fromHash(): string | null {
  const match = /^#c\/(.+)$/.exec(location.hash)
  return match?.[1] ? decodeURIComponent(match[1]) : null
}
