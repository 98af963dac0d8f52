/**
 * Conversation summaries written behind the log (issue 12). A message is one log append; the
 * conversation's summary row (last seq, last activity, unanswered flag, waiting since: four index entries
 * move with it) is a projection of the log, so when a write changes nothing else the summary
 * is held here and written later, once per conversation per flush however many messages came
 * in between. Nothing is lost meanwhile:
 *
 * - The append commits a mark (`pending_projections`) in its own transaction; a summary write
 *   that covers the whole log removes it. Marks left by a crash name exactly the summaries to
 *   rebuild from the log (`repair`), which the store runs before it serves.
 * - No reader sees a summary behind: the actor rebuilds its state from the stored summary plus
 *   the log after it; inbox lists read the summaries of marked conversations from their log
 *   (on any node, so a summary held by another node is read right too); badge counts read
 *   the log.
 * - A summary write never replaces a newer one (`last_seq < :lastSeq`), so a late flush, a
 *   repair beside a live owner or a retried one is harmless.
 * - Any other write (status, assignment, escalation) carries the whole summary at once.
 * - Analytics marks (issue 19) follow the summary: an append written behind leaves its mark to
 *   the flush (or the repair) that writes its summary, one per conversation per flush.
 */
import type { ConversationWrite } from '../actors/ports.ts'
import type { Projection } from './repos/patches.ts'
import { ConversationWriter, projectionWrite, type PlannedWrite } from './repos/writes.ts'

/** Most summaries one flush unit carries (see WriteBehind's flush). */
export const FLUSH_CHUNK = 64

export interface WriteBehindOptions {
  /** Longest a summary is held, in ms; 0 writes every summary with its append. */
  flushMs: number
  /** Milliseconds since the epoch. */
  now?: () => number
}

/** The summary fields the log determines, from a full update. */
function projectionOf(
  id: string,
  update: NonNullable<ConversationWrite['update']>,
): Projection | null {
  const { lastSeq, lastMessageAt, hasUnansweredIncoming, waitingSince, updatedAt } = update
  if (lastSeq === undefined) return null
  return { id, lastSeq, lastMessageAt, hasUnansweredIncoming, waitingSince, updatedAt }
}

export class WriteBehind {
  readonly #submit: (unit: PlannedWrite) => Promise<void>
  readonly #flushMs: number
  readonly #now: () => number
  /** The newest summary of each conversation that is not written yet. */
  readonly #held = new Map<string, Projection>()
  /** Since when each held conversation has appends not marked for analytics (ms). */
  readonly #since = new Map<string, number>()
  #timer: ReturnType<typeof setTimeout> | null = null
  /** The flush in flight, if any. */
  #flushing: Promise<void> | null = null

  constructor(submit: (unit: PlannedWrite) => Promise<void>, options: WriteBehindOptions) {
    if (!Number.isInteger(options.flushMs) || options.flushMs < 0) {
      throw new RangeError('flushMs must be a non-negative integer')
    }
    this.#submit = submit
    this.#flushMs = options.flushMs
    this.#now = options.now ?? Date.now
  }

  /** Summaries held now (for /metrics and tests). */
  get held(): number {
    return this.#held.size
  }

  /** Commits one conversation write; resolves once it is durable (its summary maybe held). */
  async write(write: ConversationWrite): Promise<void> {
    const planned = ConversationWriter.plan(write)
    const id = write.conversationId
    const projection = write.update ? projectionOf(id, write.update) : null
    if (this.#flushMs > 0 && write.summaryFollowsLog && !write.create && projection) {
      // The log append and its mark, now; the summary and the analytics mark later.
      const now = this.#now()
      planned.updates = []
      planned.marks = [{ conversationId: id, markedAt: now }]
      planned.analytics = []
      await this.#submit(planned)
      if (!this.#since.has(id)) this.#since.set(id, now)
      this.#hold(projection)
      return
    }
    // The whole summary goes with this write (what is held for it is older), and so does the
    // mark of an earlier append, unless a later event keeps it.
    const seq = write.update?.lastSeq ?? write.create?.lastSeq
    if (seq !== undefined && !write.create) planned.settles = [id]
    await this.#submit(planned)
    const held = this.#held.get(id)
    if (held && seq !== undefined && held.lastSeq <= seq) {
      this.#held.delete(id)
      // This write marked its conversation for analytics itself (ConversationWriter.plan),
      // which covers the appends held before it.
      this.#since.delete(id)
    }
  }

  /** Writes every held summary now; resolves when they (and the appends before) are durable. */
  settle(): Promise<void> {
    if (this.#held.size === 0) return this.#flushing ?? Promise.resolve()
    return this.#flush()
  }

  /** Writes what is held, then refuses nothing but keeps no timer (the store is closing). */
  async close(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    await this.settle()
  }

  #hold(projection: Projection): void {
    const held = this.#held.get(projection.id)
    if (held && held.lastSeq >= projection.lastSeq) return
    this.#held.set(projection.id, projection)
    if (this.#timer === null && this.#flushing === null) {
      this.#timer = setTimeout(() => void this.#flush().catch(() => {}), this.#flushMs)
    }
  }

  /**
   * Every held summary, in units of at most FLUSH_CHUNK, each submitted once the one before
   * committed: a summary write joins the group commit's next transaction with whatever messages
   * are queued then, so no transaction carries more than a chunk of them and no message waits
   * behind a whole flush (a thousand summaries are ~10 ms of writer work). A chunk that fails is
   * held again with every chunk after it, unless a newer summary came.
   */
  #flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    const previous = this.#flushing ?? Promise.resolve()
    const taken = [...this.#held.values()]
    this.#held.clear()
    const marks = taken.map((p) => ({
      conversationId: p.id,
      markedAt: this.#since.get(p.id) ?? this.#now(),
    }))
    for (const p of taken) this.#since.delete(p.id)
    const run = previous
      .catch(() => {})
      .then(async () => {
        for (let from = 0; from < taken.length; from += FLUSH_CHUNK) {
          const chunk = taken.slice(from, from + FLUSH_CHUNK)
          try {
            await this.#submit(
              projectionWrite(
                chunk,
                chunk.map((p) => p.id),
                marks.slice(from, from + FLUSH_CHUNK),
              ),
            )
          } catch (error) {
            for (const m of marks.slice(from))
              if (!this.#since.has(m.conversationId)) this.#since.set(m.conversationId, m.markedAt)
            for (const p of taken.slice(from)) this.#hold(p)
            throw error
          }
        }
      })
    const flushing = run.finally(() => {
      if (this.#flushing === flushing) this.#flushing = null
      // Summaries held while this flush ran wait for a timer of their own.
      if (this.#held.size > 0 && this.#timer === null && this.#flushing === null) {
        this.#timer = setTimeout(() => void this.#flush().catch(() => {}), this.#flushMs)
      }
    })
    this.#flushing = flushing
    return flushing
  }
}
