/**
 * Cluster fan-out: a change is published once on its subject (one conversation, one operator,
 * one inbox); a node subscribes to a subject only while something on it listens, with one NATS
 * subscription per subject however many local listeners share it. The publishing node has
 * already delivered locally, so each node skips its own messages.
 *
 * A message is the origin node's id, a newline, then the payload's JSON: a node recognizes its
 * own messages without parsing them, and hands the payload's JSON text on with the payload, so
 * a frame from another node reaches local JSON clients without being encoded again.
 *
 * Publishes of one event-loop turn leave together: the NATS client writes its socket once per
 * microtask checkpoint in which something was queued, and each message's publish comes from
 * its own continuation, so published one by one they took a socket write each (a tenth of a
 * cluster node's CPU under load). Queued here and handed over in one synchronous run at the end
 * of the turn, they take one write. Order per subject is kept.
 */
import type { Subscription } from '@nats-io/transport-node'
import type { Logger } from '../../actors/index.ts'
import type { ClusterLink } from './link.ts'

/** A payload from another node, and its JSON text as published. */
export type RelayHandler = (payload: unknown, json: string) => void

interface Topic {
  sub: Subscription
  handlers: Set<RelayHandler>
}

const NEWLINE = 10
const decoder = new TextDecoder()

export class Relay {
  private readonly topics = new Map<string, Topic>()
  published = 0
  received = 0

  /** This node's id and the newline, as text and as the bytes its messages start with. */
  private readonly prefix: string
  private readonly own: Uint8Array

  constructor(
    private readonly link: ClusterLink,
    private readonly log: Logger,
  ) {
    this.prefix = `${link.nodeId}\n`
    this.own = new TextEncoder().encode(this.prefix)
  }

  /** Publishes payload; `json`, when the caller has it already, is its JSON text. */
  publish(subject: string, payload: unknown, json?: string): void {
    if (!this.link.connected) return // Receivers catch up from the store (gap fill, resume).
    this.pending.push(subject, this.prefix + (json ?? JSON.stringify(payload)))
    if (this.pending.length === 2) setImmediate(this.flush)
  }

  /** Subjects and bodies queued this turn, alternating. */
  private pending: string[] = []

  /** Hands this turn's publishes to the NATS client in one run (one socket write). */
  private readonly flush = (): void => {
    const pending = this.pending
    this.pending = []
    for (let i = 0; i < pending.length; i += 2) {
      const subject = pending[i] as string
      try {
        this.link.nc.publish(subject, pending[i + 1] as string)
        this.published++
      } catch (error) {
        // Closed or reconnecting: receivers catch up from the store (gap fill, resume).
        this.log.debug('relay publish failed', { subject, error })
      }
    }
  }

  /** Calls handler for every payload other nodes publish on subject; returns the unwatch. */
  watch(subject: string, handler: RelayHandler): () => void {
    let topic = this.topics.get(subject)
    if (!topic) {
      const handlers = new Set<RelayHandler>()
      const sub = this.link.nc.subscribe(subject, {
        callback: (error, msg) => {
          if (error) return
          const data = msg.data
          const cut = data.indexOf(NEWLINE)
          if (cut < 0 || this.isOwn(data, cut)) return
          let json: string
          let payload: unknown
          try {
            json = decoder.decode(data.subarray(cut + 1))
            payload = JSON.parse(json)
          } catch {
            return
          }
          this.received++
          for (const h of [...handlers]) {
            try {
              h(payload, json)
            } catch (e) {
              this.log.error('relay handler failed', { subject, error: e })
            }
          }
        },
      })
      topic = { sub, handlers }
      this.topics.set(subject, topic)
    }
    topic.handlers.add(handler)
    const current = topic
    return () => {
      current.handlers.delete(handler)
      if (current.handlers.size === 0 && this.topics.get(subject) === current) {
        current.sub.unsubscribe()
        this.topics.delete(subject)
      }
    }
  }

  /** Whether a message whose origin ends at `cut` was published by this node. */
  private isOwn(data: Uint8Array, cut: number): boolean {
    const own = this.own
    if (cut + 1 !== own.length) return false
    for (let i = 0; i < cut; i++) if (data[i] !== own[i]) return false
    return true
  }

  /** Resolves once every subscription made so far is registered with the server. */
  async ready(): Promise<void> {
    if (!this.link.connected) return
    this.flush()
    try {
      await this.link.nc.flush()
    } catch {
      // Link dropped: the caller's replay from the store still covers what was committed.
    }
  }

  get subjects(): number {
    return this.topics.size
  }

  /** False while the link to NATS is down: publishing then reaches no other node. */
  get connected(): boolean {
    return this.link.connected
  }
}
