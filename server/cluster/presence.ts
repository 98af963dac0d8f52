/**
 * The presence board shared by every node through a KV bucket: an operator actor writes its
 * operator's availability where it lives; every node keeps a replica fed by a KV watch, so an
 * inbox actor on any node routes by the same facts. The owner re-publishes its entries
 * periodically; an entry not refreshed for `staleMs` (its node died) counts as absent.
 */
import type { KV } from '@nats-io/kv'
import { PresenceBoard, type Availability, type Logger } from '../../actors/index.ts'

interface Entry extends Availability {
  node: string
}

export class SharedPresenceBoard extends PresenceBoard {
  /** Entries written by other nodes, with when we last heard of them (Date.now()). */
  private readonly remote = new Map<string, { availability: Availability; at: number }>()
  private timer: ReturnType<typeof setInterval> | null = null
  private stopped = false

  constructor(
    private readonly kv: KV,
    private readonly nodeId: string,
    private readonly log: Logger,
    private readonly staleMs: number,
  ) {
    super()
  }

  async start(): Promise<void> {
    const watch = await this.kv.watch({ include: '' })
    void (async () => {
      for await (const e of watch) {
        if (this.stopped) break
        if (e.operation !== 'PUT') {
          this.remote.delete(e.key)
          continue
        }
        try {
          const entry = e.json<Entry>()
          if (entry.node === this.nodeId) continue
          this.remote.set(e.key, {
            availability: { status: entry.status, present: entry.present },
            at: Date.now(),
          })
        } catch {
          // Not ours to read: ignore.
        }
      }
    })()
    this.timer = setInterval(() => this.republish(), Math.max(1000, Math.floor(this.staleMs / 3)))
  }

  stop(): void {
    this.stopped = true
    if (this.timer) clearInterval(this.timer)
  }

  override set(operatorId: string, availability: Availability): void {
    super.set(operatorId, availability)
    this.remote.delete(operatorId)
    this.put(operatorId, availability)
  }

  override remove(operatorId: string): void {
    super.remove(operatorId)
    this.kv.delete(operatorId).catch((error) => {
      this.log.debug('presence delete failed', { operatorId, error })
    })
  }

  override get(operatorId: string): Availability {
    const own = this.entries.get(operatorId)
    if (own) return own
    const theirs = this.remote.get(operatorId)
    if (theirs && Date.now() - theirs.at < this.staleMs) return theirs.availability
    return { status: 'away', present: false }
  }

  private put(operatorId: string, availability: Availability): void {
    const entry: Entry = { ...availability, node: this.nodeId }
    this.kv.put(operatorId, JSON.stringify(entry)).catch((error) => {
      this.log.debug('presence publish failed', { operatorId, error })
    })
  }

  private republish(): void {
    for (const [operatorId, availability] of this.entries) this.put(operatorId, availability)
  }
}
