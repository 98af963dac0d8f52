/**
 * The panel's service worker (issue 20), served at /panel/sw.js with the panel as its scope:
 * shows the Web Push the server sends (server/push) while no panel window has the focus, and
 * takes a click on one to its conversation. Built on its own (vite.config.ts, target `sw`) into
 * one classic script that imports nothing; the page only registers it (panel.ts), never loads it.
 *
 * It keeps nothing and handles no fetch: the panel works the same with or without it.
 */
import { readPushSession } from './push-session.ts'

/** What a push carries (server/push/service.ts, `PushMessage`): texts in the operator's language. */
interface PushPayload {
  kind: 'new_conversation' | 'assigned' | 'mentioned' | 'sla_breached' | 'message' | 'test'
  conversationId: string | null
  title: string
  body: string
  /** Where a click goes (the panel at the conversation); empty: the panel. */
  url: string
  /** Notifications of one conversation replace each other. */
  tag: string
  at: number
}

/** What a notification keeps for its click. */
interface ClickData {
  url: string
  conversationId: string | null
}

/** The message a focused panel window gets instead of a notification. */
export interface PushShown {
  type: 'parley:push'
  push: PushPayload
}

// The service worker's own types (lib "WebWorker" cannot be mixed with the panel's "DOM").
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void
}
interface PushEvent extends ExtendableEvent {
  readonly data: { text(): string } | null
}
interface NotificationEvent extends ExtendableEvent {
  readonly notification: Notification
}
interface SubscriptionChangeEvent extends ExtendableEvent {
  readonly oldSubscription: PushSubscription | null
  readonly newSubscription: PushSubscription | null
}
interface WindowClient {
  readonly url: string
  readonly focused: boolean
  focus(): Promise<WindowClient>
  navigate(url: string): Promise<WindowClient | null>
  postMessage(message: unknown): void
}
interface WorkerScope {
  readonly registration: ServiceWorkerRegistration
  readonly location: Location
  readonly clients: {
    matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<WindowClient[]>
    openWindow(url: string): Promise<WindowClient | null>
    claim(): Promise<void>
  }
  skipWaiting(): Promise<void>
  addEventListener(type: 'install' | 'activate', listener: (e: ExtendableEvent) => void): void
  addEventListener(type: 'push', listener: (e: PushEvent) => void): void
  addEventListener(type: 'notificationclick', listener: (e: NotificationEvent) => void): void
  addEventListener(
    type: 'pushsubscriptionchange',
    listener: (e: SubscriptionChangeEvent) => void,
  ): void
}
declare const self: WorkerScope

/** `renotify` is not in the DOM lib's options yet. */
type ShowOptions = NotificationOptions & { renotify?: boolean }

// Nothing to migrate or cache: a new version takes over at once, open panels included.
self.addEventListener('install', (e) => e.waitUntil(self.skipWaiting()))
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()))

self.addEventListener('push', (e) => e.waitUntil(onPush(readPush(e.data))))
self.addEventListener('notificationclick', (e) => {
  e.notification.close()
  e.waitUntil(openPanel(e.notification.data as ClickData | null))
})
self.addEventListener('pushsubscriptionchange', (e) => e.waitUntil(resubscribe(e)))

function readPush(data: PushEvent['data']): PushPayload | null {
  try {
    const push = JSON.parse(data?.text() ?? '') as PushPayload
    return typeof push.title === 'string' ? push : null
  } catch {
    return null
  }
}

/** The panel's windows, the most recently focused first (any other page of the origin aside). */
async function panels(): Promise<WindowClient[]> {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true })
  return windows.filter((w) => w.url.startsWith(self.registration.scope))
}

async function onPush(push: PushPayload | null): Promise<void> {
  if (!push) return
  // The operator is looking at the panel, which shows the same news itself. A test always
  // shows: it is sent from the panel, which then has the focus.
  const front = (await panels()).find((w) => w.focused)
  if (front && push.kind !== 'test') {
    front.postMessage({ type: 'parley:push', push } satisfies PushShown)
    return
  }
  const options: ShowOptions = {
    body: push.body,
    // Relative to this script: the panel's folder.
    icon: 'icons/icon-192.png',
    data: { url: push.url, conversationId: push.conversationId } satisfies ClickData,
  }
  // A tag lets a newer push of the conversation replace the older one, and ring again.
  if (push.tag) Object.assign(options, { tag: push.tag, renotify: true })
  await self.registration.showNotification(push.title, options)
}

/** Brings a panel window forward, at the conversation; opens one when there is none. */
async function openPanel(data: ClickData | null): Promise<void> {
  const scope = self.registration.scope
  let target = new URL(data?.url || scope, scope)
  // Only ever the panel of this origin, whatever the URL says.
  if (target.origin !== self.location.origin) target = new URL(scope)
  const [win] = await panels()
  if (!win) {
    await self.clients.openWindow(target.href)
    return
  }
  // Allowed after a click only; the navigation below is not, and still helps then.
  await win.focus().catch(() => win)
  // The panel opens the conversation its hash names (`#c/<id>`: a navigation within the page
  // fires popstate, which panel.ts follows; a reload reads the hash at start).
  if (data?.conversationId && win.url !== target.href) {
    await win.navigate(target.href).catch(() => null)
  }
}

/** The push service renewed or dropped the subscription: subscribe again and say so. */
async function resubscribe(e: SubscriptionChangeEvent): Promise<void> {
  const session = await readPushSession(self.registration.scope).catch(() => null)
  // Turned off on this browser (or never on): nothing to renew.
  if (!session) return
  const subscription =
    e.newSubscription ??
    (await self.registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: session.key,
    }))
  if (session.expiresAt < Date.now()) return
  // Best effort: a refused or failed request leaves the operator to turn it on again.
  await fetch(new URL('../api/me/push/subscriptions', self.registration.scope), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
    body: JSON.stringify(subscription),
  }).catch(() => null)
}
