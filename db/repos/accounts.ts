/** Operators and their login sessions. */
import { and, asc, count, eq, lte, ne } from 'drizzle-orm'
import type {
  OperatorRecord,
  OperatorStore,
  SessionRecord,
  SessionStore,
} from '../../actors/ports.ts'
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
import type { Rows } from '../sql/tables.ts'
import { insertOrConflict } from './conflicts.ts'

function toOperator(row: Rows['operators']): OperatorRecord {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    displayName: row.displayName,
    avatarId: row.avatarId,
    role: row.role,
    canChat: row.canChat,
    active: row.active,
    status: row.status,
    locale: row.locale ?? null,
    passwordHash: row.passwordHash,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }
}

export class SqlOperatorStore implements OperatorStore {
  readonly #insert = insertInto('operators')
  readonly #byId
  readonly #byEmail
  readonly #list
  readonly #activeAdmins

  constructor(private readonly db: SqlDialect) {
    const o = db.tables.operators
    this.#byId = selectRows('operators', { where: eq(o.id, param('id')) })
    this.#byEmail = selectRows('operators', { where: eq(o.email, param('email')) })
    this.#list = selectRows('operators', { orderBy: [asc(o.name), asc(o.id)] })
    this.#activeAdmins = selectFields({ n: count() }, 'operators', {
      where: and(eq(o.role, 'admin'), eq(o.active, true)),
    })
  }

  create(op: OperatorRecord): Promise<void> {
    const row = { ...op, email: op.email.toLowerCase(), locale: op.locale ?? null }
    return insertOrConflict(this.db, this.#insert, row, 'an operator with this id or email')
  }

  async getById(id: string): Promise<OperatorRecord | null> {
    const [row] = await this.db.all(this.#byId, { id })
    return row ? toOperator(row) : null
  }

  async getByEmail(email: string): Promise<OperatorRecord | null> {
    const [row] = await this.db.all(this.#byEmail, { email: email.toLowerCase() })
    return row ? toOperator(row) : null
  }

  async list(): Promise<OperatorRecord[]> {
    return (await this.db.all(this.#list)).map(toOperator)
  }

  async update(
    id: string,
    patch: Partial<
      Pick<
        OperatorRecord,
        | 'name'
        | 'displayName'
        | 'avatarId'
        | 'role'
        | 'canChat'
        | 'active'
        | 'passwordHash'
        | 'status'
        | 'locale'
      >
    > & {
      updatedAt: number
    },
  ): Promise<OperatorRecord | null> {
    const o = this.db.tables.operators
    // Only the listed fields: a caller's extra properties (id, email) must not slip through.
    // Undefined fields are left out of the SET.
    const statement = updateRows(
      'operators',
      {
        name: patch.name,
        displayName: patch.displayName,
        avatarId: patch.avatarId,
        role: patch.role,
        canChat: patch.canChat,
        active: patch.active,
        passwordHash: patch.passwordHash,
        status: patch.status,
        locale: patch.locale,
        updatedAt: patch.updatedAt,
      },
      eq(o.id, id),
    )
    const [row] = await this.db.all(statement)
    return row ? toOperator(row) : null
  }

  async countActiveAdmins(): Promise<number> {
    const [row] = await this.db.all(this.#activeAdmins)
    return row?.n ?? 0
  }
}

export class SqlSessionStore implements SessionStore {
  readonly #insert = insertInto('operatorSessions')
  // Looked up on every authenticated request, so described (and compiled) once.
  readonly #get
  readonly #delete
  readonly #deleteForOperator
  readonly #deleteExpired

  constructor(private readonly db: SqlDialect) {
    const s = db.tables.operatorSessions
    const returning = { tokenHash: field(s.tokenHash) }
    this.#get = selectRows('operatorSessions', { where: eq(s.tokenHash, param('tokenHash')) })
    this.#delete = remove('operatorSessions', eq(s.tokenHash, param('tokenHash')), returning)
    this.#deleteForOperator = remove(
      'operatorSessions',
      eq(s.operatorId, param('operatorId')),
      returning,
    )
    this.#deleteExpired = remove('operatorSessions', lte(s.expiresAt, param('now')), returning)
  }

  async create(s: SessionRecord): Promise<void> {
    await this.db.insert(this.#insert, [s])
  }

  async get(tokenHash: string): Promise<SessionRecord | null> {
    const [row] = await this.db.all(this.#get, { tokenHash })
    return row
      ? {
          tokenHash: row.tokenHash,
          operatorId: row.operatorId,
          createdAt: row.createdAt,
          expiresAt: row.expiresAt,
        }
      : null
  }

  async delete(tokenHash: string): Promise<void> {
    await this.db.all(this.#delete, { tokenHash })
  }

  async deleteForOperator(operatorId: string, keep?: string): Promise<void> {
    if (keep === undefined) {
      await this.db.all(this.#deleteForOperator, { operatorId })
      return
    }
    const s = this.db.tables.operatorSessions
    const others = and(eq(s.operatorId, operatorId), ne(s.tokenHash, keep))
    await this.db.all(remove('operatorSessions', others, { tokenHash: field(s.tokenHash) }))
  }

  /** Deletes sessions that expired at or before `now`; returns how many. */
  async deleteExpired(now: number): Promise<number> {
    return (await this.db.all(this.#deleteExpired, { now })).length
  }
}
