/** Operators and their login sessions. */
import { and, asc, count, eq, lte, sql } from 'drizzle-orm'
import type {
  OperatorRecord,
  OperatorStore,
  SessionRecord,
  SessionStore,
} from '../../actors/ports.ts'
import { ParleyError } from '../../server/protocol/index.ts'
import * as t from '../schema.sqlite.ts'
import type { SqliteHandle } from '../sqlite.ts'

type OperatorRow = typeof t.operators.$inferSelect

function toOperator(row: OperatorRow): OperatorRecord {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    canChat: row.canChat,
    active: row.active,
    status: row.status,
    passwordHash: row.passwordHash,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }
}

export class SqlOperatorStore implements OperatorStore {
  constructor(private readonly handle: SqliteHandle) {}

  async create(op: OperatorRecord): Promise<void> {
    try {
      await this.handle.db.insert(t.operators).values({ ...op, email: op.email.toLowerCase() })
    } catch (error) {
      if (this.handle.isUniqueViolation(error)) {
        throw new ParleyError('conflict', 'an operator with this id or email already exists')
      }
      throw error
    }
  }

  async getById(id: string): Promise<OperatorRecord | null> {
    const [row] = await this.handle.db.select().from(t.operators).where(eq(t.operators.id, id))
    return row ? toOperator(row) : null
  }

  async getByEmail(email: string): Promise<OperatorRecord | null> {
    const [row] = await this.handle.db
      .select()
      .from(t.operators)
      .where(eq(t.operators.email, email.toLowerCase()))
    return row ? toOperator(row) : null
  }

  async list(): Promise<OperatorRecord[]> {
    const rows = await this.handle.db
      .select()
      .from(t.operators)
      .orderBy(asc(t.operators.name), asc(t.operators.id))
    return rows.map(toOperator)
  }

  async update(
    id: string,
    patch: Partial<
      Pick<OperatorRecord, 'name' | 'role' | 'canChat' | 'active' | 'passwordHash' | 'status'>
    > & {
      updatedAt: number
    },
  ): Promise<OperatorRecord | null> {
    // Only the listed fields: a caller's extra properties (id, email) must not slip through.
    const [row] = await this.handle.db
      .update(t.operators)
      .set({
        name: patch.name,
        role: patch.role,
        canChat: patch.canChat,
        active: patch.active,
        passwordHash: patch.passwordHash,
        status: patch.status,
        updatedAt: patch.updatedAt,
      })
      .where(eq(t.operators.id, id))
      .returning()
    return row ? toOperator(row) : null
  }

  async countActiveAdmins(): Promise<number> {
    const [row] = await this.handle.db
      .select({ n: count() })
      .from(t.operators)
      .where(and(eq(t.operators.role, 'admin'), eq(t.operators.active, true)))
    return row?.n ?? 0
  }
}

export class SqlSessionStore implements SessionStore {
  // Looked up on every authenticated request, so prepared once.
  readonly #get

  constructor(private readonly handle: SqliteHandle) {
    const s = t.operatorSessions
    this.#get = handle.db
      .select()
      .from(s)
      .where(eq(s.tokenHash, sql.placeholder('tokenHash')))
      .prepare()
  }

  async create(s: SessionRecord): Promise<void> {
    await this.handle.db.insert(t.operatorSessions).values(s)
  }

  async get(tokenHash: string): Promise<SessionRecord | null> {
    const row = this.#get.get({ tokenHash })
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
    await this.handle.db
      .delete(t.operatorSessions)
      .where(eq(t.operatorSessions.tokenHash, tokenHash))
  }

  async deleteForOperator(operatorId: string): Promise<void> {
    await this.handle.db
      .delete(t.operatorSessions)
      .where(eq(t.operatorSessions.operatorId, operatorId))
  }

  /** Deletes sessions that expired at or before `now`; returns how many. */
  async deleteExpired(now: number): Promise<number> {
    const rows = await this.handle.db
      .delete(t.operatorSessions)
      .where(lte(t.operatorSessions.expiresAt, now))
      .returning({ tokenHash: t.operatorSessions.tokenHash })
    return rows.length
  }
}
