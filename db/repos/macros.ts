/** Macros an inbox defines (issue 20): named lists of actions, kept as validated JSON. */
import { asc, eq } from 'drizzle-orm'
import type { MacroStore } from '../../actors/ports.ts'
import type { Macro, MacroAction } from '../../protocol/macros.ts'
import { insertStep, type SqlDialect } from '../sql/dialect.ts'
import { field, insertInto, param, remove, selectRows, updateRows } from '../sql/statements.ts'
import type { Rows } from '../sql/tables.ts'
import { asConflict } from './conflicts.ts'
import { inboxCapSteps } from './inbox-cap.ts'
import { labelKey } from './labels.ts'

const TAKEN = 'a macro with this name already exists in this inbox'

function toMacro({ nameKey: _k, actions, ...row }: Rows['macros']): Macro {
  return { ...row, actions: JSON.parse(actions) as MacroAction[] }
}

export class SqlMacroStore implements MacroStore {
  readonly #insert = insertInto('macros')
  readonly #get
  readonly #list

  constructor(private readonly db: SqlDialect) {
    const m = db.tables.macros
    this.#get = selectRows('macros', { where: eq(m.id, param('id')) })
    this.#list = selectRows('macros', {
      where: eq(m.inboxId, param('inboxId')),
      orderBy: [asc(m.nameKey), asc(m.id)],
    })
  }

  async list(inboxId: string): Promise<Macro[]> {
    return (await this.db.all(this.#list, { inboxId })).map(toMacro)
  }

  async get(id: string): Promise<Macro | null> {
    const [row] = await this.db.all(this.#get, { id })
    return row ? toMacro(row) : null
  }

  /** The inbox row is read for update first: concurrent creates cannot race past `max`. */
  async create(macro: Macro, max: number): Promise<void> {
    const m = this.db.tables.macros
    const counted = { table: 'macros' as const, where: eq(m.inboxId, macro.inboxId) }
    const row: Rows['macros'] = {
      ...macro,
      nameKey: labelKey(macro.name),
      actions: JSON.stringify(macro.actions),
    }
    try {
      await this.db.transaction([
        ...inboxCapSteps(this.db, macro.inboxId, counted, max, 'macros'),
        ...insertStep(this.#insert, [row]),
      ])
    } catch (error) {
      throw asConflict(this.db, error, TAKEN)
    }
  }

  async update(
    id: string,
    patch: Partial<Pick<Macro, 'name' | 'actions'>> & { updatedAt: number },
  ): Promise<Macro | null> {
    const m = this.db.tables.macros
    try {
      const [row] = await this.db.all(
        updateRows(
          'macros',
          {
            name: patch.name,
            nameKey: patch.name === undefined ? undefined : labelKey(patch.name),
            actions: patch.actions === undefined ? undefined : JSON.stringify(patch.actions),
            updatedAt: patch.updatedAt,
          },
          eq(m.id, id),
        ),
      )
      return row ? toMacro(row) : null
    } catch (error) {
      throw asConflict(this.db, error, TAKEN)
    }
  }

  async delete(id: string): Promise<boolean> {
    const m = this.db.tables.macros
    const gone = await this.db.all(remove('macros', eq(m.id, id), { id: field(m.id) }))
    return gone.length > 0
  }
}
