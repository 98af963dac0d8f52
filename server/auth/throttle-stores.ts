/**
 * The two homes of the login throttle's counters: this process's memory (a single node) and a
 * JetStream KV bucket shared by every node of a cluster, updated by compare-and-set on the
 * key's revision, as leases are (server/cluster/leases.ts).
 */
import type { KV } from '@nats-io/kv'
import { isWrongSequence } from '../cluster/index.ts'
import { ParleyError } from '../../protocol/index.ts'
import type { ThrottleChange, ThrottleRecord, ThrottleStore } from './throttle.ts'

/**
 * Counters in a Map of at most `maxKeys` records (about 100 bytes each). A full table drops
 * records past their forgetAt, then the least recently written ones that refuse nothing; a
 * record that is refusing attempts is kept even past maxKeys, since forgetting it would lift
 * the limit it enforces, and it stops refusing within LOGIN_BACKOFF_MAX_SEC at most.
 */
export class MemoryThrottleStore implements ThrottleStore {
  private readonly records = new Map<string, ThrottleRecord>()

  constructor(
    private readonly now: () => number,
    private readonly maxKeys = 100_000,
  ) {}

  async update<R>(
    key: string,
    change: (current: ThrottleRecord | null) => ThrottleChange<R>,
  ): Promise<R> {
    const now = this.now()
    let current = this.records.get(key) ?? null
    if (current !== null && current.forgetAt <= now) {
      this.records.delete(key)
      current = null
    }
    const { next, result } = change(current)
    if (next === current) return result
    // Deleted and set again: the Map's order is then least recently written first.
    this.records.delete(key)
    if (next !== null) {
      if (this.records.size >= this.maxKeys) this.evict(now)
      this.records.set(key, next)
    }
    return result
  }

  get size(): number {
    return this.records.size
  }

  private evict(now: number): void {
    for (const [key, record] of this.records) {
      if (record.forgetAt <= now) this.records.delete(key)
    }
    for (const [key, record] of this.records) {
      if (this.records.size < this.maxKeys) return
      if (record.until <= now) this.records.delete(key)
    }
  }
}

/** Compare-and-set rounds lost to other nodes before giving up (each is one KV round trip). */
const MAX_ROUNDS = 8

/** Counters in a KV bucket whose TTL is at least FAILURE_MEMORY_MS (it only collects garbage). */
export class KvThrottleStore implements ThrottleStore {
  /** @param assertUp throws the retryable error while the link to NATS is down (fail fast). */
  constructor(
    private readonly kv: KV,
    private readonly assertUp: () => void = () => {},
  ) {}

  async update<R>(
    key: string,
    change: (current: ThrottleRecord | null) => ThrottleChange<R>,
  ): Promise<R> {
    this.assertUp()
    for (let round = 1; ; round++) {
      try {
        const entry = await this.kv.get(key)
        const current = entry?.operation === 'PUT' ? parse(entry.string()) : null
        const { next, result } = change(current)
        if (next === current) return result
        // Revision 0 means "the key has never been written" (or every write has expired).
        const previousSeq = entry?.revision ?? 0
        if (next === null) await this.kv.delete(key, { previousSeq })
        else await this.kv.put(key, JSON.stringify(next), { previousSeq })
        return result
      } catch (error) {
        if (isWrongSequence(error) && round < MAX_ROUNDS) continue
        throw new ParleyError('unavailable', 'the cluster is not answering; retry shortly', {
          retryAfterMs: 1000,
          cause: error,
        })
      }
    }
  }
}

/** A stored record, or null when it is not one (written by another version, damaged). */
function parse(text: string): ThrottleRecord | null {
  try {
    const value = JSON.parse(text) as Partial<Record<keyof ThrottleRecord, unknown>>
    const number = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) ? n : null)
    const [count, at, until, forgetAt] = [value.count, value.at, value.until, value.forgetAt].map(
      number,
    )
    if (count == null || at == null || until == null || forgetAt == null) return null
    return { count, at, until, forgetAt, noted: value.noted === true }
  } catch {
    return null
  }
}
