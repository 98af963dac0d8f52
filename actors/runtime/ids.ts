/** Time-ordered ids (UUIDv7): new rows land at the end of indexes instead of scattering. */
export function newId(): string {
  return Bun.randomUUIDv7()
}

/**
 * A stable id derived from a scope and a client-chosen key: a retried request computes the same
 * id, which makes creation idempotent without a lookup table. UUID-shaped (version nibble 8,
 * "custom"), from SHA-256.
 */
export function derivedId(scope: string, key: string): string {
  const hex = new Bun.CryptoHasher('sha256').update(`${scope}\u0000${key}`).digest('hex')
  const variant = ((parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}
