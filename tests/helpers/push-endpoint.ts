/**
 * A Web Push service on loopback (issue 20), as a browser's push service sees the server: it
 * checks each push's VAPID authorization (RFC 8292: an ES256 JWT for this origin, signed by the
 * key in `k`, not expired, with a contact) and decrypts its body (RFC 8291) with the keys of a
 * browser subscription it made (`subscription()`), so a test reads what a service worker would
 * get. `answer` chooses the status of the next pushes (201 by default).
 */
import {
  createECDH,
  createDecipheriv,
  createPublicKey,
  hkdfSync,
  randomBytes,
  verify,
} from 'node:crypto'

export interface ReceivedPush {
  path: string
  headers: Record<string, string>
  /** The decrypted JSON, or null when it could not be decrypted. */
  message: any
  /** Why the request was refused by the checks, or null. */
  problem: string | null
}

const fromB64u = (s: string) => Buffer.from(s, 'base64url')

/** Decrypts an aes128gcm body (RFC 8291) with the receiving browser's keys. */
export function decryptPush(
  body: Buffer,
  uaPrivate: Buffer,
  uaPublic: Buffer,
  auth: Buffer,
): string {
  const salt = body.subarray(0, 16)
  const idlen = body[20]!
  const asPublic = body.subarray(21, 21 + idlen)
  const sealed = body.subarray(21 + idlen)
  const ecdh = createECDH('prime256v1')
  ecdh.setPrivateKey(uaPrivate)
  const shared = ecdh.computeSecret(asPublic)
  const info = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic])
  const ikm = Buffer.from(hkdfSync('sha256', shared, auth, info, 32))
  const cek = Buffer.from(
    hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16),
  )
  const nonce = Buffer.from(
    hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12),
  )
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce)
  decipher.setAuthTag(sealed.subarray(sealed.length - 16))
  const plain = Buffer.concat([
    decipher.update(sealed.subarray(0, sealed.length - 16)),
    decipher.final(),
  ])
  if (plain.at(-1) !== 2) throw new Error('no last-record delimiter')
  return plain.subarray(0, plain.length - 1).toString()
}

/** Why a VAPID Authorization header is not valid for `origin`, or null when it is. */
export function vapidProblem(
  header: string | undefined,
  origin: string,
  nowMs: number,
): string | null {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? '')
  if (!m) return 'no vapid authorization'
  const [head, claims, signature] = m[1]!.split('.')
  if (!head || !claims || !signature) return 'malformed JWT'
  if (JSON.parse(fromB64u(head).toString()).alg !== 'ES256') return 'not ES256'
  const pub = fromB64u(m[2]!)
  let key
  try {
    key = createPublicKey({
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: pub.subarray(1, 33).toString('base64url'),
        y: pub.subarray(33, 65).toString('base64url'),
      },
      format: 'jwk',
    })
  } catch {
    return 'k is not a P-256 public key'
  }
  const ok = verify(
    'sha256',
    Buffer.from(`${head}.${claims}`),
    { key, dsaEncoding: 'ieee-p1363' },
    fromB64u(signature),
  )
  if (!ok) return 'bad signature'
  const c = JSON.parse(fromB64u(claims).toString())
  if (c.aud !== origin) return `aud ${c.aud} is not ${origin}`
  if (!(c.exp * 1000 > nowMs) || c.exp * 1000 > nowMs + 24 * 3600_000) return 'bad exp'
  if (!/^(mailto:|https:)/.test(c.sub ?? '')) return 'no contact'
  return null
}

export function startPushService(opts: { now?: () => number } = {}) {
  const received: ReceivedPush[] = []
  const browsers = new Map<string, { priv: Buffer; pub: Buffer; auth: Buffer }>()
  let answers: number[] = []
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(req) {
      const url = new URL(req.url)
      const headers = Object.fromEntries(req.headers)
      const body = Buffer.from(await req.arrayBuffer())
      const browser = browsers.get(url.pathname)
      let problem = vapidProblem(headers.authorization, url.origin, (opts.now ?? Date.now)())
      if (!problem && headers['content-encoding'] !== 'aes128gcm') problem = 'not aes128gcm'
      if (!problem && !headers.ttl) problem = 'no TTL'
      let message: any = null
      if (!problem && browser) {
        try {
          message = JSON.parse(decryptPush(body, browser.priv, browser.pub, browser.auth))
        } catch (e) {
          problem = `cannot decrypt: ${e instanceof Error ? e.message : String(e)}`
        }
      }
      received.push({ path: url.pathname, headers, message, problem })
      if (problem) return new Response(problem, { status: 400 })
      if (!browser) return new Response('gone', { status: 410 })
      return new Response(null, { status: answers.shift() ?? 201 })
    },
  })
  const origin = `http://127.0.0.1:${server.port}`
  return {
    origin,
    received,
    /** A browser subscription at this service: what PushSubscription.toJSON() gives. */
    subscription(name = crypto.randomUUID()) {
      const ecdh = createECDH('prime256v1')
      ecdh.generateKeys()
      const path = `/push/${name}`
      const auth = randomBytes(16)
      browsers.set(path, { priv: ecdh.getPrivateKey(), pub: ecdh.getPublicKey(), auth })
      return {
        endpoint: `${origin}${path}`,
        keys: {
          p256dh: ecdh.getPublicKey().toString('base64url'),
          auth: auth.toString('base64url'),
        },
      }
    },
    /** The service forgets this subscription: pushes to it get 410. */
    expire(endpoint: string) {
      browsers.delete(new URL(endpoint).pathname)
    },
    /** The statuses of the next pushes, in order (then 201). */
    answer(...statuses: number[]) {
      answers = statuses
    },
    messagesTo(endpoint: string) {
      const path = new URL(endpoint).pathname
      return received.filter((r) => r.path === path && r.message).map((r) => r.message)
    },
    stop() {
      server.stop(true)
    },
  }
}
