/** Branches (R1): the teams of an inbox, their members, and where their conversations go. */
import { and, asc, eq, notInArray } from 'drizzle-orm'
import { ALWAYS_OPEN } from '../../actors/inbox/schedule.ts'
import {
  DEFAULT_BRANCH_SETTINGS,
  type BranchRecord,
  type BranchStore,
  type InboxRecord,
} from '../../actors/ports.ts'
import { ParleyError } from '../../protocol/index.ts'
import { insertStep, queryStep, type SqlDialect } from '../sql/dialect.ts'
import {
  field,
  insertInto,
  param,
  remove,
  selectFields,
  selectRows,
  update,
  updateRows,
} from '../sql/statements.ts'
import type { Rows } from '../sql/tables.ts'
import { asConflict } from './conflicts.ts'
import { requireOperators } from './directory.ts'

/** An inbox's first branch: same id, always open, every later setting at its default. */
export function defaultBranch(inbox: Pick<InboxRecord, 'id' | 'createdAt'>): BranchRecord {
  return {
    id: inbox.id,
    inboxId: inbox.id,
    name: 'Main',
    schedule: ALWAYS_OPEN,
    settings: { ...DEFAULT_BRANCH_SETTINGS },
    createdAt: inbox.createdAt,
    updatedAt: inbox.createdAt,
  }
}

function toBranch(row: Rows['branches']): BranchRecord {
  return {
    id: row.id,
    inboxId: row.inboxId,
    name: row.name,
    schedule: row.schedule,
    // Settings added since the row was written read as their defaults.
    settings: { ...DEFAULT_BRANCH_SETTINGS, ...row.settings },
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }
}

export class SqlBranchStore implements BranchStore {
  readonly #insert = insertInto('branches')
  readonly #addMembers = insertInto('branchMembers', { doNothing: true })
  readonly #addInboxMembers = insertInto('inboxMembers', { doNothing: true })
  readonly #get
  readonly #list
  readonly #members
  readonly #branchesOf
  readonly #memberships

  constructor(private readonly db: SqlDialect) {
    const { branches: b, branchMembers: bm } = db.tables
    this.#get = selectRows('branches', { where: eq(b.id, param('id')) })
    this.#list = selectRows('branches', {
      where: eq(b.inboxId, param('inboxId')),
      orderBy: [asc(b.name), asc(b.id)],
    })
    this.#members = selectFields({ operatorId: field(bm.operatorId) }, 'branchMembers', {
      where: eq(bm.branchId, param('branchId')),
      orderBy: [asc(bm.operatorId)],
    })
    this.#branchesOf = selectFields({ branchId: field(bm.branchId) }, 'branchMembers', {
      where: eq(bm.operatorId, param('operatorId')),
      orderBy: [asc(bm.branchId)],
    })
    this.#memberships = selectFields(
      { branchId: field(bm.branchId), operatorId: field(bm.operatorId) },
      'branchMembers',
      {
        leftJoin: { table: 'branches', on: eq(bm.branchId, b.id) },
        where: eq(b.inboxId, param('inboxId')),
        orderBy: [asc(bm.branchId), asc(bm.operatorId)],
      },
    )
  }

  async create(branch: BranchRecord): Promise<void> {
    const i = this.db.tables.inboxes
    const inbox = selectFields({ id: field(i.id) }, 'inboxes', { where: eq(i.id, branch.inboxId) })
    try {
      await this.db.transaction([
        queryStep(inbox, {}, (rows) => {
          if (rows.length === 0)
            throw new ParleyError('not_found', `inbox ${branch.inboxId} not found`)
        }),
        ...insertStep(this.#insert, [branch]),
      ])
    } catch (error) {
      throw asConflict(this.db, error, 'a branch with this id already exists')
    }
  }

  async get(id: string): Promise<BranchRecord | null> {
    const [row] = await this.db.all(this.#get, { id })
    return row ? toBranch(row) : null
  }

  async list(inboxId: string): Promise<BranchRecord[]> {
    return (await this.db.all(this.#list, { inboxId })).map(toBranch)
  }

  async update(
    id: string,
    patch: Partial<Pick<BranchRecord, 'name' | 'schedule' | 'settings'>> & { updatedAt: number },
  ): Promise<BranchRecord | null> {
    const b = this.db.tables.branches
    const [row] = await this.db.all(
      updateRows(
        'branches',
        {
          name: patch.name,
          schedule: patch.schedule,
          settings: patch.settings,
          updatedAt: patch.updatedAt,
        },
        eq(b.id, id),
      ),
    )
    return row ? toBranch(row) : null
  }

  /**
   * Its conversations (waiting or not) move to the inbox's default branch with the branch's
   * removal, in one transaction. The default branch itself cannot be deleted (`conflict`).
   */
  async delete(id: string): Promise<{ movedTo: string; moved: string[] } | null> {
    const { branches: b, conversations: c, inboxes: i } = this.db.tables
    const [branch] = await this.db.all(this.#get, { id })
    if (!branch) return null
    const inbox = selectFields({ defaultBranchId: field(i.defaultBranchId) }, 'inboxes', {
      where: eq(i.id, branch.inboxId),
    })
    const movedTo = (await this.db.all(inbox))[0]?.defaultBranchId ?? branch.inboxId
    let removed = false
    let moved: string[] = []
    await this.db.transaction([
      // Checked again inside the transaction: the default may have changed meanwhile.
      queryStep(inbox, {}, (rows) => {
        if ((rows[0]?.defaultBranchId ?? branch.inboxId) !== movedTo || movedTo === id) {
          throw new ParleyError(
            'conflict',
            'the default branch cannot be deleted; choose another default first',
          )
        }
      }),
      queryStep(
        update('conversations', { branchId: movedTo }, eq(c.branchId, id), { id: field(c.id) }),
        {},
        (rows) => {
          moved = rows.map((row) => row.id)
        },
      ),
      queryStep(remove('branches', eq(b.id, id), { id: field(b.id) }), {}, (rows) => {
        removed = rows.length > 0
      }),
    ])
    return removed ? { movedTo, moved } : null
  }

  async members(branchId: string): Promise<string[]> {
    return (await this.db.all(this.#members, { branchId })).map((row) => row.operatorId)
  }

  /** Members that stay keep their row; the rest are removed; newcomers join the inbox too. */
  async setMembers(branchId: string, operatorIds: string[]): Promise<void> {
    const branch = await this.get(branchId)
    if (!branch) throw new ParleyError('not_found', `branch ${branchId} not found`)
    const ids = [...new Set(operatorIds)]
    const bm = this.db.tables.branchMembers
    const createdAt = Date.now()
    await this.db.transaction([
      ...requireOperators(this.db, ids),
      queryStep(
        remove('branchMembers', and(eq(bm.branchId, branchId), notInArray(bm.operatorId, ids)), {
          operatorId: field(bm.operatorId),
        }),
        {},
      ),
      ...insertStep(
        this.#addMembers,
        ids.map((operatorId) => ({ branchId, operatorId, createdAt })),
      ),
      ...insertStep(
        this.#addInboxMembers,
        ids.map((operatorId) => ({ inboxId: branch.inboxId, operatorId, createdAt })),
      ),
    ])
  }

  async branchesOf(operatorId: string): Promise<string[]> {
    return (await this.db.all(this.#branchesOf, { operatorId })).map((row) => row.branchId)
  }

  async memberships(inboxId: string): Promise<Array<{ branchId: string; operatorId: string }>> {
    return this.db.all(this.#memberships, { inboxId })
  }
}
