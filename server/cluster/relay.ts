/**
 * Cluster fan-out: a change is published once on its subject (one conversation, one operator,
 * one inbox); a node subscribes to a subject only while something on it listens, with one NATS
 * subscription per subject however many local listeners share it. The publishing node has
 * already delivered locally, so each node skips its own messages.
 */
import type { Subscription } from '@nats-io/transport-node'
import type { Logger } from '../../actors/index.ts'
import type { ClusterLink } from './link.ts'

interface Envelope {
  /** Origin node. */
  o: string
  p: unknown
}

interface Topic {
  sub: Subscription
  handlers: Set<(payload: unknown) => void>
}

export class Relay {
  private readonly topics = new Map<string, Topic>()
  published = 0
  received = 0

  constructor(
    private readonly link: ClusterLink,
    private readonly log: Logger,
  ) {}

  publish(subject: string, payload: unknown): void {
    if (!this.link.connected) return // Receivers catch up from the store (gap fill, resume).
    try {
      this.link.nc.publish(subject, JSON.stringify({ o: this.link.nodeId, p: payload }))
      this.published++
    } catch (error) {
      this.log.debug('relay publish failed', { subject, error })
    }
  }

  /** Calls handler for every payload other nodes publish on subject; returns the unwatch. */
  watch(subject: string, handler: (payload: unknown) => void): () => void {
    let topic = this.topics.get(subject)
    if (!topic) {
      const handlers = new Set<(payload: unknown) => void>()
      const sub = this.link.nc.subscribe(subject, {
        callback: (error, msg) => {
          if (error) return
          let envelope: Envelope
          try {
            envelope = msg.json<Envelope>()
          } catch {
            return
          }
          if (envelope.o === this.link.nodeId) return
          this.received++
          for (const h of [...handlers]) {
            try {
              h(envelope.p)
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

  /** Resolves once every subscription made so far is registered with the server. */
  async ready(): Promise<void> {
    if (!this.link.connected) return
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
