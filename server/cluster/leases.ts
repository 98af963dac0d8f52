/**
 * Actor ownership leases in JetStream KV, with one short lease per node rather than per actor.
 *
 * - **The node lease.** Each node holds one key in the nodes bucket, whose TTL is the lease TTL;
 *   the node renews it three times per TTL (`update` with the revision it last wrote). Its name
 *   is new each time the node takes one (`<node id>.<random>`), so a node that lost its lease
 *   and took a new one never vouches for what it held under the old one.
 * - **Actor leases.** Claiming is `create` in the owners bucket, naming the node lease. An actor
 *   lease counts as held while the node lease it names lives. Releasing is `delete` with the
 *   revision we wrote. A key naming a node lease that has expired (a crashed or cut-off node) is
 *   stale: a claimant replaces it (`update` at the revision it read, so of two claimants one
 *   wins). The owners bucket has a long TTL of its own (`ownerTtlMs`, minutes) only so that a
 *   key nobody could delete does not stay forever; held keys are rewritten well within it.
 *
 * So the KV writes of a live cluster grow with activations, not with live actors: before, every
 * live actor's key was renewed three times per TTL (about 180 JetStream writes a second for 300
 * live conversations at the default 5 s TTL).
 *
 * Safety does not depend on NATS answering: every lease counts as ours only until the moment
 * the node lease's last successful renewal was *sent* plus the TTL minus a margin. The server
 * expires the node key no earlier than TTL after it *stored* that renewal, and a claimant takes
 * a key over only once that node key is gone, so our view always ends first, and a node cut off
 * from NATS stops its actors before anyone else may start them. Writes are fenced in the store
 * as well (a paused process may wake up mid-write), see ConversationStore.acquire.
 */
import { randomBytes } from 'node:crypto'
import type { KV } from '@nats-io/kv'
import type { Logger } from '../../actors/index.ts'
import { ParleyError } from '../../protocol/index.ts'
import type { ClusterLink } from './link.ts'

export interface LeaseOptions {
  /** Actor leases: keys name the node lease that holds them (no short TTL). */
  kv: KV
  /** Node leases: the bucket's TTL is `ttlMs`. */
  nodes: KV
  nodeId: string
  ttlMs: number
  /** The owners bucket's own TTL: held keys are rewritten every third of it. */
  ownerTtlMs: number
  log: Logger
  /** Called once when a lease we held is lost (not renewed in time, or taken over). */
  onLost: (key: string) => void
  /** Monotonic milliseconds; injectable for tests. */
  now?: () => number
}

interface Held {
  revision: number
  /** When this key was last written (monotonic ms): rewritten every third of ownerTtlMs. */
  writtenAt: number
  rewriting: boolean
}

/** This node's lease: the key in the nodes bucket and until when it vouches for us. */
interface NodeLease {
  key: string
  revision: number
  /** Ours until then (monotonic ms). */
  validUntil: number
  renewing: boolean
}

/** What an owner key holds. `lease`: the node lease's key. */
interface OwnerValue {
  node: string
  lease: string
}

export class Leases {
  private readonly held = new Map<string, Held>()
  private nodeLease: NodeLease | null = null
  /** A node lease being taken (claims wait for it together). */
  private taking: Promise<NodeLease> | null = null
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
   * once it does (the client buffers it), and would keep others out.
   */
  private readonly orphans = new Map<string, Orphan>()
  private sweeping = false
  private stopped = false
  claims = 0
  lost = 0
  /** KV writes for leases (node lease renewals and owner key rewrites included): for the bench. */
  writes = 0

  constructor(private readonly opts: LeaseOptions) {
    this.now = opts.now ?? (() => performance.now())
    this.margin = Math.max(250, Math.floor(opts.ttlMs / 5))
  }

  /**
   * Opens the two buckets (`bucket` for actor keys, `<bucket>_nodes` for node leases) and
   * returns the leases on them.
   */
  static async open(
    link: ClusterLink,
    bucket: string,
    opts: Omit<LeaseOptions, 'kv' | 'nodes' | 'ownerTtlMs'> & { ownerTtlMs?: number },
  ): Promise<Leases> {
    const ownerTtlMs = opts.ownerTtlMs ?? Math.max(60_000, opts.ttlMs * 60)
    const kv = await link.bucket(bucket, { ttlMs: ownerTtlMs })
    const nodes = await link.bucket(`${bucket}_nodes`, { ttlMs: opts.ttlMs })
    return new Leases({ ...opts, kv, nodes, ownerTtlMs })
  }

  get size(): number {
    return this.held.size
  }

  /** Renews the node lease three times per TTL (and rewrites old owner keys meanwhile). */
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
    const node = this.nodeLease
    return node !== null && this.now() < node.validUntil && this.held.has(key)
  }

  /**
   * Claims key for this node; false when someone else holds it. Rejects with `unavailable`
   * while suspended, or when NATS does not answer.
   */
  async claim(key: string): Promise<boolean> {
    if (this.valid(key)) return true
    this.assertNotSuspended()
    const node = await this.takeNodeLease()
    // A claim of ours under this very lease may still land, and the sweep deletes what it wrote
    // (at the revision it reads): claimed again meanwhile, the sweep would delete our new claim.
    if (this.orphans.get(key)?.lease === node.key) return false
    const value = JSON.stringify({ node: this.opts.nodeId, lease: node.key } satisfies OwnerValue)
    let revision: number
    try {
      revision = await this.write(() => this.opts.kv.create(key, value))
    } catch (error) {
      if (!isWrongSequence(error)) {
        // It may still be stored once NATS answers again: ours then, held by nobody.
        this.orphan(key, node.key)
        throw unreachable(error)
      }
      const taken = await this.takeOver(key, value, node)
      if (taken === null) return false
      revision = taken
    }
    // Suspended, or the node lease lost, while the claim was in flight: give it straight back.
    if (this.suspendedFor !== null || this.nodeLease !== node) {
      await this.deleteKey(key, revision, node.key)
      this.assertNotSuspended()
      throw new ParleyError('unavailable', 'this node lost its cluster lease; retry shortly', {
        retryAfterMs: 1000,
      })
    }
    this.held.set(key, { revision, writtenAt: this.now(), rewriting: false })
    this.claims++
    return true
  }

  /**
   * A key someone holds already: ours under this node lease (a claim whose answer was lost) or
   * stale (its node lease expired), either way written anew now; null when a live node holds
   * it.
   */
  private async takeOver(key: string, value: string, node: NodeLease): Promise<number | null> {
    const entry = await this.opts.kv.get(key).catch((error: unknown) => {
      throw unreachable(error)
    })
    // Released meanwhile: the next claim creates it.
    if (!entry || entry.operation !== 'PUT') return null
    const holder = parseOwner(entry.string())
    // Held under a live node lease (ours named in it: a claim whose answer was lost, taken up).
    if (holder?.lease !== node.key && holder && (await this.nodeAlive(holder.lease))) return null
    try {
      return await this.write(() => this.opts.kv.update(key, value, entry.revision))
    } catch (error) {
      // Another claimant replaced it first.
      if (isWrongSequence(error)) return null
      this.orphan(key, node.key)
      throw unreachable(error)
    }
  }

  /** Whether the node lease `lease` (a key of the nodes bucket) is held by a live node. */
  private async nodeAlive(lease: string): Promise<boolean> {
    if (!KV_KEY.test(lease)) return false
    const entry = await this.opts.nodes.get(lease).catch((error: unknown) => {
      throw unreachable(error)
    })
    return entry !== null && entry.operation === 'PUT'
  }

  /** This node's lease, taken when it holds none (one attempt shared by concurrent claims). */
  private async takeNodeLease(): Promise<NodeLease> {
    const held = this.nodeLease
    if (held && this.now() < held.validUntil) return held
    // Expired, and the timer has not noticed yet: what it held goes first.
    if (held) this.loseAll(held, 'expired before it could be renewed')
    this.taking ??= this.createNodeLease().finally(() => {
      this.taking = null
    })
    return this.taking
  }

  private async createNodeLease(): Promise<NodeLease> {
    // The old one (if any) is lost already; its key may still be renewed by a write in flight.
    const key = `${this.opts.nodeId.replace(/[^-\w]/g, '_')}.${randomBytes(6).toString('hex')}`
    const sentAt = this.now()
    let revision: number
    try {
      revision = await this.write(() => this.opts.nodes.create(key, this.opts.nodeId))
    } catch (error) {
      this.orphanNode(key)
      throw unreachable(error)
    }
    const lease = {
      key,
      revision,
      validUntil: sentAt + this.opts.ttlMs - this.margin,
      renewing: false,
    }
    this.nodeLease = lease
    return lease
  }

  private assertNotSuspended(): void {
    if (this.suspendedFor === null) return
    throw new ParleyError('unavailable', `this node cannot serve it now: ${this.suspendedFor}`, {
      retryAfterMs: 1000,
    })
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
      this.track(this.deleteKey(key, lease.revision))
    }
  }

  /** Claims are allowed again (the store works). */
  resume(): void {
    this.suspendedFor = null
  }

  get suspended(): boolean {
    return this.suspendedFor !== null
  }

  /** Node id of the holder of key, or null when nobody holds it (or its node lease expired). */
  async holder(key: string): Promise<string | null> {
    const entry = await this.opts.kv.get(key).catch((error: unknown) => {
      throw unreachable(error)
    })
    if (!entry || entry.operation !== 'PUT') return null
    const owner = parseOwner(entry.string())
    if (!owner || !(await this.nodeAlive(owner.lease))) return null
    return owner.node
  }

  /** Gives the lease up (after the actor's last write): the next claimant need not wait. */
  release(key: string): Promise<void> {
    const lease = this.held.get(key)
    if (!lease) return Promise.resolve()
    this.held.delete(key)
    return this.track(this.deleteKey(key, lease.revision))
  }

  private track(done: Promise<void>): Promise<void> {
    const tracked = done.finally(() => this.releasing.delete(tracked))
    this.releasing.add(tracked)
    return tracked
  }

  /** `lease`: the node lease the key names (every key held names the one of now). */
  private async deleteKey(
    key: string,
    revision: number,
    lease = this.nodeLease?.key,
  ): Promise<void> {
    try {
      await this.write(() => this.opts.kv.delete(key, { previousSeq: revision }))
    } catch (error) {
      // Already taken (or gone): nothing of ours left to release.
      if (isWrongSequence(error)) return
      // Not answered: it still names our node lease, which others see alive. Keep trying.
      this.opts.log.debug('lease release failed', { key, error })
      if (lease) this.orphan(key, lease)
    }
  }

  /** Forgets a lease without telling NATS (it is lost already). */
  drop(key: string): void {
    this.held.delete(key)
  }

  /**
   * Releases every lease still held, waits for releases already under way, then gives the
   * node lease up too (a clean stop: other nodes need not wait for it to expire).
   */
  async releaseAll(): Promise<void> {
    for (const key of [...this.held.keys()]) void this.release(key)
    await Promise.all([...this.releasing])
    const node = this.nodeLease
    this.nodeLease = null
    if (node) {
      await this.opts.nodes.delete(node.key, { previousSeq: node.revision }).catch(() => {})
    }
  }

  /**
   * One round: renews the node lease (pipelined with the rewrite of owner keys written a third
   * of ownerTtlMs ago); loses every lease once the node lease can no longer be vouched for.
   */
  renewAll(): void {
    const node = this.nodeLease
    if (!node) return
    const now = this.now()
    if (now >= node.validUntil) {
      this.loseAll(node, 'expired before it could be renewed')
      return
    }
    if (!node.renewing) {
      node.renewing = true
      const sentAt = now
      this.write(() => this.opts.nodes.update(node.key, this.opts.nodeId, node.revision)).then(
        (revision) => {
          node.renewing = false
          if (this.nodeLease !== node) return
          node.revision = revision
          node.validUntil = sentAt + this.opts.ttlMs - this.margin
        },
        (error) => {
          node.renewing = false
          if (this.nodeLease !== node) return
          // Expired in KV (or deleted by hand): every lease under it may be someone else's now.
          // Other failures (NATS unreachable) are retried until our own deadline passes.
          if (isWrongSequence(error)) this.loseAll(node, 'node lease gone')
        },
      )
    }
    const rewriteAfter = this.opts.ownerTtlMs / 3
    const value = JSON.stringify({ node: this.opts.nodeId, lease: node.key } satisfies OwnerValue)
    for (const [key, lease] of this.held) {
      if (lease.rewriting || now - lease.writtenAt < rewriteAfter) continue
      lease.rewriting = true
      this.write(() => this.opts.kv.update(key, value, lease.revision)).then(
        (revision) => {
          lease.rewriting = false
          if (this.held.get(key) !== lease) return
          lease.revision = revision
          lease.writtenAt = now
        },
        (error) => {
          lease.rewriting = false
          if (this.held.get(key) !== lease) return
          if (isWrongSequence(error)) this.loseLease(key, 'taken over')
          else if (this.now() - lease.writtenAt > this.opts.ownerTtlMs - this.margin) {
            this.loseLease(key, 'owner key expired before it could be rewritten')
          }
        },
      )
    }
  }

  /**
   * The node lease is gone: so is every lease under it (their keys turn stale with it, for any
   * claimant to take). The next claim takes a new node lease.
   */
  private loseAll(node: NodeLease, why: string): void {
    if (this.nodeLease !== node) return
    this.nodeLease = null
    this.opts.log.warn('node lease lost', { lease: node.key, why, held: this.held.size })
    // A renewal still on its way would keep the old lease (and its keys) alive for nothing.
    this.orphanNode(node.key)
    for (const key of [...this.held.keys()]) this.loseLease(key, why)
  }

  private loseLease(key: string, why: string): void {
    this.held.delete(key)
    this.lost++
    this.opts.log.warn('lease lost', { key, why })
    this.opts.onLost(key)
  }

  private write<T>(op: () => Promise<T>): Promise<T> {
    this.writes++
    return op()
  }

  /** An owner key that may name `lease` although we do not hold it. */
  private orphan(key: string, lease: string): void {
    this.orphans.set(key, {
      bucket: 'owners',
      lease,
      until: this.now() + this.opts.ownerTtlMs + 5_000,
      absentSince: null,
    })
    void this.sweepOrphans()
  }

  private orphanNode(key: string): void {
    this.orphans.set(`node:${key}`, {
      bucket: 'nodes',
      lease: key,
      until: this.now() + 2 * this.opts.ttlMs + 5_000,
      absentSince: null,
    })
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
   * would keep its conversation out until its key expired.
   */
  private async sweepOrphans(): Promise<void> {
    if (this.sweeping) return
    this.sweeping = true
    try {
      while (this.orphans.size > 0 && !this.stopped) {
        for (const [name, orphan] of [...this.orphans]) {
          const now = this.now()
          const key = orphan.bucket === 'nodes' ? name.slice('node:'.length) : name
          const kv = orphan.bucket === 'nodes' ? this.opts.nodes : this.opts.kv
          if (now > orphan.until || (orphan.bucket === 'owners' && this.held.has(key))) {
            this.orphans.delete(name)
            continue
          }
          if (orphan.bucket === 'nodes' && this.nodeLease?.key === key) continue
          try {
            const entry = await kv.get(key)
            if (orphan.bucket === 'owners' && this.held.has(key)) continue
            const ours =
              entry?.operation === 'PUT' &&
              (orphan.bucket === 'nodes' || parseOwner(entry.string())?.lease === orphan.lease)
            if (entry && ours) {
              await kv.delete(key, { previousSeq: entry.revision })
              this.orphans.delete(name)
            } else if (orphan.absentSince === null) {
              orphan.absentSince = now
            } else if (now - orphan.absentSince >= ORPHAN_WATCH_MS) {
              this.orphans.delete(name)
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
}

/** How often orphaned keys are tried again while NATS does not answer. */
const ORPHAN_RETRY_MS = 250
/** How long an orphan KV does not show as ours is still watched for a claim landing late. */
const ORPHAN_WATCH_MS = 1_500
/** What a KV key may be (nats.js refuses anything else). */
const KV_KEY = /^[-/=.\w]+$/

interface Orphan {
  bucket: 'owners' | 'nodes'
  /** The node lease an owner key names when it is this orphan (a node key: itself). */
  lease: string
  /** Given up then (monotonic ms): it has expired by itself. */
  until: number
  /** When KV first answered without it as ours (monotonic ms). */
  absentSince: number | null
}

function parseOwner(value: string): OwnerValue | null {
  try {
    const parsed = JSON.parse(value) as Partial<OwnerValue>
    if (typeof parsed.node !== 'string' || typeof parsed.lease !== 'string') return null
    return { node: parsed.node, lease: parsed.lease }
  } catch {
    return null
  }
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
