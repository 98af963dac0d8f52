/**
 * The analytics projector (issue 19): counts what the log committed. Each round takes the
 * conversations marked with uncounted events (the mark is committed with the events), folds
 * their log after the stored figures (server/analytics/fold.ts) and writes the new figures,
 * counts, ratings and drill-down events in one transaction that applies only over the figures
 * it read, dropping the marks the figures now cover. So each event is counted exactly once,
 * whatever crashes or runs twice: a round that dies writes nothing, and of two rounds folding
 * the same conversation (two nodes) only the first commits, the other finds its row moved and
 * writes nothing. In a cluster one node runs the rounds at a time (a lock per round).
 */
import type { Schedule } from '../../actors/inbox/schedule.ts'
import type { AnalyticsLogEvent, AnalyticsProjection, Store } from '../../actors/ports.ts'
import { ParleyError } from '../../protocol/index.ts'
import type { Logger } from '../../actors/runtime/log.ts'
import { foldConversation } from './fold.ts'

/**
 * Conversations folded per round (one unit of the group commit). Small, so a round's
 * transaction never holds the chat's commits back for long (k6 V=200 R=5 on one core: rounds of
 * 100 had operators' replies refused `overloaded`).
 */
const ROUND_SIZE = 25
/** Log rows read per page of one conversation. */
const PAGE = 500

/** Where a pass is in the marks' order (time marked, then conversation id). */
export type MarkCursor = { markedAt: number; conversationId: string }

export interface ProjectorDeps {
  store: Store
  log: Logger
}

export class AnalyticsProjector {
  /** Rounds on this node never overlap: each waits for the one before. */
  #queue: Promise<unknown> = Promise.resolve()

  constructor(private readonly deps: ProjectorDeps) {}

  /**
   * One round: folds up to ROUND_SIZE marked conversations, those after `after` in mark order;
   * resolves with how many marks it took and the last one (the next round's `after`).
   */
  round(after: MarkCursor | null = null): Promise<{ taken: number; last: MarkCursor | null }> {
    const next = this.#queue.then(() => this.#round(after))
    this.#queue = next.catch(() => {})
    return next
  }

  /**
   * One pass over the marks there are, each taken once, in rounds with the event loop free in
   * between (the sweeper's work every ANALYTICS_EVERY_MS). A conversation still receiving
   * messages keeps its mark (its log grew meanwhile) and is folded again by the next pass, not
   * over and over by this one. Resolves with the marks taken. A round that lost a race to
   * another node ends the pass (the next retries); one the database refused (busy) is tried
   * again up to five times.
   */
  async pass(maxRounds = 100_000): Promise<number> {
    // Appends whose summaries this process still holds are marked when those are written.
    await this.deps.store.flushSummaries()
    let taken = 0
    let unavailable = 0
    let after: MarkCursor | null = null
    for (let i = 0; i < maxRounds; i++) {
      let round: { taken: number; last: MarkCursor | null }
      try {
        round = await this.round(after)
      } catch (error) {
        if (error instanceof ParleyError && error.code === 'conflict') {
          this.deps.log.warn('analytics: a round lost a race to another node', { error })
          return taken
        }
        // The database busy for a moment (a lock another connection holds): a round writes
        // all or nothing, so the same round simply runs again.
        if (error instanceof ParleyError && error.code === 'unavailable' && ++unavailable <= 5) {
          this.deps.log.warn('analytics: the database is busy; trying again', { error })
          await Bun.sleep(200 * unavailable)
          continue
        }
        throw error
      }
      taken += round.taken
      if (round.last === null) return taken
      after = round.last
      // Between rounds, whatever else waits on this thread (sockets, timers) runs first.
      await new Promise((resolve) => setTimeout(resolve, 0))
    }
    return taken
  }

  /**
   * Passes until no mark is left (tests, the rebuild command, bounded by `maxPasses`): exact
   * once nothing else writes.
   */
  async catchUp(maxPasses = 1000): Promise<number> {
    let taken = 0
    for (let i = 0; i < maxPasses; i++) {
      taken += await this.pass()
      if ((await this.deps.store.analytics.oldestMark()) === null) return taken
    }
    return taken
  }

  async #round(after: MarkCursor | null): Promise<{ taken: number; last: MarkCursor | null }> {
    const { store } = this.deps
    const marks = await store.analytics.marks(ROUND_SIZE, after)
    const last = marks.at(-1)
    if (!last) return { taken: 0, last: null }
    const ids = marks.map((m) => m.conversationId)
    const stored = new Map((await store.analytics.facts(ids)).map((f) => [f.conversationId, f]))
    const schedules = await this.#schedules()
    const projections: AnalyticsProjection[] = []
    for (const id of ids) {
      const before = stored.get(id) ?? null
      const events = await this.#logAfter(id, before?.projectedSeq ?? 0)
      if (events.length === 0) continue
      const projection = foldConversation(before, events, (branchId) =>
        branchId === null ? null : (schedules.get(branchId) ?? null),
      )
      if (projection) projections.push(projection)
      else this.deps.log.warn('analytics: a log without its start is not counted', { id })
    }
    // Marks whose log the stored figures already cover go too (a round that died after its
    // commit): the settle checks the log, not this list.
    await store.analytics.apply(projections, ids)
    return {
      taken: ids.length,
      last: { markedAt: last.markedAt, conversationId: last.conversationId },
    }
  }

  async #logAfter(conversationId: string, afterSeq: number): Promise<AnalyticsLogEvent[]> {
    const events: AnalyticsLogEvent[] = []
    let after = afterSeq
    for (;;) {
      const page = await this.deps.store.analytics.logAfter(conversationId, after, PAGE)
      events.push(...page)
      const last = page.at(-1)
      if (page.length < PAGE || !last) return events
      after = last.seq
    }
  }

  /** Every branch's working hours, read once per round (a handful of rows). */
  async #schedules(): Promise<Map<string, Schedule>> {
    const { store } = this.deps
    const schedules = new Map<string, Schedule>()
    for (const inbox of await store.inboxes.list()) {
      for (const branch of await store.branches.list(inbox.id)) {
        schedules.set(branch.id, branch.schedule)
      }
    }
    return schedules
  }
}
