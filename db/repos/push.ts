/** Web Push (issue 20): the installation's VAPID keys, operators' subscriptions, the outbox. */
import { and, asc, eq, inArray, lte } from 'drizzle-orm'
import type { PushDelivery, PushStore, PushSubscriptionRecord } from '../../actors/ports.ts'
import type { SqlDialect } from '../sql/dialect.ts'
import {
  field,
  insertInto,
  param,
  remove,
  selectFields,
  selectRows,
  updateRows,
} from '../sql/statements.ts'

export class SqlPushStore implements PushStore {
  readonly #key
  readonly #ofOperator
  readonly #due

  constructor(private readonly db: SqlDialect) {
    const { serverKeys: k, pushSubscriptions: s, pushOutbox: o } = db.tables
    this.#key = selectRows('serverKeys', { where: eq(k.name, param('name')) })
    this.#ofOperator = selectRows('pushSubscriptions', {
      where: eq(s.operatorId, param('operatorId')),
      orderBy: [asc(s.createdAt), asc(s.id)],
    })
    this.#due = selectFields(
      {
        id: field(o.id),
        subscriptionId: field(o.subscriptionId),
        payload: field(o.payload),
        attempts: field(o.attempts),
        createdAt: field(o.createdAt),
        endpoint: field(s.endpoint),
        p256dh: field(s.p256dh),
        auth: field(s.auth),
        sessionHash: field(s.sessionHash),
      },
      'pushOutbox',
      {
        leftJoin: { table: 'pushSubscriptions', on: eq(s.id, o.subscriptionId) },
        where: lte(o.nextAt, param('now')),
        orderBy: [asc(o.nextAt), asc(o.id)],
        limit: param('limit'),
      },
    )
  }

  async serverKey(name: string, make: () => string, at: number): Promise<string> {
    const [found] = await this.db.all(this.#key, { name })
    if (found) return found.value
    // Two nodes at once: the first insert wins, both read what it wrote.
    await this.db.insert(insertInto('serverKeys', { doNothing: true }), [
      { name, value: make(), createdAt: at },
    ])
    const [stored] = await this.db.all(this.#key, { name })
    if (!stored) throw new Error(`server key ${name} was not stored`)
    return stored.value
  }

  async subscribe(sub: PushSubscriptionRecord): Promise<PushSubscriptionRecord> {
    // One browser is one endpoint: signing in there as someone else moves it to them.
    await this.db.insert(
      insertInto('pushSubscriptions', {
        target: ['endpoint'],
        set: {
          operatorId: sub.operatorId,
          p256dh: sub.p256dh,
          auth: sub.auth,
          sessionHash: sub.sessionHash,
        },
      }),
      [sub],
    )
    const s = this.db.tables.pushSubscriptions
    const [row] = await this.db.all(
      selectRows('pushSubscriptions', { where: eq(s.endpoint, sub.endpoint) }),
    )
    if (!row) throw new Error('the subscription was not stored')
    return row
  }

  list(operatorId: string): Promise<PushSubscriptionRecord[]> {
    return this.db.all(this.#ofOperator, { operatorId })
  }

  async unsubscribe(operatorId: string, id: string): Promise<boolean> {
    const s = this.db.tables.pushSubscriptions
    const gone = await this.db.all(
      remove('pushSubscriptions', and(eq(s.id, id), eq(s.operatorId, operatorId)), {
        id: field(s.id),
      }),
    )
    return gone.length > 0
  }

  async removeSubscription(id: string): Promise<void> {
    const s = this.db.tables.pushSubscriptions
    await this.db.all(remove('pushSubscriptions', eq(s.id, id), { id: field(s.id) }))
  }

  async removeAll(operatorId: string): Promise<number> {
    const s = this.db.tables.pushSubscriptions
    const gone = await this.db.all(
      remove('pushSubscriptions', eq(s.operatorId, operatorId), { id: field(s.id) }),
    )
    return gone.length
  }

  async queue(
    operatorIds: readonly string[],
    payload: string,
    at: number,
    newId: () => string,
  ): Promise<number> {
    const subs = (await Promise.all(operatorIds.map((id) => this.list(id)))).flat()
    if (subs.length === 0) return 0
    await this.db.insert(
      insertInto('pushOutbox'),
      subs.map((s) => ({
        id: newId(),
        subscriptionId: s.id,
        payload,
        attempts: 0,
        nextAt: at,
        createdAt: at,
      })),
    )
    return subs.length
  }

  async due(now: number, limit: number): Promise<PushDelivery[]> {
    const rows = await this.db.all(this.#due, { now, limit })
    const hashes = [...new Set(rows.flatMap((r) => (r.sessionHash ? [r.sessionHash] : [])))]
    const x = this.db.tables.operatorSessions
    const sessions =
      hashes.length === 0
        ? []
        : await this.db.all(
            selectFields(
              { hash: field(x.tokenHash), expiresAt: field(x.expiresAt) },
              'operatorSessions',
              {
                where: inArray(x.tokenHash, hashes),
              },
            ),
          )
    const expiry = new Map(sessions.map((r) => [r.hash, r.expiresAt]))
    return rows.flatMap(({ sessionHash, ...r }) =>
      r.endpoint === null || r.p256dh === null || r.auth === null || sessionHash === null
        ? []
        : [
            {
              ...r,
              endpoint: r.endpoint,
              p256dh: r.p256dh,
              auth: r.auth,
              sessionExpiresAt: expiry.get(sessionHash) ?? null,
            },
          ],
    )
  }

  async done(id: string): Promise<void> {
    const o = this.db.tables.pushOutbox
    await this.db.all(remove('pushOutbox', eq(o.id, id), { id: field(o.id) }))
  }

  async retry(id: string, attempts: number, nextAt: number): Promise<void> {
    const o = this.db.tables.pushOutbox
    await this.db.all(updateRows('pushOutbox', { attempts, nextAt }, eq(o.id, id)))
  }
}
