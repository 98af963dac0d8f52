/**
 * Web Push without a relay (issue 20): the message encryption of RFC 8291 (aes128gcm content
 * coding, RFC 8188: one record, the sender's ephemeral ECDH key in the header) and the VAPID
 * application server identification of RFC 8292 (an ES256 JWT for the push service's origin).
 * Node's crypto only; checked against RFC 8291's worked example (tests/server/push.test.ts).
 */
import {
  createCipheriv,
  createECDH,
  createPrivateKey,
  hkdfSync,
  randomBytes,
  sign,
  type KeyObject,
} from 'node:crypto'

/** The record size written in the header: one record always fits (payloads are small). */
const RECORD_SIZE = 4096
/** The most plaintext one record carries: the record size less the tag and the delimiter. */
export const MAX_PUSH_PAYLOAD = RECORD_SIZE - 16 - 1 - 103

const b64u = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url')
const fromB64u = (text: string) => Buffer.from(text, 'base64url')

function hkdf(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, salt, info, length))
}

/** A browser's subscription keys as the Push API gives them (base64url). */
export interface SubscriptionKeys {
  /** Its P-256 public key, uncompressed (65 bytes). */
  p256dh: string
  /** Its 16-byte authentication secret. */
  auth: string
}

/** Whether the keys have the shapes RFC 8291 needs (a point on P-256, a 16-byte secret). */
export function validKeys(keys: SubscriptionKeys): boolean {
  const pub = fromB64u(keys.p256dh)
  if (pub.length !== 65 || pub[0] !== 4 || fromB64u(keys.auth).length !== 16) return false
  try {
    // Rejects a point that is not on the curve.
    const probe = createECDH('prime256v1')
    probe.generateKeys()
    probe.computeSecret(pub)
    return true
  } catch {
    return false
  }
}

/**
 * The encrypted body for this subscription (RFC 8291 section 3.4): salt, record size, the
 * sender's public key, then the payload and its 0x02 delimiter sealed with AES-128-GCM. `salt`
 * and `senderPrivateKey` are fresh each time unless given (the RFC's example does).
 */
export function encryptPayload(
  plaintext: Uint8Array,
  keys: SubscriptionKeys,
  fixed: { salt?: Uint8Array; senderPrivateKey?: Uint8Array } = {},
): Buffer {
  if (plaintext.length > MAX_PUSH_PAYLOAD) {
    throw new Error(`a push payload is at most ${MAX_PUSH_PAYLOAD} bytes`)
  }
  const uaPublic = fromB64u(keys.p256dh)
  const sender = createECDH('prime256v1')
  if (fixed.senderPrivateKey) sender.setPrivateKey(fixed.senderPrivateKey)
  else sender.generateKeys()
  const asPublic = sender.getPublicKey()
  const shared = sender.computeSecret(uaPublic)
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic])
  const ikm = hkdf(shared, fromB64u(keys.auth), keyInfo, 32)
  const salt = fixed.salt ?? randomBytes(16)
  const cek = hkdf(ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16)
  const nonce = hkdf(ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12)
  const cipher = createCipheriv('aes-128-gcm', cek, nonce)
  const sealed = Buffer.concat([
    cipher.update(Buffer.concat([plaintext, Buffer.from([2])])),
    cipher.final(),
    cipher.getAuthTag(),
  ])
  const header = Buffer.alloc(21)
  salt.forEach((byte, i) => (header[i] = byte))
  header.writeUInt32BE(RECORD_SIZE, 16)
  header[20] = asPublic.length
  return Buffer.concat([header, asPublic, sealed])
}

/** The installation's VAPID key pair (base64url): the public key raw, the private scalar. */
export interface VapidKeys {
  publicKey: string
  privateKey: string
}

export function generateVapidKeys(): VapidKeys {
  const ecdh = createECDH('prime256v1')
  ecdh.generateKeys()
  return { publicKey: b64u(ecdh.getPublicKey()), privateKey: b64u(ecdh.getPrivateKey()) }
}

function signingKey(keys: VapidKeys): KeyObject {
  const pub = fromB64u(keys.publicKey)
  return createPrivateKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      d: keys.privateKey,
      x: b64u(pub.subarray(1, 33)),
      y: b64u(pub.subarray(33, 65)),
    },
    format: 'jwk',
  })
}

/**
 * The Authorization header for a push to `endpoint` (RFC 8292): `vapid t=<JWT>, k=<public
 * key>`, the JWT for the endpoint's origin, valid 12 hours from `now`, naming `subject` (a
 * mailto: or https: contact for the push service).
 */
export function vapidAuthorization(
  endpoint: string,
  keys: VapidKeys,
  subject: string,
  now: number,
): string {
  const header = b64u(Buffer.from(JSON.stringify({ typ: 'JWT', alg: 'ES256' })))
  const claims = b64u(
    Buffer.from(
      JSON.stringify({
        aud: new URL(endpoint).origin,
        exp: Math.floor(now / 1000) + 12 * 3600,
        sub: subject,
      }),
    ),
  )
  const input = `${header}.${claims}`
  const signature = sign('sha256', Buffer.from(input), {
    key: signingKey(keys),
    dsaEncoding: 'ieee-p1363',
  })
  return `vapid t=${input}.${b64u(signature)}, k=${keys.publicKey}`
}
