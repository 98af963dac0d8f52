/** Password reset links (issue 17, I4), see server/auth/password-reset.ts. */
import { and, eq, gt, isNull, lt } from 'drizzle-orm'
import type { PasswordResetRecord, PasswordResetStore } from '../../actors/ports.ts'
import { insertStep, queryStep, type SqlDialect } from '../sql/dialect.ts'
import { field, insertInto, remove, updateRows } from '../sql/statements.ts'

export class SqlPasswordResetStore implements PasswordResetStore {
  readonly #insert = insertInto('passwordResets')

  constructor(private readonly db: SqlDialect) {}

  async create(reset: PasswordResetRecord): Promise<void> {
    const r = this.db.tables.passwordResets
    await this.db.transaction([
      // Only the newest link works: the older unused ones end now.
      queryStep(
        updateRows(
          'passwordResets',
          { usedAt: reset.createdAt },
          and(eq(r.operatorId, reset.operatorId), isNull(r.usedAt)),
        ),
        {},
      ),
      ...insertStep(this.#insert, [reset]),
    ])
  }

  async consume(tokenHash: string, now: number): Promise<PasswordResetRecord | null> {
    const r = this.db.tables.passwordResets
    // One conditional update: of two uses at once, one finds the row still unused.
    const [row] = await this.db.all(
      updateRows(
        'passwordResets',
        { usedAt: now },
        and(eq(r.tokenHash, tokenHash), isNull(r.usedAt), gt(r.expiresAt, now)),
      ),
    )
    return row ?? null
  }

  async deleteExpired(before: number): Promise<number> {
    const r = this.db.tables.passwordResets
    const gone = await this.db.all(
      remove('passwordResets', lt(r.expiresAt, before), { hash: field(r.tokenHash) }),
    )
    return gone.length
  }
}
