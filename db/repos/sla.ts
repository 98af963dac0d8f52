/** SLA policies of inboxes (issue 20, protocol/sla.ts); conversations carry what they run under. */
import { asc, eq } from 'drizzle-orm'
import type { SlaStore } from '../../actors/ports.ts'
import type { SlaPolicy } from '../../protocol/sla.ts'
import { inboxCapSteps } from './inbox-cap.ts'
import { insertStep, type SqlDialect } from '../sql/dialect.ts'
import { field, insertInto, param, remove, selectRows, updateRows } from '../sql/statements.ts'

export class SqlSlaStore implements SlaStore {
  readonly #insert = insertInto('slaPolicies')
  readonly #get
  readonly #list

  constructor(private readonly db: SqlDialect) {
    const p = db.tables.slaPolicies
    this.#get = selectRows('slaPolicies', { where: eq(p.id, param('id')) })
    this.#list = selectRows('slaPolicies', {
      where: eq(p.inboxId, param('inboxId')),
      orderBy: [asc(p.name), asc(p.id)],
    })
  }

  async list(inboxId: string): Promise<SlaPolicy[]> {
    return this.db.all(this.#list, { inboxId })
  }

  async get(id: string): Promise<SlaPolicy | null> {
    const [row] = await this.db.all(this.#get, { id })
    return row ?? null
  }

  async create(policy: SlaPolicy, max: number): Promise<void> {
    const p = this.db.tables.slaPolicies
    const counted = { table: 'slaPolicies' as const, where: eq(p.inboxId, policy.inboxId) }
    await this.db.transaction([
      ...inboxCapSteps(this.db, policy.inboxId, counted, max, 'SLA policies'),
      ...insertStep(this.#insert, [policy]),
    ])
  }

  async update(
    id: string,
    patch: Partial<Omit<SlaPolicy, 'id' | 'inboxId' | 'createdAt'>>,
  ): Promise<SlaPolicy | null> {
    const p = this.db.tables.slaPolicies
    const [row] = await this.db.all(updateRows('slaPolicies', patch, eq(p.id, id)))
    return row ?? null
  }

  async delete(id: string): Promise<boolean> {
    const p = this.db.tables.slaPolicies
    const gone = await this.db.all(remove('slaPolicies', eq(p.id, id), { id: field(p.id) }))
    return gone.length > 0
  }
}
