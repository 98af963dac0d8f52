/** API tokens (issue 17, I3): hashed credentials for integrations, see server/auth/api-tokens.ts. */
import { and, count, desc, eq, isNull, lt, or } from 'drizzle-orm'
import type { ApiTokenRecord, ApiTokenStore } from '../../actors/ports.ts'
import { ParleyError } from '../../protocol/index.ts'
import { insertStep, queryStep, type SqlDialect } from '../sql/dialect.ts'
import {
  field,
  insertInto,
  param,
  selectFields,
  selectRows,
  updateRows,
} from '../sql/statements.ts'

export class SqlApiTokenStore implements ApiTokenStore {
  readonly #insert = insertInto('apiTokens')
  readonly #get
  readonly #byHash
  readonly #list

  constructor(private readonly db: SqlDialect) {
    const t = db.tables.apiTokens
    this.#get = selectRows('apiTokens', { where: eq(t.id, param('id')) })
    this.#byHash = selectRows('apiTokens', { where: eq(t.tokenHash, param('hash')) })
    this.#list = selectRows('apiTokens', { orderBy: [desc(t.createdAt), desc(t.id)] })
  }

  /**
   * The operator row is read for update first: concurrent creates take turns on it, and on
   * SQLite the transaction holds the write lock, so the count below cannot be raced past `max`
   * by creates for the same operator (the limit is a guard against floods, not an exact quota
   * across operators on Postgres).
   */
  async create(token: ApiTokenRecord, max: number): Promise<void> {
    const { apiTokens: t, operators: o } = this.db.tables
    await this.db.transaction([
      queryStep(
        selectFields({ id: field(o.id) }, 'operators', {
          where: eq(o.id, token.operatorId),
          forUpdate: true,
        }),
        {},
        (rows) => {
          if (rows.length === 0) throw new ParleyError('not_found', 'operator not found')
        },
      ),
      queryStep(
        selectFields({ n: count() }, 'apiTokens', { where: isNull(t.revokedAt) }),
        {},
        (rows) => {
          if ((rows[0]?.n ?? 0) >= max) {
            throw new ParleyError('conflict', `at most ${max} API tokens; revoke unused ones first`)
          }
        },
      ),
      ...insertStep(this.#insert, [token]),
    ])
  }

  list(): Promise<ApiTokenRecord[]> {
    return this.db.all(this.#list)
  }

  async get(id: string): Promise<ApiTokenRecord | null> {
    const [row] = await this.db.all(this.#get, { id })
    return row ?? null
  }

  async byHash(tokenHash: string): Promise<ApiTokenRecord | null> {
    const [row] = await this.db.all(this.#byHash, { hash: tokenHash })
    return row ?? null
  }

  async revoke(id: string, at: number): Promise<ApiTokenRecord | null> {
    const t = this.db.tables.apiTokens
    const [row] = await this.db.all(
      updateRows('apiTokens', { revokedAt: at }, and(eq(t.id, id), isNull(t.revokedAt))),
    )
    return row ?? (await this.get(id))
  }

  async touch(id: string, at: number): Promise<void> {
    const t = this.db.tables.apiTokens
    await this.db.all(
      updateRows(
        'apiTokens',
        { lastUsedAt: at },
        and(eq(t.id, id), or(isNull(t.lastUsedAt), lt(t.lastUsedAt, at))),
      ),
    )
  }
}
