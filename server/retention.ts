/**
 * Old data ages out (issue 18): the retention job. One round removes what its settings say is
 * too old, in small batches with a yield between them so the event loop (and the chat path)
 * never waits long on it; a round killed halfway is simply finished by the next one (each
 * batch commits on its own, and what a batch removes is chosen again from what is left). In a
 * cluster one node runs each round (the caller passes the cluster's lock).
 *
 * Today: the audit trail, after `AUDIT_RETENTION_DAYS` (0: kept for good); finished webhook
 * deliveries, after `WEBHOOK_LOG_DAYS`; and per inbox, open conversations without a message
 * for `autoResolveAfterDays` are resolved by the system (issue 20, after the inbox's message),
 * resolved conversations idle for `closeResolvedAfterDays` are closed by the system, and
 * closed ones unchanged for `eraseClosedAfterDays` have their content erased (as a
 * data-subject request erases it, server/erasure.ts: counts and durations stay), each through
 * its conversation actor (ordered with everything else that happens to it, and checked again
 * there: one that came back to life meanwhile stays as it is). A visitor none of whose
 * conversations holds anything any more is erased too: their profile was only kept for those.
 */
import type { Clock, Logger, Store } from '../actors/index.ts'
import type { Party } from '../protocol/index.ts'
import { RULE_RUN_KEEP_DAYS } from '../protocol/rules.ts'
import type { Metrics } from './metrics.ts'

/** Who closes and erases conversations for the retention job, as their log records it. */
export const RETENTION_PARTY: Party = { kind: 'system', id: 'retention' }

/** Rows removed per batch: small enough that one commit is brief on either store. */
export const RETENTION_BATCH = 500
/** A round stops after this many batches; the next round goes on. */
const MAX_BATCHES_PER_ROUND = 200

export interface RetentionSettings {
  /** Days an audit entry is kept; 0: for good. */
  auditDays: number
  /** Days a finished webhook delivery stays in its endpoint's log (issue 17); 0: for good. */
  webhookLogDays?: number
}

export interface RetentionReport {
  auditRemoved: number
  /** Open conversations resolved for going without a message (issue 20's auto-resolve). */
  autoResolved: number
  /** Resolved conversations closed for being idle. */
  closed: number
  /** Closed conversations whose content was erased for being old. */
  erased: number
  /** Visitors erased because nothing of their conversations was left. */
  visitorsErased: number
  /** Finished webhook deliveries removed from the delivery log. */
  webhookDeliveriesRemoved: number
  /** Automation rule runs older than RULE_RUN_KEEP_DAYS removed (issue 20). */
  ruleRunsRemoved: number
}

const DAY_MS = 86_400_000

export async function runRetention(
  deps: {
    store: Store
    clock: Clock
    log: Logger
    metrics: Metrics
    /**
     * Resolves a conversation (through its actor) if it is still open, not snoozed and without a
     * message since then, after the text in its language when there is one (issue 20).
     */
    autoResolve: (
      conversationId: string,
      idleSince: number,
      text: { en: string; ru: string },
    ) => Promise<boolean>
    /** Closes a conversation (through its actor) if still resolved and idle since then. */
    closeIdle: (conversationId: string, idleSince: number) => Promise<boolean>
    /** Erases a closed conversation's content (through its actor); false: it was already. */
    eraseConversation: (conversationId: string) => Promise<boolean>
    /** Erases a visitor's profile and voids their tokens (server/erasure.ts). */
    eraseVisitor: (visitorId: string) => Promise<void>
  },
  settings: RetentionSettings,
): Promise<RetentionReport> {
  const report: RetentionReport = {
    auditRemoved: 0,
    autoResolved: 0,
    closed: 0,
    erased: 0,
    visitorsErased: 0,
    webhookDeliveriesRemoved: 0,
    ruleRunsRemoved: 0,
  }
  // Auto-resolve first: what it resolves today is closed by the rule below only once idle.
  for (const inbox of await deps.store.inboxes.list()) {
    const days = inbox.settings.autoResolveAfterDays
    if (!days || days <= 0) continue
    const idleSince = deps.clock.now() - days * DAY_MS
    const text = inbox.settings.autoResolveMessage
    for (let batch = 0; batch < MAX_BATCHES_PER_ROUND; batch++) {
      const ids = await deps.store.queries.openIdleBefore(inbox.id, idleSince, RETENTION_BATCH)
      let resolved = 0
      for (const id of ids) if (await deps.autoResolve(id, idleSince, text)) resolved++
      report.autoResolved += resolved
      // A short batch is the last; one of which nothing was resolved (summaries behind their
      // log, each checked by its actor) would only come back: the next round goes on.
      if (ids.length < RETENTION_BATCH || resolved === 0) break
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
  for (const inbox of await deps.store.inboxes.list()) {
    const days = inbox.settings.closeResolvedAfterDays
    if (!days || days <= 0) continue
    const idleSince = deps.clock.now() - days * DAY_MS
    for (let batch = 0; batch < MAX_BATCHES_PER_ROUND; batch++) {
      const ids = await deps.store.queries.resolvedIdleBefore(inbox.id, idleSince, RETENTION_BATCH)
      let closed = 0
      for (const id of ids) if (await deps.closeIdle(id, idleSince)) closed++
      report.closed += closed
      // A short batch is the last; a batch of which nothing closed would only come back.
      if (ids.length < RETENTION_BATCH || closed === 0) break
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
  for (const inbox of await deps.store.inboxes.list()) {
    const days = inbox.settings.eraseClosedAfterDays
    if (!days || days <= 0) continue
    const before = deps.clock.now() - days * DAY_MS
    for (let batch = 0; batch < MAX_BATCHES_PER_ROUND; batch++) {
      const due = await deps.store.queries.closedBefore(inbox.id, before, RETENTION_BATCH)
      let erased = 0
      const visitors = new Set<string>()
      for (const c of due) {
        if (await deps.eraseConversation(c.id)) erased++
        visitors.add(c.visitorId)
      }
      report.erased += erased
      for (const visitorId of visitors) {
        const left = await deps.store.queries.listVisitorConversations(visitorId)
        if (left.some((c) => c.erasedAt === undefined)) continue
        const visitor = await deps.store.visitors.getById(visitorId)
        if (!visitor || visitor.erasedAt != null) continue
        await deps.eraseVisitor(visitorId)
        report.visitorsErased++
      }
      if (due.length < RETENTION_BATCH || erased === 0) break
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
  if (settings.auditDays > 0) {
    const before = deps.clock.now() - settings.auditDays * DAY_MS
    for (let batch = 0; batch < MAX_BATCHES_PER_ROUND; batch++) {
      const removed = await deps.store.audit.purge(before, RETENTION_BATCH)
      report.auditRemoved += removed
      if (removed < RETENTION_BATCH) break
      // Let sockets and commits waiting on the event loop go first.
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
  const webhookDays = settings.webhookLogDays ?? 0
  if (webhookDays > 0) {
    const before = deps.clock.now() - webhookDays * DAY_MS
    for (let batch = 0; batch < MAX_BATCHES_PER_ROUND; batch++) {
      const removed = await deps.store.webhooks.prune(before, RETENTION_BATCH)
      report.webhookDeliveriesRemoved += removed
      if (removed < RETENTION_BATCH) break
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
  // Automation rules' runs (issue 20), kept RULE_RUN_KEEP_DAYS: the runner never needs older.
  const runsBefore = deps.clock.now() - RULE_RUN_KEEP_DAYS * DAY_MS
  for (let batch = 0; batch < MAX_BATCHES_PER_ROUND; batch++) {
    const removed = await deps.store.rules.prune(runsBefore, RETENTION_BATCH)
    report.ruleRunsRemoved += removed
    if (removed < RETENTION_BATCH) break
    await new Promise((resolve) => setImmediate(resolve))
  }
  if (Object.values(report).some((n) => n > 0)) deps.log.info('retention round', { ...report })
  const help = 'What the retention job removed or closed, by kind (issue 18).'
  deps.metrics.inc(
    'parley_retention_total',
    help,
    { kind: 'audit_entry_removed' },
    report.auditRemoved,
  )
  deps.metrics.inc('parley_retention_total', help, { kind: 'conversation_closed' }, report.closed)
  deps.metrics.inc(
    'parley_retention_total',
    help,
    { kind: 'conversation_auto_resolved' },
    report.autoResolved,
  )
  deps.metrics.inc('parley_retention_total', help, { kind: 'conversation_erased' }, report.erased)
  deps.metrics.inc(
    'parley_retention_total',
    help,
    { kind: 'visitor_erased' },
    report.visitorsErased,
  )
  deps.metrics.inc(
    'parley_retention_total',
    help,
    { kind: 'webhook_delivery_removed' },
    report.webhookDeliveriesRemoved,
  )
  deps.metrics.inc(
    'parley_retention_total',
    help,
    { kind: 'rule_run_removed' },
    report.ruleRunsRemoved,
  )
  return report
}
