/**
 * Cluster fan-out: a change is published once on its subject (one conversation, one operator,
 * one inbox); a node subscribes to a subject only while something on it listens, with one NATS
 * subscription per subject however many local listeners share it. The publishing node has
 * already delivered locally, so each node skips its own messages.
 *
 * A message is the origin node's id, a newline, then one or more payloads' JSON, one per line
 * (JSON text has no raw newline): a node recognizes its own messages without parsing them,
 * and hands each payload's JSON text on with the payload, so a frame from another node reaches
 * local JSON clients without being encoded again.
 *
 * Publishes wait for the link's next batch (the end of the turn, or the next millisecond under
 * load: ClusterLink.batch) and leave in one socket write. Payloads of one batch on the same
 * subject leave as one message: an inbox's subject carries every change of its conversations,
 * tens per batch under load, and each NATS message costs its publisher, the server and every
 * receiving node a fixed overhead besides its bytes. Order per subject is kept; a subject's
 * message goes where its last payload of the batch was, so nothing is published earlier than
 * before relative to other subjects, only later.
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
/** Payloads joined into one message stop short of this many characters (NATS allows 1 MiB). */
const MAX_BUNDLE_CHARS = 256 * 1024

export class Relay {
  private readonly topics = new Map<string, Topic>()
  /** Subjects and bodies waiting for the link's next batch, alternating. */
  private pending: string[] = []
  /** Payloads published and received, and the NATS messages the published ones left in. */
  published = 0
  received = 0
  messages = 0

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
    this.pending.push(subject, json ?? JSON.stringify(payload))
    if (this.pending.length === 2) this.link.batch(this.flush)
  }

  /** Hands the waiting publishes to the NATS client (in the link's batch: one socket write). */
  private readonly flush = (): void => {
    const pending = this.pending
    this.pending = []
    // Each subject's payloads, the subjects in the order of their last payload.
    const bySubject = new Map<string, string[]>()
    for (let i = 0; i < pending.length; i += 2) {
      const subject = pending[i] as string
      let bodies = bySubject.get(subject)
      if (bodies) bySubject.delete(subject)
      else bodies = []
      bodies.push(pending[i + 1] as string)
      bySubject.set(subject, bodies)
    }
    for (const [subject, bodies] of bySubject) {
      let from = 0
      while (from < bodies.length) {
        let to = from + 1
        let chars = (bodies[from] as string).length
        while (to < bodies.length && chars + (bodies[to] as string).length < MAX_BUNDLE_CHARS) {
          chars += (bodies[to] as string).length + 1
          to++
        }
        const body = to === from + 1 ? bodies[from] : bodies.slice(from, to).join('\n')
        try {
          this.link.nc.publish(subject, this.prefix + body)
          this.published += to - from
          this.messages++
        } catch (error) {
          // Closed or reconnecting: receivers catch up from the store (gap fill, resume).
          this.log.debug('relay publish failed', { subject, error })
        }
        from = to
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
          const text = decoder.decode(data.subarray(cut + 1))
          for (let start = 0; start < text.length;) {
            let end = text.indexOf('\n', start)
            if (end < 0) end = text.length
            const json = text.slice(start, end)
            start = end + 1
            let payload: unknown
            try {
              payload = JSON.parse(json)
            } catch {
              continue
            }
            this.received++
            for (const h of [...handlers]) {
              try {
                h(payload, json)
              } catch (e) {
                this.log.error('relay handler failed', { subject, error: e })
              }
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
