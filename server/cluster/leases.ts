/**
 * Actor ownership leases in a JetStream KV bucket. Claiming is `create` (it fails when anyone
 * holds the key), renewing is `update` with the revision we last wrote (it fails once the key
 * expired or moved), releasing is `delete` with that revision. The bucket's TTL expires a lease
 * whose owner stopped renewing: a crashed node's actors can be claimed elsewhere after at most
 * one TTL.
 *
 * Safety does not depend on NATS answering: a lease counts as ours only until the moment its
 * last successful renewal was *sent* plus the TTL minus a margin. The server expires the key no
 * earlier than TTL after it *stored* that renewal, so our view always ends first, and a node cut
 * off from NATS stops its actors before anyone else may start them. Writes are fenced in the
 * store as well (a paused process may wake up mid-write), see ConversationStore.acquire.
 */
import type { KV } from '@nats-io/kv'
import type { Logger } from '../../actors/index.ts'
import { ParleyError } from '../../protocol/index.ts'

export interface LeaseOptions {
  kv: KV
  nodeId: string
  ttlMs: number
  log: Logger
  /** Called once when a lease we held is lost (not renewed in time, or taken over). */
  onLost: (key: string) => void
  /** Monotonic milliseconds; injectable for tests. */
  now?: () => number
}

interface Held {
  revision: number
  /** Ours until then (monotonic ms). */
  validUntil: number
  renewing: boolean
}

export class Leases {
  private readonly held = new Map<string, Held>()
  private timer: ReturnType<typeof setInterval> | null = null
  private readonly releasing = new Set<Promise<void>>()
  private readonly now: () => number
  /** Safety margin subtracted from the TTL: clock drift and the time a renewal spends in flight. */
  private readonly margin: number
  /** Set while this node's store fails: it holds no lease and claims none. */
  private suspendedFor: string | null = null
  /**
   * Keys KV may still show as ours although this node no longer holds them, until when to keep
   * trying (monotonic ms): a claim or renewal sent while NATS did not answer can still land
   * once it does (the client buffers it), and would keep others out for a whole TTL.
   */
  private readonly orphans = new Map<string, Orphan>()
  private sweeping = false
  private stopped = false
  claims = 0
  lost = 0

  constructor(private readonly opts: LeaseOptions) {
    this.now = opts.now ?? (() => performance.now())
    this.margin = Math.max(250, Math.floor(opts.ttlMs / 5))
  }

  get size(): number {
    return this.held.size
  }

  /** Renews every held lease three times per TTL. */
  start(): void {
    if (this.timer) return
    const every = Math.max(100, Math.floor(this.opts.ttlMs / 3))
    this.timer = setInterval(() => this.renewAll(), every)
  }

  stop(): void {
    this.stopped = true
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  /** True while the lease is ours by our own conservative clock. */
  valid(key: string): boolean {
    const lease = this.held.get(key)
    return lease !== undefined && this.now() < lease.validUntil
  }

  /**
   * Claims key for this node; false when someone else holds it. Rejects with `unavailable`
   * while suspended, or when NATS does not answer.
   */
  async claim(key: string): Promise<boolean> {
    if (this.valid(key)) return true
    if (this.suspendedFor !== null) {
      throw new ParleyError('unavailable', `this node cannot serve it now: ${this.suspendedFor}`, {
        retryAfterMs: 1000,
      })
    }
    const sentAt = this.now()
    let revision: number
    try {
      revision = await this.opts.kv.create(key, this.value())
    } catch (error) {
      if (isWrongSequence(error)) return false
      // It may still be stored once NATS answers again: ours then, held by nobody.
      this.orphan(key)
      throw unreachable(error)
    }
    // Suspended while the claim was in flight: give it straight back.
    if (this.suspendedFor !== null) {
      await this.deleteKey(key, revision)
      throw new ParleyError('unavailable', `this node cannot serve it now: ${this.suspendedFor}`, {
        retryAfterMs: 1000,
      })
    }
    this.held.set(key, {
      revision,
      validUntil: sentAt + this.opts.ttlMs - this.margin,
      renewing: false,
    })
    this.claims++
    return true
  }

  /**
   * Stops holding leases: every held lease is released (its actor stops first, through onLost,
   * so nothing of it runs here after another node may claim it) and claims are refused until
   * resume(). For a node whose own store fails: others can serve its actors at once.
   */
  suspend(reason: string): void {
    if (this.suspendedFor !== null) return
    this.suspendedFor = reason
    for (const key of [...this.held.keys()]) {
      const lease = this.held.get(key) as Held
      this.held.delete(key)
      this.opts.onLost(key)
      const done = this.deleteKey(key, lease.revision).finally(() => this.releasing.delete(done))
      this.releasing.add(done)
    }
  }

  /** Claims are allowed again (the store works). */
  resume(): void {
    this.suspendedFor = null
  }

  get suspended(): boolean {
    return this.suspendedFor !== null
  }

  /** Node id of the holder of key, or null when nobody holds it. */
  async holder(key: string): Promise<string | null> {
    const entry = await this.opts.kv.get(key).catch((error: unknown) => {
      throw unreachable(error)
    })
    if (!entry || entry.operation !== 'PUT') return null
    try {
      return (JSON.parse(entry.string()) as { node: string }).node
    } catch {
      return null
    }
  }

  /** Gives the lease up (after the actor's last write): the next claimant need not wait. */
  release(key: string): Promise<void> {
    const lease = this.held.get(key)
    if (!lease) return Promise.resolve()
    this.held.delete(key)
    const done = this.deleteKey(key, lease.revision).finally(() => this.releasing.delete(done))
    this.releasing.add(done)
    return done
  }

  private async deleteKey(key: string, revision: number): Promise<void> {
    try {
      await this.opts.kv.delete(key, { previousSeq: revision })
    } catch (error) {
      // Already expired or taken: nothing of ours left to release.
      if (!isWrongSequence(error)) {
        this.opts.log.debug('lease release failed', { key, error })
      }
    }
  }

  /** Forgets a lease without telling NATS (it is lost already). */
  drop(key: string): void {
    this.held.delete(key)
  }

  /** Releases every lease still held and waits for releases already under way. */
  async releaseAll(): Promise<void> {
    for (const key of [...this.held.keys()]) void this.release(key)
    await Promise.all([...this.releasing])
  }

  /** One round of renewals, pipelined; expires the ones we can no longer vouch for. */
  renewAll(): void {
    const now = this.now()
    for (const [key, lease] of this.held) {
      if (now >= lease.validUntil) {
        this.loseLease(key, 'expired before it could be renewed')
        continue
      }
      if (lease.renewing) continue
      lease.renewing = true
      const sentAt = now
      this.opts.kv.update(key, this.value(), lease.revision).then(
        (revision) => {
          lease.renewing = false
          if (this.held.get(key) !== lease) return
          lease.revision = revision
          lease.validUntil = sentAt + this.opts.ttlMs - this.margin
        },
        (error) => {
          lease.renewing = false
          if (this.held.get(key) !== lease) return
          // Someone else's now (or gone): stop at once. Other failures (NATS unreachable) are
          // retried until our own deadline passes.
          if (isWrongSequence(error)) this.loseLease(key, 'taken over')
        },
      )
    }
  }

  private loseLease(key: string, why: string): void {
    this.held.delete(key)
    this.lost++
    this.opts.log.warn('lease lost', { key, why })
    this.opts.onLost(key)
    // A renewal still on its way would extend a lease nobody uses.
    if (why !== 'taken over') this.orphan(key)
  }

  private orphan(key: string): void {
    this.orphans.set(key, { until: this.now() + 2 * this.opts.ttlMs + 5_000, absentSince: null })
    void this.sweepOrphans()
  }

  /**
   * Deletes the orphans that KV shows as this node's (only at the revision just read, so a
   * lease taken meanwhile is left alone), retrying while NATS does not answer; each is given up
   * once it must have expired anyway.
   *
   * A key KV shows as absent (or someone else's) is watched a little longer: JetStream answers
   * a read and stores a publish on different paths, so a read sent after a buffered claim can
   * be answered before that claim is stored. Given up at the first empty read, such a claim
   * would keep its conversation out for a whole TTL (the likely cause of a frozen-NATS test's
   * 3 s wait in CI).
   */
  private async sweepOrphans(): Promise<void> {
    if (this.sweeping) return
    this.sweeping = true
    try {
      while (this.orphans.size > 0 && !this.stopped) {
        for (const [key, orphan] of [...this.orphans]) {
          const now = this.now()
          if (this.held.has(key) || now > orphan.until) {
            this.orphans.delete(key)
            continue
          }
          try {
            const entry = await this.opts.kv.get(key)
            if (this.held.has(key)) continue
            if (entry?.operation === 'PUT' && this.isOurs(entry.string())) {
              await this.opts.kv.delete(key, { previousSeq: entry.revision })
              this.orphans.delete(key)
            } else if (orphan.absentSince === null) {
              orphan.absentSince = now
            } else if (now - orphan.absentSince >= ORPHAN_WATCH_MS) {
              this.orphans.delete(key)
            }
          } catch {
            // NATS still not answering (or the key moved on): try again next round.
          }
        }
        if (this.orphans.size > 0) await Bun.sleep(ORPHAN_RETRY_MS)
      }
    } finally {
      this.sweeping = false
    }
  }

  private isOurs(value: string): boolean {
    try {
      return (JSON.parse(value) as { node?: unknown }).node === this.opts.nodeId
    } catch {
      return false
    }
  }

  private value(): string {
    return JSON.stringify({ node: this.opts.nodeId })
  }
}

/** How often orphaned keys are tried again while NATS does not answer. */
const ORPHAN_RETRY_MS = 250
/** How long an orphan KV does not show as ours is still watched for a claim landing late. */
const ORPHAN_WATCH_MS = 1_500

interface Orphan {
  /** Given up then (monotonic ms): it has expired by itself. */
  until: number
  /** When KV first answered without it as ours (monotonic ms). */
  absentSince: number | null
}

/** A NATS failure (timeout, lost link) as the retryable error clients are told. */
function unreachable(error: unknown): ParleyError {
  if (error instanceof ParleyError) return error
  return new ParleyError('unavailable', 'the cluster is not answering; retry shortly', {
    retryAfterMs: 1000,
    cause: error,
  })
}

/** JetStream's answer when the expected last revision does not match (10071). */
export function isWrongSequence(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const code = (error as { code?: unknown }).code
  return code === 10071 || /wrong last sequence/i.test(error.message)
}
