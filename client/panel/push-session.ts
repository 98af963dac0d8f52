/**
 * What the push section (push-api.ts) leaves for the service worker (sw.ts), which has no
 * localStorage: the key to subscribe with again and the session to register with, for when the
 * push service renews a subscription (`pushsubscriptionchange`). Kept in Cache Storage, under
 * the panel's scope, only while pushes are on in this browser; the server ends the session's
 * subscriptions when the session ends, so a stale token here opens nothing.
 */

/** The stored entry. */
export interface PushSession {
  /** The installation's VAPID public key (base64url): the `applicationServerKey`. */
  key: string
  token: string
  expiresAt: number
}

const CACHE = 'parley-push'
/** The entry's URL, relative to the service worker's scope. */
const PATH = 'push-session'

export async function readPushSession(scope: string): Promise<PushSession | null> {
  const stored = await (await caches.open(CACHE)).match(new URL(PATH, scope))
  return stored ? ((await stored.json()) as PushSession) : null
}

/** Keeps the entry, or (null) forgets it. */
export async function writePushSession(scope: string, session: PushSession | null): Promise<void> {
  const cache = await caches.open(CACHE)
  const url = new URL(PATH, scope)
  if (session) await cache.put(url, new Response(JSON.stringify(session)))
  else await cache.delete(url)
}
