/**
 * WebhookStore (issue 17, I1): endpoints, the outbox marks the conversation writes leave, and
 * the delivery log the dispatcher (server/webhooks/dispatcher.ts) works through.
 */
import { and, asc, count, desc, eq, inArray, lt, lte, min, ne, or } from 'drizzle-orm'
import type {
  OutboxMark,
  WebhookAttempt,
  WebhookDeferral,
  WebhookDeliveryRecord,
  WebhookEndpointRecord,
  WebhookStore,
} from '../../actors/ports.ts'
import { ParleyError } from '../../protocol/index.ts'
import type { WebhookDeliveryStatus } from '../../protocol/webhooks.ts'
import { insertStep, queryStep, type SqlDialect } from '../sql/dialect.ts'
import { webhookWrite, type PlannedWrite } from './writes.ts'
import {
  field,
  insertInto,
  param,
  remove,
  selectFields,
  selectRows,
  updateRows,
} from '../sql/statements.ts'

export class SqlWebhookStore implements WebhookStore {
  readonly #insertEndpoint = insertInto('webhookEndpoints')
  readonly #insertDelivery = insertInto('webhookDeliveries', { doNothing: true })
  readonly #endpoint
  readonly #endpointsOf
  readonly #allEndpoints
  readonly #marks
  readonly #due
  readonly #nextDue
  readonly #delivery

  constructor(
    private readonly db: SqlDialect,
    /** Commits a planned write in the group commit (with the conversation writes). */
    private readonly submit: (unit: PlannedWrite) => Promise<void>,
  ) {
    const { webhookEndpoints: w, webhookOutbox: o, webhookDeliveries: d } = db.tables
    this.#endpoint = selectRows('webhookEndpoints', { where: eq(w.id, param('id')) })
    this.#endpointsOf = selectRows('webhookEndpoints', {
      where: eq(w.inboxId, param('inboxId')),
      orderBy: [asc(w.createdAt), asc(w.id)],
    })
    this.#allEndpoints = selectRows('webhookEndpoints', {
      orderBy: [asc(w.createdAt), asc(w.id)],
    })
    this.#marks = selectRows('webhookOutbox', {
      orderBy: [asc(o.markedAt), asc(o.conversationId)],
      limit: param('limit'),
    })
    // webhook_deliveries_due: pending rows by due time.
    this.#due = selectRows('webhookDeliveries', {
      where: and(eq(d.status, 'pending'), lte(d.nextAttemptAt, param('now'))),
      orderBy: [asc(d.nextAttemptAt)],
      limit: param('limit'),
    })
    this.#nextDue = selectFields({ at: min(d.nextAttemptAt) }, 'webhookDeliveries', {
      where: eq(d.status, 'pending'),
    })
    this.#delivery = selectRows('webhookDeliveries', {
      where: and(eq(d.endpointId, param('endpointId')), eq(d.eventId, param('eventId'))),
    })
  }

  listEndpoints(inboxId: string | null): Promise<WebhookEndpointRecord[]> {
    return inboxId === null
      ? this.db.all(this.#allEndpoints)
      : this.db.all(this.#endpointsOf, { inboxId })
  }

  async getEndpoint(id: string): Promise<WebhookEndpointRecord | null> {
    const [row] = await this.db.all(this.#endpoint, { id })
    return row ?? null
  }

  /** The inbox row is read for update first: concurrent creates take turns, so `max` holds. */
  async createEndpoint(endpoint: WebhookEndpointRecord, max: number): Promise<void> {
    const { inboxes: i, webhookEndpoints: w } = this.db.tables
    await this.db.transaction([
      queryStep(
        selectFields({ id: field(i.id) }, 'inboxes', {
          where: eq(i.id, endpoint.inboxId),
          forUpdate: true,
        }),
        {},
        (rows) => {
          if (rows.length === 0) throw new ParleyError('not_found', 'inbox not found')
        },
      ),
      queryStep(
        selectFields({ n: count() }, 'webhookEndpoints', {
          where: eq(w.inboxId, endpoint.inboxId),
        }),
        {},
        (rows) => {
          if ((rows[0]?.n ?? 0) >= max) {
            throw new ParleyError('validation_failed', `at most ${max} webhook endpoints per inbox`)
          }
        },
      ),
      ...insertStep(this.#insertEndpoint, [endpoint]),
    ])
  }

  async updateEndpoint(
    id: string,
    patch: Partial<Omit<WebhookEndpointRecord, 'id' | 'inboxId' | 'createdAt'>>,
  ): Promise<WebhookEndpointRecord | null> {
    const w = this.db.tables.webhookEndpoints
    const [row] = await this.db.all(updateRows('webhookEndpoints', { ...patch }, eq(w.id, id)))
    return row ?? null
  }

  async deleteEndpoint(id: string): Promise<boolean> {
    const { webhookEndpoints: w, webhookDeliveries: d } = this.db.tables
    const removed: unknown[] = []
    await this.db.transaction([
      queryStep(remove('webhookDeliveries', eq(d.endpointId, id), { id: field(d.eventId) }), {}),
      queryStep(remove('webhookEndpoints', eq(w.id, id), { id: field(w.id) }), {}, (rows) => {
        removed.push(...rows)
      }),
    ])
    return removed.length > 0
  }

  async pendingCounts(endpointIds: readonly string[]): Promise<Map<string, number>> {
    if (endpointIds.length === 0) return new Map()
    const d = this.db.tables.webhookDeliveries
    const rows = await this.db.all(
      selectFields({ id: field(d.endpointId), n: count() }, 'webhookDeliveries', {
        where: and(inArray(d.endpointId, [...endpointIds]), eq(d.status, 'pending')),
        groupBy: [field(d.endpointId)],
      }),
    )
    return new Map(rows.map((r) => [r.id, Number(r.n)]))
  }

  marks(limit: number): Promise<OutboxMark[]> {
    return this.db.all(this.#marks, { limit })
  }

  async fanOut(
    marks: readonly { conversationId: string; covered: number }[],
    deliveries: readonly WebhookDeliveryRecord[],
    attempts: readonly WebhookAttempt[],
  ): Promise<void> {
    if (marks.length === 0 && deliveries.length === 0) return
    await this.submit(
      webhookWrite({
        deliveries: [...deliveries],
        settles: [...marks],
        attempts: [],
        health: [...attempts],
        deferrals: [],
      }),
    )
  }

  queue(
    endpointId: string,
    conversationId: string,
    limit: number,
  ): Promise<WebhookDeliveryRecord[]> {
    const d = this.db.tables.webhookDeliveries
    // webhook_deliveries_queue.
    return this.db.all(
      selectRows('webhookDeliveries', {
        where: and(
          eq(d.conversationId, conversationId),
          eq(d.endpointId, endpointId),
          eq(d.status, 'pending'),
        ),
        orderBy: [asc(d.seq), asc(d.eventId)],
        limit,
      }),
    )
  }

  due(now: number, limit: number): Promise<WebhookDeliveryRecord[]> {
    return this.db.all(this.#due, { now, limit })
  }

  async heads(conversationIds: readonly string[]): Promise<Map<string, WebhookDeliveryRecord>> {
    const heads = new Map<string, WebhookDeliveryRecord>()
    if (conversationIds.length === 0) return heads
    const d = this.db.tables.webhookDeliveries
    // webhook_deliveries_queue: the pending rows of these conversations, by endpoint and seq.
    const firsts = await this.db.all(
      selectFields(
        {
          conversationId: field(d.conversationId),
          endpointId: field(d.endpointId),
          seq: min(d.seq),
        },
        'webhookDeliveries',
        {
          where: and(inArray(d.conversationId, [...conversationIds]), eq(d.status, 'pending')),
          groupBy: [field(d.conversationId), field(d.endpointId)],
        },
      ),
    )
    if (firsts.length === 0) return heads
    const rows = await this.db.all(
      selectRows('webhookDeliveries', {
        where: and(
          eq(d.status, 'pending'),
          or(
            ...firsts.map((f) =>
              and(
                eq(d.conversationId, f.conversationId ?? ''),
                eq(d.endpointId, f.endpointId),
                eq(d.seq, Number(f.seq)),
              ),
            ),
          ),
        ),
        orderBy: [asc(d.eventId)],
      }),
    )
    for (const row of rows) {
      const key = `${row.endpointId} ${row.conversationId}`
      if (!heads.has(key)) heads.set(key, row)
    }
    return heads
  }

  async nextDue(): Promise<number | null> {
    const [row] = await this.db.all(this.#nextDue)
    return row?.at ?? null
  }

  async record(
    attempts: readonly WebhookAttempt[],
    deferrals: readonly WebhookDeferral[],
  ): Promise<void> {
    if (attempts.length === 0 && deferrals.length === 0) return
    await this.submit(
      webhookWrite({
        deliveries: [],
        settles: [],
        attempts: [...attempts],
        health: [],
        deferrals: [...deferrals],
      }),
    )
  }

  deliveries(
    endpointId: string,
    opts: {
      status?: WebhookDeliveryStatus
      before?: { createdAt: number; eventId: string }
      limit: number
    },
  ): Promise<WebhookDeliveryRecord[]> {
    const d = this.db.tables.webhookDeliveries
    const { before } = opts
    return this.db.all(
      selectRows('webhookDeliveries', {
        where: and(
          eq(d.endpointId, endpointId),
          opts.status ? eq(d.status, opts.status) : undefined,
          before
            ? or(
                lt(d.createdAt, before.createdAt),
                and(eq(d.createdAt, before.createdAt), lt(d.eventId, before.eventId)),
              )
            : undefined,
        ),
        orderBy: [desc(d.createdAt), desc(d.eventId)],
        limit: opts.limit,
      }),
    )
  }

  async getDelivery(endpointId: string, eventId: string): Promise<WebhookDeliveryRecord | null> {
    const [row] = await this.db.all(this.#delivery, { endpointId, eventId })
    return row ?? null
  }

  async insertDelivery(delivery: WebhookDeliveryRecord): Promise<void> {
    await this.db.transaction(insertStep(this.#insertDelivery, [delivery]))
  }

  async requeue(
    endpointId: string,
    eventId: string,
    body: string,
    now: number,
  ): Promise<WebhookDeliveryRecord | null> {
    const d = this.db.tables.webhookDeliveries
    const [row] = await this.db.all(
      updateRows(
        'webhookDeliveries',
        { status: 'pending', body, nextAttemptAt: now, createdAt: now, error: null },
        and(eq(d.endpointId, endpointId), eq(d.eventId, eventId)),
      ),
    )
    return row ?? null
  }

  async prune(before: number, limit: number): Promise<number> {
    const { webhookEndpoints: w, webhookDeliveries: d } = this.db.tables
    const endpoints = await this.db.all(selectFields({ id: field(w.id) }, 'webhookEndpoints'))
    let removed = 0
    for (const { id } of endpoints) {
      if (removed >= limit) break
      // webhook_deliveries_log: the endpoint's oldest rows first.
      const old = await this.db.all(
        selectFields({ eventId: field(d.eventId) }, 'webhookDeliveries', {
          where: and(eq(d.endpointId, id), lt(d.createdAt, before), ne(d.status, 'pending')),
          orderBy: [asc(d.createdAt)],
          limit: limit - removed,
        }),
      )
      if (old.length === 0) continue
      const gone = await this.db.all(
        remove(
          'webhookDeliveries',
          and(
            eq(d.endpointId, id),
            inArray(
              d.eventId,
              old.map((r) => r.eventId),
            ),
            ne(d.status, 'pending'),
          ),
          { id: field(d.eventId) },
        ),
      )
      removed += gone.length
    }
    return removed
  }
}
