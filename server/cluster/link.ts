/**
 * This node's connection to NATS: reconnects forever, tracks whether the link is up, and opens
 * the KV buckets the cluster uses. While the link is down, cluster operations fail fast with a
 * retryable `unavailable` instead of hanging.
 */
import { jetstream } from '@nats-io/jetstream'
import { Kvm, type KV } from '@nats-io/kv'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import type { Logger } from '../../actors/index.ts'
import { ParleyError } from '../../protocol/index.ts'
import { Requests } from './requests.ts'

export interface LinkOptions {
  url: string
  nodeId: string
  log: Logger
  /** How long the first connection may take before start-up fails. */
  connectTimeoutMs?: number
}

/**
 * The shortest time between two batches of sends under load. The NATS client writes its socket
 * once per microtask checkpoint that queued something; a node handling a thousand messages a
 * second has as many turns, each with a publish or two, and wrote its socket each time (a send
 * call and the server's read each: the largest item in a cluster node's profile). Sends queued
 * within this long of the last batch wait for the next, so the link writes at most about once
 * per millisecond; an idle link sends at the end of the current turn.
 */
const SEND_INTERVAL_MS = 1

export class ClusterLink {
  private up = true
  private readonly listeners = new Set<(up: boolean) => void>()
  private closed = false
  disconnects = 0
  /** Request/reply to other nodes (placement's asks and probes). */
  readonly requests: Requests

  private constructor(
    readonly nc: NatsConnection,
    readonly nodeId: string,
    private readonly log: Logger,
  ) {
    this.requests = new Requests(nc, (send) => this.batch(send))
    void this.watchStatus()
  }

  static async open(opts: LinkOptions): Promise<ClusterLink> {
    const deadline = Date.now() + (opts.connectTimeoutMs ?? 10_000)
    for (;;) {
      try {
        const nc = await connect({
          servers: opts.url,
          name: `parley-${opts.nodeId}`,
          maxReconnectAttempts: -1,
          reconnectTimeWait: 250,
          reconnectJitter: 100,
          // A silent server (or a network that drops packets) is noticed within a few seconds.
          pingInterval: 2_000,
          maxPingOut: 2,
          timeout: 2_000,
          // No stack captured for every request the client makes (lease and KV operations):
          // its errors are handled where they surface.
          noAsyncTraces: true,
        })
        return new ClusterLink(nc, opts.nodeId, opts.log)
      } catch (error) {
        if (Date.now() >= deadline) {
          throw new Error(`cannot reach NATS at ${opts.url}: ${(error as Error).message}`)
        }
        opts.log.warn('NATS not reachable yet; retrying', { error: (error as Error).message })
        await Bun.sleep(500)
      }
    }
  }

  get connected(): boolean {
    return this.up && !this.closed
  }

  /** Sends (publishes, requests, replies) waiting for the next batch, in order. */
  private outbox: Array<() => void> = []
  private lastSendAt = -Infinity
  /** Batches handed to the NATS client, and the sends in them; for metrics and tests. */
  sendBatches = 0
  sends = 0

  /**
   * Runs `send` (something that writes to NATS) with the other sends of this turn, or of the
   * next millisecond under load, in one synchronous run: the client writes them in one socket
   * write. Order is kept. A send that throws (the link closed) is the sender's to handle.
   */
  batch(send: () => void): void {
    this.outbox.push(send)
    if (this.outbox.length > 1) return
    const wait = this.lastSendAt + SEND_INTERVAL_MS - performance.now()
    if (wait > 0) setTimeout(this.sendOutbox, wait)
    else setImmediate(this.sendOutbox)
  }

  private readonly sendOutbox = (): void => {
    const outbox = this.outbox
    if (outbox.length === 0) return // Sent early, by close().
    this.outbox = []
    this.lastSendAt = performance.now()
    this.sendBatches++
    this.sends += outbox.length
    for (const send of outbox) {
      try {
        send()
      } catch (error) {
        this.log.debug('cluster send failed', { error })
      }
    }
  }

  /** Throws the retryable error clients see while this node cannot reach the cluster. */
  assertUp(): void {
    if (!this.connected) {
      throw new ParleyError('unavailable', 'this node lost its cluster link; retry shortly', {
        retryAfterMs: 1000,
      })
    }
  }

  /** Called with true when the link comes back, false when it drops. */
  onChange(listener: (up: boolean) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Opens (creating when missing) a KV bucket; JetStream may lag the link after a restart. */
  async bucket(name: string, opts: { ttlMs?: number; history?: number }): Promise<KV> {
    const kvm = new Kvm(jetstream(this.nc, { timeout: 5_000 }))
    const deadline = Date.now() + 15_000
    for (;;) {
      try {
        return await kvm.create(name, {
          history: opts.history ?? 1,
          ttl: opts.ttlMs ?? 0,
          storage: 'file',
        })
      } catch (error) {
        if (Date.now() >= deadline) throw error
        this.log.warn('JetStream not ready; retrying', { bucket: name, error })
        await Bun.sleep(500)
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    // What waits for the next batch (the actors' last replies among it) goes before the drain.
    this.sendOutbox()
    this.requests.close()
    try {
      await this.nc.drain()
    } catch {
      await this.nc.close().catch(() => {})
    }
  }

  private async watchStatus(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === 'disconnect' && this.up) {
        this.up = false
        this.disconnects++
        this.log.warn('NATS link down', { server: String(status.server ?? '') })
        // A reply sent to us while the link is down is lost: fail now, the askers retry.
        this.requests.failAll()
        this.emit(false)
      } else if (status.type === 'reconnect' && !this.up) {
        this.up = true
        this.log.info('NATS link back', { server: String(status.server ?? '') })
        this.emit(true)
      }
    }
  }

  private emit(up: boolean): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(up)
      } catch (error) {
        this.log.error('cluster link listener failed', { error })
      }
    }
  }
}
