/**
 * WriteBehind's flush in bounded units (unit test of the module: `submit` stands in for the
 * group commit; the store's own suites cover the real path). A flush of many summaries goes
 * as units of at most FLUSH_CHUNK, each submitted only once the one before committed, so a
 * message queued meanwhile never waits behind the whole flush; a failed unit holds itself and
 * every later one again.
 */
import { describe, expect, test } from 'bun:test'
import type { ConversationWrite } from '../../actors/ports.ts'
import type { PlannedWrite } from '../../db/repos/writes.ts'
import { FLUSH_CHUNK, WriteBehind } from '../../db/write-behind.ts'

/** A message append whose summary follows the log (what WriteBehind holds). */
function append(i: number, lastSeq: number): ConversationWrite {
  return {
    conversationId: `c-${i}`,
    events: [],
    update: {
      lastSeq,
      lastMessageAt: 1000 + lastSeq,
      hasUnansweredIncoming: true,
      waitingSince: 1000,
      updatedAt: 1000 + lastSeq,
    },
    summaryFollowsLog: true,
  }
}

/** Records every unit; each stays in flight until the test lets it commit (or fail). */
class Submits {
  readonly units: PlannedWrite[] = []
  readonly inFlight: Array<{ resolve(): void; reject(e: unknown): void }> = []
  submit = (unit: PlannedWrite): Promise<void> => {
    this.units.push(unit)
    const { promise, resolve, reject } = Promise.withResolvers<void>()
    this.inFlight.push({ resolve, reject })
    return promise
  }
  /** Commits what is in flight, oldest first, and lets the flush submit its next unit. */
  async commitAll(): Promise<void> {
    // A flush submits from a promise chain: let it run before looking.
    await Bun.sleep(0)
    for (let i = 0; i < 1000 && this.inFlight.length > 0; i++) {
      this.inFlight.shift()?.resolve()
      await Bun.sleep(0)
    }
  }
}

/** Appends to n conversations; their appends commit, their summaries stay held. */
async function holdMany(behind: WriteBehind, s: Submits, n: number): Promise<void> {
  const writes = Array.from({ length: n }, (_, i) => behind.write(append(i, 2)))
  await s.commitAll()
  await Promise.all(writes)
  s.units.length = 0
}

describe('WriteBehind flush', () => {
  test('goes in units of at most FLUSH_CHUNK, one in flight at a time', async () => {
    const s = new Submits()
    const behind = new WriteBehind(s.submit, { flushMs: 60_000 })
    const n = FLUSH_CHUNK * 3 + 5
    await holdMany(behind, s, n)
    expect(behind.held).toBe(n)

    const settled = behind.settle()
    await Bun.sleep(0)
    // Only the first unit is out: the next waits for its commit.
    expect(s.units.length).toBe(1)
    expect(s.units[0]!.projections.length).toBe(FLUSH_CHUNK)
    await s.commitAll()
    await settled

    const sizes = s.units.map((u) => u.projections.length)
    expect(sizes).toEqual([FLUSH_CHUNK, FLUSH_CHUNK, FLUSH_CHUNK, 5])
    // Every summary once, each settling its own mark and carrying its analytics mark.
    const ids = s.units.flatMap((u) => u.projections.map((p) => p.id))
    expect(new Set(ids).size).toBe(n)
    for (const u of s.units) {
      expect(u.settles).toEqual(u.projections.map((p) => p.id))
      expect(u.analytics.map((a) => a.conversationId)).toEqual(u.settles)
    }
    expect(behind.held).toBe(0)
  })

  test('a failed unit holds itself and every later one again; committed ones stay written', async () => {
    const s = new Submits()
    const behind = new WriteBehind(s.submit, { flushMs: 60_000 })
    const n = FLUSH_CHUNK * 2 + 1
    await holdMany(behind, s, n)

    const settled = behind.settle()
    await Bun.sleep(0)
    s.inFlight.shift()?.resolve()
    await Bun.sleep(0)
    expect(s.units.length).toBe(2)
    s.inFlight.shift()?.reject(new Error('database unavailable'))
    expect(String(await settled.catch((e: unknown) => e))).toContain('database unavailable')
    // The first unit committed; the second and the third are held for the next flush.
    expect(behind.held).toBe(FLUSH_CHUNK + 1)

    s.units.length = 0
    const again = behind.settle()
    await s.commitAll()
    await again
    const ids = s.units.flatMap((u) => u.projections.map((p) => p.id))
    const expected = Array.from({ length: FLUSH_CHUNK + 1 }, (_, i) => `c-${FLUSH_CHUNK + i}`)
    expect(ids.sort()).toEqual(expected.sort())
    expect(behind.held).toBe(0)
  })

  test('a newer summary that came during the flush is kept for the next one', async () => {
    const s = new Submits()
    const behind = new WriteBehind(s.submit, { flushMs: 60_000 })
    await holdMany(behind, s, FLUSH_CHUNK + 1)

    const settled = behind.settle()
    await Bun.sleep(0)
    // The last conversation (in the second unit, not yet submitted) appends again.
    const late = behind.write(append(FLUSH_CHUNK, 3))
    await s.commitAll()
    await Promise.all([settled, late])
    // The flush wrote the summary it took (seq 2); seq 3 waits for the next flush.
    const flushed = s.units.flatMap((u) => u.projections).find((p) => p.id === `c-${FLUSH_CHUNK}`)
    expect(flushed?.lastSeq).toBe(2)
    expect(behind.held).toBe(1)
    s.units.length = 0
    const next = behind.settle()
    await s.commitAll()
    await next
    expect(s.units.flatMap((u) => u.projections).map((p) => [p.id, p.lastSeq])).toEqual([
      [`c-${FLUSH_CHUNK}`, 3],
    ])
  })
})
