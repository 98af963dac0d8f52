/**
 * The cluster side of a node (NATS_URL set): the link to NATS, actor leases, the relay that
 * carries events between nodes, and the shared presence board. A single node runs without it.
 */
import { randomBytes } from 'node:crypto'
import type { KV } from '@nats-io/kv'
import type { Actor, ActorRegistry, Command, Logger, Replies } from '../../actors/index.ts'
import { isWrongSequence, Leases } from './leases.ts'
import { ClusterLink } from './link.ts'
import { ClusteredRegistry } from './placement.ts'
import { SharedPresenceBoard } from './presence.ts'
import { Relay } from './relay.ts'

export { ClusteredRegistry } from './placement.ts'
export { ClusterLink } from './link.ts'
export { isWrongSequence } from './leases.ts'

/** A presence entry not refreshed for this long belongs to a dead node. */
const PRESENCE_STALE_MS = 30_000
/** Login throttle counters are kept at most this long (server/auth/throttle.ts). */
const LOGIN_THROTTLE_TTL_MS = 24 * 3_600_000

export interface Cluster {
  /** This process's identity in the cluster: NODE_ID plus a per-start suffix. */
  nodeId: string
  link: ClusterLink
  leases: Leases
  relay: Relay
  presence: SharedPresenceBoard
  /** The login throttle's counters, shared by every node (server/auth/throttle.ts). */
  loginThrottleKv: KV
  leaseTtlMs: number
  /** Puts a local registry behind placement: its actors live on one node of the cluster. */
  place<C extends Command, R extends Replies<C>, A extends Actor<C, R>>(
    local: ActorRegistry<C, R, A>,
  ): ClusteredRegistry<C, R, A>
  /** True while this node holds the lease of kind/key (checked before every command). */
  owns(kind: string, key: string): boolean
  /**
   * This node's store fails (true) or works again (false). While it fails the node holds no
   * actor: its leases are released so that nodes whose store works take its actors over.
   */
  storeFailing(failing: boolean): void
  /** Runs fn while holding a cluster-wide lock (first-start bootstrap on several nodes). */
  withLock<T>(name: string, fn: () => Promise<T>): Promise<T>
  /**
   * Runs fn under the cluster-wide lock `name` if no node holds it now; otherwise runs nothing
   * and resolves `{ ran: false }`. For periodic jobs that one node at a time must run. The lock
   * lapses after 30 s if its holder dies, so fn must finish well within that.
   */
  tryLock<T>(name: string, fn: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }>
  /** Releases every lease (after the actors' last writes) and closes the link. */
  stop(): Promise<void>
}

const clamp = (value: number, min: number, max: number) =>
  Math.round(Math.min(max, Math.max(min, value)))

export async function startCluster(opts: {
  natsUrl: string
  nodeId: string
  leaseTtlMs: number
  log: Logger
}): Promise<Cluster> {
  const nodeId = `${opts.nodeId}~${randomBytes(3).toString('hex')}`
  const log = opts.log.child({ node: nodeId })
  const link = await ClusterLink.open({ url: opts.natsUrl, nodeId, log })
  const registries = new Map<string, ClusteredRegistry<never, never, never>>()
  // New bucket names with the node lease (parley_leases held one renewed key per actor): nodes
  // of an older release do not share leases with these, see deploy/README.md.
  const leases = await Leases.open(link, 'parley_owners', {
    nodeId,
    ttlMs: opts.leaseTtlMs,
    log,
    onLost: (leaseKey) => {
      const dot = leaseKey.indexOf('.')
      registries.get(leaseKey.slice(0, dot))?.lost(leaseKey.slice(dot + 1))
    },
  })
  leases.start()
  const presenceKv = await link.bucket('parley_presence', { ttlMs: PRESENCE_STALE_MS * 2 })
  const presence = new SharedPresenceBoard(presenceKv, nodeId, log, PRESENCE_STALE_MS)
  await presence.start()
  const relay = new Relay(link, log)
  const lockKv = await link.bucket('parley_locks', { ttlMs: 30_000 })
  const loginThrottleKv = await link.bucket('parley_login_throttle', {
    ttlMs: LOGIN_THROTTLE_TTL_MS,
  })
  // Ask no longer than a lease lives plus a margin: an orphaned actor is claimable by then.
  const askDeadlineMs = opts.leaseTtlMs + 3_000
  return {
    nodeId,
    link,
    leases,
    relay,
    presence,
    loginThrottleKv,
    leaseTtlMs: opts.leaseTtlMs,
    place(local) {
      const placed = new ClusteredRegistry(local, {
        link,
        leases,
        log,
        // Well inside the TTL: a frozen owner is found out long before its lease lapses, so
        // the lease alone decides when its actors are served again (TTL plus one poll).
        probeAfterMs: clamp(opts.leaseTtlMs / 6, 150, 2_000),
        probeTimeoutMs: clamp(opts.leaseTtlMs / 10, 200, 1_000),
        askDeadlineMs,
      })
      registries.set(local.kind, placed as unknown as ClusteredRegistry<never, never, never>)
      return placed
    },
    owns: (kind, key) => leases.valid(`${kind}.${key}`),
    storeFailing(failing) {
      if (failing) {
        log.warn('store failing: releasing every actor lease to the other nodes')
        leases.suspend('its database is failing')
      } else {
        log.info('store works again: this node serves actors again')
        leases.resume()
      }
    },
    async withLock(name, fn) {
      const deadline = Date.now() + 30_000
      let revision: number | null = null
      while (revision === null) {
        try {
          revision = await lockKv.create(name, nodeId)
        } catch (error) {
          if (!isWrongSequence(error) || Date.now() > deadline) throw error
          await Bun.sleep(100)
        }
      }
      try {
        return await fn()
      } finally {
        await lockKv.delete(name, { previousSeq: revision }).catch(() => {})
      }
    },
    async tryLock(name, fn) {
      let revision: number
      try {
        revision = await lockKv.create(name, nodeId)
      } catch (error) {
        if (isWrongSequence(error)) return { ran: false }
        throw error
      }
      try {
        return { ran: true, value: await fn() }
      } finally {
        await lockKv.delete(name, { previousSeq: revision }).catch(() => {})
      }
    },
    async stop() {
      leases.stop()
      await leases.releaseAll()
      presence.stop()
      await link.close()
    },
  }
}
