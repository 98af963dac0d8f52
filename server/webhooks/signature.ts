/**
 * The webhook signature (issue 17): `Parley-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>]`,
 * each v1 an HMAC-SHA256 of `<t>.<body>` under one of the endpoint's valid secrets (two for a
 * while after a rotation). Receivers recompute it with their secret, compare in constant time
 * and refuse a `t` older than a few minutes (replays). docs/webhooks.md shows a receiver.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

export const SIGNATURE_HEADER = 'Parley-Signature'

/** The header's value for this body, signed at `nowMs` with every given secret. */
export function signatureHeader(body: string, secrets: readonly string[], nowMs: number): string {
  const t = Math.floor(nowMs / 1000)
  return [`t=${t}`, ...secrets.map((s) => `v1=${sign(s, t, body)}`)].join(',')
}

function sign(secret: string, t: number, body: string): string {
  return createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')
}

/**
 * What a receiver does: true when one v1 of the header matches this body under `secret` and
 * its time is within `toleranceSec` of `nowMs`.
 */
export function verifySignature(
  header: string,
  body: string,
  secret: string,
  nowMs: number,
  toleranceSec = 300,
): boolean {
  let t = Number.NaN
  const candidates: string[] = []
  for (const part of header.split(',')) {
    const [key, value] = part.split('=', 2)
    if (key === 't' && value !== undefined) t = Number(value)
    if (key === 'v1' && value !== undefined) candidates.push(value)
  }
  if (!Number.isInteger(t) || Math.abs(nowMs / 1000 - t) > toleranceSec) return false
  const expected = Buffer.from(sign(secret, t, body), 'hex')
  return candidates.some((c) => {
    const given = Buffer.from(c, 'hex')
    return given.length === expected.length && timingSafeEqual(given, expected)
  })
}
