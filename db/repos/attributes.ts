/**
 * Attribute definitions of inboxes (issue 20, protocol/attributes.ts); conversations hold their
 * values in `conversations.attributes`, visitors in `visitors.attributes`.
 */
import { and, asc, eq, gt, sql } from 'drizzle-orm'
import type { AttributeStore } from '../../actors/ports.ts'
import type { AttributeDefinition } from '../../protocol/attributes.ts'
import { insertStep, type SqlDialect } from '../sql/dialect.ts'
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
import { asConflict } from './conflicts.ts'
import { inboxCapSteps } from './inbox-cap.ts'

const TAKEN = 'an attribute with this key already exists in this inbox'

function toDefinition(row: Rows['attributeDefinitions']): AttributeDefinition {
  const options: unknown = JSON.parse(row.options)
  return {
    ...row,
    options: Array.isArray(options) ? options.filter((o) => typeof o === 'string') : [],
  }
}

/**
 * The LIKE pattern of a stored value for `key`: the columns are JSON.stringify output, so the
 * key appears quoted and followed by a colon only as a key (inside a string a quote is escaped).
 */
export function attributeKeyPattern(key: string): string {
  return `%${JSON.stringify(key).replace(/[\\%_]/g, (ch) => `\\${ch}`)}:%`
}

export class SqlAttributeStore implements AttributeStore {
  readonly #insert = insertInto('attributeDefinitions')
  readonly #get
  readonly #list
  readonly #holding

  constructor(private readonly db: SqlDialect) {
    const { attributeDefinitions: a, conversations: c } = db.tables
    this.#get = selectRows('attributeDefinitions', { where: eq(a.id, param('id')) })
    this.#list = selectRows('attributeDefinitions', {
      where: eq(a.inboxId, param('inboxId')),
      // 'conversation' < 'visitor': descending puts the visitor's first.
      orderBy: [sql`${a.scope} desc`, asc(a.name), asc(a.id)],
    })
    this.#holding = selectFields({ id: field(c.id) }, 'conversations', {
      where: and(
        eq(c.inboxId, param('inboxId')),
        gt(c.id, param('afterId')),
        sql`${c.attributes} like ${param('pattern')} escape '\\'`,
      ),
      orderBy: [asc(c.id)],
      limit: param('limit'),
    })
  }

  async list(inboxId: string): Promise<AttributeDefinition[]> {
    return (await this.db.all(this.#list, { inboxId })).map(toDefinition)
  }

  async get(id: string): Promise<AttributeDefinition | null> {
    const [row] = await this.db.all(this.#get, { id })
    return row ? toDefinition(row) : null
  }

  async create(def: AttributeDefinition, max: number): Promise<void> {
    const a = this.db.tables.attributeDefinitions
    const counted = {
      table: 'attributeDefinitions' as const,
      where: and(eq(a.inboxId, def.inboxId), eq(a.scope, def.scope)),
    }
    try {
      await this.db.transaction([
        ...inboxCapSteps(this.db, def.inboxId, counted, max, `${def.scope} attributes`),
        ...insertStep(this.#insert, [{ ...def, options: JSON.stringify(def.options) }]),
      ])
    } catch (error) {
      throw asConflict(this.db, error, TAKEN)
    }
  }

  async update(
    id: string,
    patch: Partial<Pick<AttributeDefinition, 'name' | 'options'>>,
    at: number,
  ): Promise<AttributeDefinition | null> {
    const a = this.db.tables.attributeDefinitions
    const [row] = await this.db.all(
      updateRows(
        'attributeDefinitions',
        {
          name: patch.name,
          options: patch.options === undefined ? undefined : JSON.stringify(patch.options),
          updatedAt: at,
        },
        eq(a.id, id),
      ),
    )
    return row ? toDefinition(row) : null
  }

  async delete(id: string): Promise<boolean> {
    const a = this.db.tables.attributeDefinitions
    const gone = await this.db.all(
      remove('attributeDefinitions', eq(a.id, id), { id: field(a.id) }),
    )
    return gone.length > 0
  }

  async conversationsWith(
    inboxId: string,
    key: string,
    afterId: string,
    limit: number,
  ): Promise<string[]> {
    const rows = await this.db.all(this.#holding, {
      inboxId,
      afterId,
      pattern: attributeKeyPattern(key),
      limit: Math.max(1, Math.floor(limit)),
    })
    return rows.map((r) => r.id)
  }
}
