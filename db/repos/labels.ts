/** Labels an inbox defines (issue 20); conversations carry their ids (`conversations.labels`). */
import { and, asc, eq, gt, sql } from 'drizzle-orm'
import type { LabelStore } from '../../actors/ports.ts'
import { type Label } from '../../protocol/index.ts'
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

const TAKEN = 'a label with this name already exists in this inbox'

/** The key a name is unique by: case and surrounding spaces do not make another label. */
export function labelKey(name: string): string {
  return name.trim().toLocaleLowerCase('en')
}

function toLabel({ nameKey: _k, ...label }: Rows['labels']): Label {
  return label
}

export class SqlLabelStore implements LabelStore {
  readonly #insert = insertInto('labels')
  readonly #get
  readonly #list
  readonly #carrying

  constructor(private readonly db: SqlDialect) {
    const { labels: l, conversations: c } = db.tables
    this.#get = selectRows('labels', { where: eq(l.id, param('id')) })
    this.#list = selectRows('labels', {
      where: eq(l.inboxId, param('inboxId')),
      orderBy: [asc(l.nameKey), asc(l.id)],
    })
    // The inbox's rows in id order (its primary key), tested by the LIKE of the list's filter.
    this.#carrying = selectFields({ id: field(c.id) }, 'conversations', {
      where: and(
        eq(c.inboxId, param('inboxId')),
        gt(c.id, param('afterId')),
        sql`${c.labels} like ${param('pattern')}`,
      ),
      orderBy: [asc(c.id)],
      limit: param('limit'),
    })
  }

  async list(inboxId: string): Promise<Label[]> {
    return (await this.db.all(this.#list, { inboxId })).map(toLabel)
  }

  async get(id: string): Promise<Label | null> {
    const [row] = await this.db.all(this.#get, { id })
    return row ? toLabel(row) : null
  }

  /** The inbox row is read for update first: concurrent creates cannot race past `max`. */
  async create(label: Label, max: number): Promise<void> {
    const l = this.db.tables.labels
    const counted = { table: 'labels' as const, where: eq(l.inboxId, label.inboxId) }
    try {
      await this.db.transaction([
        ...inboxCapSteps(this.db, label.inboxId, counted, max, 'labels'),
        ...insertStep(this.#insert, [{ ...label, nameKey: labelKey(label.name) }]),
      ])
    } catch (error) {
      throw asConflict(this.db, error, TAKEN)
    }
  }

  async update(id: string, patch: Partial<Pick<Label, 'name' | 'color'>>): Promise<Label | null> {
    const l = this.db.tables.labels
    try {
      const [row] = await this.db.all(
        updateRows(
          'labels',
          {
            name: patch.name,
            nameKey: patch.name === undefined ? undefined : labelKey(patch.name),
            color: patch.color,
          },
          eq(l.id, id),
        ),
      )
      return row ? toLabel(row) : null
    } catch (error) {
      throw asConflict(this.db, error, TAKEN)
    }
  }

  async delete(id: string): Promise<boolean> {
    const l = this.db.tables.labels
    const gone = await this.db.all(remove('labels', eq(l.id, id), { id: field(l.id) }))
    return gone.length > 0
  }

  async conversationsWith(
    inboxId: string,
    labelId: string,
    afterId: string,
    limit: number,
  ): Promise<string[]> {
    // Label ids are UUIDs: no LIKE wildcard, no quote.
    if (!/^[0-9a-f-]+$/.test(labelId)) return []
    const rows = await this.db.all(this.#carrying, {
      inboxId,
      afterId,
      pattern: `%"${labelId}"%`,
      limit: Math.max(1, Math.floor(limit)),
    })
    return rows.map((r) => r.id)
  }
}
