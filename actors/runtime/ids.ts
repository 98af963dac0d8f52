/** Time-ordered ids (UUIDv7): new rows land at the end of indexes instead of scattering. */
export function newId(): string {
  return Bun.randomUUIDv7()
}
