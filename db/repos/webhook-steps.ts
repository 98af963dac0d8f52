/**
 * The webhook dispatcher's writes as steps of a group-committed transaction (issue 17): new
 * deliveries with the advance of their outbox marks, and the outcomes of attempts. They go
 * through the same group commit as the conversation writes (on SQLite the writer thread), so
 * they share its transactions instead of contending with it for the write lock.
 */
import { and, eq, lt, lte, or, sql } from 'drizzle-orm'
import type { WebhookAttempt, WebhookDeferral } from '../../actors/ports.ts'
import { WEBHOOK_SNIPPET_LENGTH } from '../../protocol/webhooks.ts'
import { insertStep, queryStep, type SqlDialect, type Step } from '../sql/dialect.ts'
import { bound, field, insertInto, param, remove, update } from '../sql/statements.ts'
import type { Rows } from '../sql/tables.ts'

/** What one dispatcher write changes, as plain data (it may cross to the writer thread). */
export interface WebhookOps {
  /** New deliveries; one already stored is left as it is. */
  deliveries: Rows['webhookDeliveries'][]
  /** Outbox marks fanned out up to `covered`: gone, unless a later write renewed them. */
  settles: { conversationId: string; covered: number }[]
  /** Outcomes of pending rows' attempts (their rows and their endpoints' health). */
  attempts: WebhookAttempt[]
  /** Attempts whose rows are stored with `deliveries`: their endpoints' health only. */
  health: WebhookAttempt[]
  deferrals: WebhookDeferral[]
}

export class WebhookSteps {
  readonly #insertDelivery = insertInto('webhookDeliveries', { doNothing: true })
  readonly #settleMark
  readonly #advanceMark
  readonly #attempt
  readonly #cancel
  readonly #defer
  readonly #succeeded
  readonly #failedOnce
  readonly #exhausted

  constructor(db: SqlDialect) {
    const { webhookEndpoints: w, webhookOutbox: o, webhookDeliveries: d } = db.tables
    // Gone only if no later write renewed it; otherwise its first unsent event moves on.
    this.#settleMark = remove(
      'webhookOutbox',
      and(eq(o.conversationId, param('conversationId')), lte(o.seq, param('covered'))),
      { id: field(o.conversationId) },
    )
    this.#advanceMark = update(
      'webhookOutbox',
      { fromSeq: bound('next') },
      and(eq(o.conversationId, param('conversationId')), lt(o.fromSeq, param('next'))),
      { id: field(o.conversationId) },
    )
    const pendingRow = and(
      eq(d.endpointId, param('endpointId')),
      eq(d.eventId, param('eventId')),
      eq(d.status, 'pending'),
    )
    // An attempt's outcome, only on a row still pending (an erasure may have cancelled it).
    this.#attempt = update(
      'webhookDeliveries',
      {
        status: bound('status'),
        attempts: sql`${d.attempts} + 1`,
        lastAttemptAt: bound('at'),
        nextAttemptAt: bound('nextAttemptAt'),
        deliveredAt: bound('deliveredAt'),
        responseStatus: bound('responseStatus'),
        responseMs: bound('responseMs'),
        responseSnippet: bound('responseSnippet'),
        error: bound('error'),
        // The body goes once nothing will send it again.
        body: sql`case when ${bound('status')} = 'pending' then ${d.body} else null end`,
      },
      pendingRow,
      { id: field(d.eventId) },
    )
    this.#cancel = update(
      'webhookDeliveries',
      { status: 'cancelled', body: null, nextAttemptAt: null, error: bound('error') },
      pendingRow,
      { id: field(d.eventId) },
    )
    this.#defer = update(
      'webhookDeliveries',
      { nextAttemptAt: bound('until') },
      and(pendingRow, lt(d.nextAttemptAt, param('until'))),
      { id: field(d.eventId) },
    )
    const endpointIs = eq(w.id, param('id'))
    this.#succeeded = update(
      'webhookEndpoints',
      { lastSuccessAt: bound('at'), failingSince: null },
      and(endpointIs, or(sql`${w.lastSuccessAt} is null`, lt(w.lastSuccessAt, param('at')))),
      { id: field(w.id) },
    )
    this.#failedOnce = update(
      'webhookEndpoints',
      { lastFailureAt: bound('at'), lastError: bound('error') },
      and(endpointIs, or(sql`${w.lastFailureAt} is null`, lte(w.lastFailureAt, param('at')))),
      { id: field(w.id) },
    )
    this.#exhausted = update(
      'webhookEndpoints',
      { failingSince: bound('at') },
      and(endpointIs, sql`${w.failingSince} is null`),
      { id: field(w.id) },
    )
  }

  /** The steps of every op, deliveries first (a settle must not lose a mark they did not cover). */
  steps(ops: readonly WebhookOps[]): Step[] {
    if (ops.length === 0) return []
    const steps: Step[] = [
      ...insertStep(
        this.#insertDelivery,
        ops.flatMap((o) => o.deliveries),
      ),
    ]
    for (const { conversationId, covered } of ops.flatMap((o) => o.settles)) {
      const params = { conversationId, covered, next: covered + 1 }
      steps.push(queryStep(this.#settleMark, params), queryStep(this.#advanceMark, params))
    }
    for (const a of ops.flatMap((o) => o.attempts)) {
      const key = { endpointId: a.endpointId, eventId: a.eventId }
      if (a.outcome === 'cancelled') {
        steps.push(queryStep(this.#cancel, { ...key, error: a.error }))
        continue
      }
      steps.push(
        queryStep(this.#attempt, {
          ...key,
          status: a.outcome,
          at: a.at,
          nextAttemptAt: a.outcome === 'pending' ? a.nextAttemptAt : null,
          deliveredAt: a.outcome === 'delivered' ? a.at : null,
          responseStatus: a.responseStatus,
          responseMs: a.responseMs,
          responseSnippet: a.responseSnippet?.slice(0, WEBHOOK_SNIPPET_LENGTH) ?? null,
          error: a.error,
        }),
      )
    }
    // Each endpoint's health once per batch: its latest success and its latest failure.
    const health = new Map<
      string,
      { success?: number; failure?: WebhookAttempt; exhausted?: number }
    >()
    for (const a of ops.flatMap((o) => [...o.attempts, ...o.health])) {
      if (a.outcome === 'cancelled') continue
      const h = health.get(a.endpointId) ?? {}
      if (a.outcome === 'delivered') h.success = Math.max(h.success ?? 0, a.at)
      else {
        if (!h.failure || h.failure.at <= a.at) h.failure = a
        if (a.outcome === 'failed') h.exhausted = Math.min(h.exhausted ?? a.at, a.at)
      }
      health.set(a.endpointId, h)
    }
    for (const [id, h] of health) {
      if (h.failure) {
        steps.push(queryStep(this.#failedOnce, { id, at: h.failure.at, error: h.failure.error }))
      }
      if (h.exhausted !== undefined) steps.push(queryStep(this.#exhausted, { id, at: h.exhausted }))
      // After the failures: a success later than the exhaustion ends `failing`.
      if (h.success !== undefined && (h.exhausted === undefined || h.success > h.exhausted)) {
        steps.push(queryStep(this.#succeeded, { id, at: h.success }))
      }
    }
    for (const f of ops.flatMap((o) => o.deferrals)) steps.push(queryStep(this.#defer, { ...f }))
    return steps
  }
}
