/**
 * Teammates following conversations (issue 20's participants): who follows a conversation,
 * and what an operator follows (their list's "Following" filter).
 */
import { and, asc, count, desc, eq } from 'drizzle-orm'
import type { FollowerStore } from '../../actors/ports.ts'
import { ParleyError } from '../../protocol/index.ts'
import { insertStep, queryStep, type SqlDialect } from '../sql/dialect.ts'
import { field, insertInto, remove, selectFields } from '../sql/statements.ts'

export class SqlFollowerStore implements FollowerStore {
  readonly #insert = insertInto('conversationFollowers', { doNothing: true })

  constructor(private readonly db: SqlDialect) {}

  async follow(conversationId: string, operatorId: string, at: number, max: number) {
    const f = this.db.tables.conversationFollowers
    // conversation_followers_operator: how many the operator follows already.
    const counted = selectFields({ n: count() }, 'conversationFollowers', {
      where: eq(f.operatorId, operatorId),
    })
    const already = selectFields({ id: field(f.operatorId) }, 'conversationFollowers', {
      where: and(eq(f.conversationId, conversationId), eq(f.operatorId, operatorId)),
    })
    let following = false
    await this.db.transaction([
      queryStep(already, {}, (rows) => {
        following = rows.length > 0
      }),
      queryStep(counted, {}, (rows) => {
        if (!following && Number(rows[0]?.n ?? 0) >= max) {
          throw new ParleyError(
            'validation_failed',
            `an operator follows at most ${max} conversations`,
          )
        }
      }),
      ...insertStep(this.#insert, [{ conversationId, operatorId, at }]),
    ])
  }

  async unfollow(conversationId: string, operatorId: string): Promise<boolean> {
    const f = this.db.tables.conversationFollowers
    const gone = await this.db.all(
      remove(
        'conversationFollowers',
        and(eq(f.conversationId, conversationId), eq(f.operatorId, operatorId)),
        { id: field(f.operatorId) },
      ),
    )
    return gone.length > 0
  }

  async followers(conversationId: string): Promise<string[]> {
    const f = this.db.tables.conversationFollowers
    const rows = await this.db.all(
      selectFields({ id: field(f.operatorId) }, 'conversationFollowers', {
        where: eq(f.conversationId, conversationId),
        orderBy: [asc(f.at), asc(f.operatorId)],
      }),
    )
    return rows.map((r) => r.id)
  }

  async followedBy(operatorId: string, limit: number): Promise<string[]> {
    const f = this.db.tables.conversationFollowers
    const rows = await this.db.all(
      selectFields({ id: field(f.conversationId) }, 'conversationFollowers', {
        where: eq(f.operatorId, operatorId),
        orderBy: [desc(f.at)],
        limit,
      }),
    )
    return rows.map((r) => r.id)
  }
}
