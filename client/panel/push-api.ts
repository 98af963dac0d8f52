/**
 * Web Push on this browser (issue 20), for the push section (components/Push.tsx): the browser's
 * side (permission, the service worker's push subscription) and the server's (`/api/me/push`:
 * the key to subscribe with, the operator's registered browsers, a test push, their quiet hours).
 *
 * Which registered browser is this one: the server names each by its push service only, so the
 * id it gave this browser's subscription is kept here (localStorage) with the endpoint it was for.
 */
import { asParleyError, httpJson } from '../shared/index.ts'
import { writePushSession } from './push-session.ts'

/** One of the operator's registered browsers (the server's `SubscriptionView`). */
export interface PushBrowser {
  id: string
  /** Its push service's origin, e.g. https://fcm.googleapis.com. */
  origin: string
  createdAt: number
}

/**
 * The operator's quiet hours (the server's `QuietHours`): a daily span of local time in an IANA
 * zone in which no push but a test reaches any of their browsers; "22:00"-"08:00" crosses
 * midnight.
 */
export interface QuietHours {
  from: string
  to: string
  timeZone: string
}

/** `GET /api/me/push`. */
interface PushInfo {
  /** The VAPID public key (base64url): the applicationServerKey. */
  publicKey: string
  subscriptions: PushBrowser[]
  quietHours: QuietHours | null
}

/** This browser, as the section tells it. */
export type PushState = 'unsupported' | 'blocked' | 'off' | 'on'

/**
 * Why turning pushes on did not happen: the permission refused or left unanswered, the push
 * service refused (`subscribe`, with the browser's words) or never answered (`timeout`).
 */
export class PushRefused extends Error {
  constructor(
    readonly reason: 'denied' | 'dismissed' | 'subscribe' | 'timeout',
    detail = '',
  ) {
    super(detail)
  }
}

/**
 * How long this browser's push service may take to subscribe it. One it cannot reach (no
 * network to it, or a browser built without one) may never answer.
 */
const SUBSCRIBE_MS = 15_000

/** The signed-in session, as the panel has it (Panel['http'] plus the login's expiry). */
export interface PushEnv {
  baseUrl: string
  token: () => string | null
  expiresAt: () => number
}

const KEY = 'parley:push'

/** Service worker, Push API and notifications: none of them exists outside a secure context. */
export function pushSupported(): boolean {
  return (
    typeof Notification !== 'undefined' && 'serviceWorker' in navigator && 'PushManager' in window
  )
}

function ownId(): { id: string; endpoint: string } | null {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? 'null') as { id: string; endpoint: string }
  } catch {
    return null
  }
}

function keepOwnId(own: { id: string; endpoint: string } | null): void {
  if (own) localStorage.setItem(KEY, JSON.stringify(own))
  else localStorage.removeItem(KEY)
}

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/')
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
}

function sameKey(subscription: PushSubscription, key: Uint8Array): boolean {
  const had = subscription.options.applicationServerKey
  return had !== null && new Uint8Array(had).join() === key.join()
}

/** The panel's service worker (registered by panel.ts after sign-in; again here, harmlessly). */
async function registration(): Promise<ServiceWorkerRegistration> {
  await navigator.serviceWorker.register('sw.js')
  return navigator.serviceWorker.ready
}

export function createPush(env: PushEnv) {
  const call = <T>(path: string, opts: { method?: string; body?: unknown } = {}) =>
    httpJson<T>(env.baseUrl, `/api/me/push${path}`, { ...opts, token: env.token() })

  /** This browser's push subscription, if it has one. */
  const current = async () =>
    pushSupported() ? (await registration()).pushManager.getSubscription() : null

  return {
    /** The operator's registered browsers (the server's list). */
    browsers: async () => (await call<PushInfo>('')).subscriptions,

    /** This browser's state and, when it is registered, its id in `browsers`. */
    async here(browsers: PushBrowser[]): Promise<{ state: PushState; ownId: string | null }> {
      if (!pushSupported()) return { state: 'unsupported', ownId: null }
      if (Notification.permission === 'denied') return { state: 'blocked', ownId: null }
      const own = ownId()
      const subscription = await current().catch(() => null)
      const registered =
        own !== null &&
        own.endpoint === subscription?.endpoint &&
        browsers.some((b) => b.id === own.id)
      return registered ? { state: 'on', ownId: own.id } : { state: 'off', ownId: null }
    },

    /**
     * Asks for the permission, subscribes this browser with the installation's key (again when
     * it was subscribed with another) and registers it. Throws PushRefused, or the server's error.
     */
    async turnOn(): Promise<void> {
      const answer = await Notification.requestPermission()
      if (answer !== 'granted') throw new PushRefused(answer === 'denied' ? 'denied' : 'dismissed')
      const { publicKey } = await call<PushInfo>('')
      const key = keyBytes(publicKey)
      const reg = await registration()
      let subscription = await reg.pushManager.getSubscription()
      if (subscription && !sameKey(subscription, key)) {
        await subscription.unsubscribe()
        subscription = null
      }
      if (!subscription) {
        const subscribing = reg.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: key,
        })
        let timer: ReturnType<typeof setTimeout> | undefined
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new PushRefused('timeout')), SUBSCRIBE_MS)
        })
        try {
          subscription = await Promise.race([subscribing, timeout])
        } catch (e) {
          if (e instanceof PushRefused) throw e
          throw new PushRefused('subscribe', e instanceof Error ? e.message : String(e))
        } finally {
          clearTimeout(timer)
        }
      }
      const { subscription: stored } = await call<{ subscription: PushBrowser }>('/subscriptions', {
        body: subscription.toJSON(),
      })
      keepOwnId({ id: stored.id, endpoint: subscription.endpoint })
      const token = env.token()
      if (token) {
        const session = { key: publicKey, token, expiresAt: env.expiresAt() }
        await writePushSession(reg.scope, session).catch(() => undefined)
      }
    },

    /** Unsubscribes this browser and unregisters it. */
    async turnOff(): Promise<void> {
      const own = ownId()
      await this.forgetHere()
      if (own) await this.remove(own.id)
    },

    /** Unregisters a browser; this one also stops its subscription. */
    async remove(id: string): Promise<void> {
      if (ownId()?.id === id) await this.forgetHere()
      try {
        await call(`/subscriptions/${encodeURIComponent(id)}`, { method: 'DELETE' })
      } catch (e) {
        // Gone already (removed from another browser, or its session ended): what was asked.
        if (asParleyError(e).code !== 'not_found') throw e
      }
    },

    /** Drops this browser's subscription and what was kept for it. */
    async forgetHere(): Promise<void> {
      keepOwnId(null)
      const subscription = await current().catch(() => null)
      await subscription?.unsubscribe().catch(() => false)
      if (pushSupported()) {
        const reg = await registration()
        await writePushSession(reg.scope, null).catch(() => undefined)
      }
    },

    /** A test push to each of the operator's browsers. */
    test: () => call<{ ok: true }>('/test', { body: {} }),

    /** The operator's quiet hours (for all their browsers), null when pushes come at any hour. */
    quietHours: async () => (await call<PushInfo>('')).quietHours,

    /** Sets or (null) ends the quiet hours; the server refuses equal times or an unknown zone. */
    setQuietHours: async (quietHours: QuietHours | null) =>
      (
        await call<{ quietHours: QuietHours | null }>('/quiet-hours', {
          method: 'PUT',
          body: { quietHours },
        })
      ).quietHours,
  }
}

export type Push = ReturnType<typeof createPush>
