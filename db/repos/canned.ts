/** Canned replies (O6): saved answers, shared per inbox or personal to one operator. */
import { and, asc, count, eq, isNull, or } from 'drizzle-orm'
import type { CannedReplyRecord, CannedReplyStore } from '../../actors/ports.ts'
import { ParleyError } from '../../protocol/index.ts'
import { insertStep, queryStep, type SqlDialect } from '../sql/dialect.ts'
import {
  field,
  insertInto,
  param,
  remove,
  selectFields,
  selectRows,
  updateRows,
} from '../sql/statements.ts'
import { asConflict } from './conflicts.ts'

const TAKEN = 'a canned reply with this shortcut already exists here'

export class SqlCannedReplyStore implements CannedReplyStore {
  readonly #insert = insertInto('cannedReplies')
  readonly #get
  readonly #listFor

  constructor(private readonly db: SqlDialect) {
    const r = db.tables.cannedReplies
    this.#get = selectRows('cannedReplies', { where: eq(r.id, param('id')) })
    // A null inboxId matches no shared reply: the operator's own only.
    this.#listFor = selectRows('cannedReplies', {
      where: or(
        eq(r.ownerId, param('ownerId')),
        and(isNull(r.ownerId), eq(r.inboxId, param('inboxId'))),
      ),
      orderBy: [asc(r.shortcut), asc(r.id)],
    })
  }

  listFor(operatorId: string, inboxId: string | null): Promise<CannedReplyRecord[]> {
    return this.db.all(this.#listFor, { ownerId: operatorId, inboxId })
  }

  async get(id: string): Promise<CannedReplyRecord | null> {
    const [row] = await this.db.all(this.#get, { id })
    return row ?? null
  }

  /**
   * The scope's owner row (inbox or operator) is read for update first: concurrent creates in
   * one scope take turns, so the count cannot be raced past `max`.
   */
  async create(reply: CannedReplyRecord, max: number): Promise<void> {
    const { cannedReplies: r, inboxes: i, operators: o } = this.db.tables
    const personal = reply.ownerId !== null
    const owner = personal
      ? selectFields({ id: field(o.id) }, 'operators', {
          where: eq(o.id, reply.ownerId ?? ''),
          forUpdate: true,
        })
      : selectFields({ id: field(i.id) }, 'inboxes', {
          where: eq(i.id, reply.inboxId ?? ''),
          forUpdate: true,
        })
    const inScope = personal
      ? eq(r.ownerId, reply.ownerId ?? '')
      : and(isNull(r.ownerId), eq(r.inboxId, reply.inboxId ?? ''))
    try {
      await this.db.transaction([
        queryStep(owner, {}, (rows) => {
          if (rows.length === 0)
            throw new ParleyError('not_found', personal ? 'operator not found' : 'inbox not found')
        }),
        queryStep(selectFields({ n: count() }, 'cannedReplies', { where: inScope }), {}, (rows) => {
          if ((rows[0]?.n ?? 0) >= max)
            throw new ParleyError(
              'validation_failed',
              `at most ${max} canned replies ${personal ? 'per operator' : 'per inbox'}`,
            )
        }),
        ...insertStep(this.#insert, [reply]),
      ])
    } catch (error) {
      throw asConflict(this.db, error, TAKEN)
    }
  }

  async update(
    id: string,
    patch: Partial<Pick<CannedReplyRecord, 'shortcut' | 'title' | 'text'>> & { updatedAt: number },
  ): Promise<CannedReplyRecord | null> {
    const r = this.db.tables.cannedReplies
    try {
      const [row] = await this.db.all(
        updateRows(
          'cannedReplies',
          {
            shortcut: patch.shortcut,
            title: patch.title,
            text: patch.text,
            updatedAt: patch.updatedAt,
          },
          eq(r.id, id),
        ),
      )
      return row ?? null
    } catch (error) {
      throw asConflict(this.db, error, TAKEN)
    }
  }

  async delete(id: string): Promise<boolean> {
    const r = this.db.tables.cannedReplies
    const gone = await this.db.all(remove('cannedReplies', eq(r.id, id), { id: field(r.id) }))
    return gone.length > 0
  }
}
