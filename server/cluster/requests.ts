/**
 * Request/reply between nodes without the NATS client's `request()`. That one builds a request
 * object, a timer and up to three `Error`s (their stacks captured) for every request, and a node
 * forwarding operator replies to their conversations' owners makes hundreds a second. Here each
 * request is an entry in a map under a reply subject of this node's own; one subscription
 * receives every reply, and one sweep a few times a second ends the requests that timed out and
 * runs the waiting requests' watchdogs (placement probes a slow owner from its tick).
 *
 * The server answers a request that no subscription receives with an empty 503 status message
 * ("no responders"); it comes here like any reply.
 */
import type { Msg, NatsConnection } from '@nats-io/transport-node'

/**
 * How a request ended: the reply, nobody listening on the subject (`none`), no reply in time
 * (`timeout`), or the link went down or closed while it waited (`down`).
 */
export type Reply = Msg | 'none' | 'timeout' | 'down'

interface Pending {
  done: (reply: Reply) => void
  expiresAt: number
  tick: ((now: number) => void) | undefined
}

/** How often waiting requests are checked for their timeout and their watchdog runs. */
export const SWEEP_MS = 25

export class Requests {
  /** This node's reply subjects: `<inbox><token>`. */
  private readonly inbox = `_INBOX.parley.${crypto.randomUUID()}.`
  private readonly pending = new Map<string, Pending>()
  private nextToken = 0
  private sweeper: ReturnType<typeof setInterval> | null = null
  private closed = false

  constructor(
    private readonly nc: NatsConnection,
    /** Hands a send to the link's next batch (ClusterLink.batch). */
    private readonly batch: (send: () => void) => void,
  ) {
    nc.subscribe(`${this.inbox}*`, {
      callback: (error, msg) => {
        if (!error) this.dispatch(msg)
      },
    })
  }

  /** Requests waiting for their reply; for metrics and tests. */
  get waiting(): number {
    return this.pending.size
  }

  /**
   * Publishes `data` on `subject` with the link's next batch and calls `done` once with how it
   * ended. `tick`, when given, runs on every sweep while the request waits.
   */
  send(
    subject: string,
    data: string,
    timeoutMs: number,
    done: (reply: Reply) => void,
    tick?: (now: number) => void,
  ): void {
    if (this.closed) return done('down')
    const token = (this.nextToken++).toString(36)
    this.pending.set(token, { done, expiresAt: performance.now() + timeoutMs, tick })
    this.sweeper ??= setInterval(this.sweep, SWEEP_MS)
    const reply = this.inbox + token
    this.batch(() => {
      if (!this.pending.has(token)) return // Ended while it waited for the batch (link down).
      try {
        this.nc.publish(subject, data, { reply })
      } catch {
        this.end(token, 'down')
      }
    })
  }

  /** The link dropped or closed: nothing waiting will be answered. */
  failAll(): void {
    for (const token of [...this.pending.keys()]) this.end(token, 'down')
  }

  close(): void {
    this.closed = true
    this.failAll()
  }

  private dispatch(msg: Msg): void {
    const token = msg.subject.slice(this.inbox.length)
    if (!this.pending.has(token)) return // Timed out already; a late reply.
    this.end(token, msg.data.length === 0 && msg.headers?.code === 503 ? 'none' : msg)
  }

  private end(token: string, reply: Reply): void {
    const pending = this.pending.get(token)
    if (!pending) return
    this.pending.delete(token)
    if (this.pending.size === 0 && this.sweeper !== null) {
      clearInterval(this.sweeper)
      this.sweeper = null
    }
    pending.done(reply)
  }

  private readonly sweep = (): void => {
    const now = performance.now()
    for (const [token, pending] of this.pending) {
      if (now >= pending.expiresAt) this.end(token, 'timeout')
      else pending.tick?.(now)
    }
  }
}
