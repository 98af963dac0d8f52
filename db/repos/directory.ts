/** Inboxes and visitors: the accounts that conversations belong to. */
import { and, asc, eq, inArray, isNotNull, isNull, notInArray, sql } from 'drizzle-orm'
import {
  DEFAULT_INBOX_SETTINGS,
  type InboxRecord,
  type InboxStore,
  type VisitorAttributes,
  type VisitorProfilePatch,
  type VisitorRecord,
  type VisitorStore,
} from '../../actors/ports.ts'
import { ParleyError } from '../../protocol/index.ts'
import { insertStep, queryStep, type SqlDialect, type Step } from '../sql/dialect.ts'
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
import { asConflict, insertOrConflict } from './conflicts.ts'
import { defaultBranch } from './branches.ts'

function toInbox(row: Rows['inboxes']): InboxRecord {
  return {
    id: row.id,
    name: row.name,
    identitySecret: row.identitySecret,
    // Settings added since the row was written read as their defaults.
    settings: { ...DEFAULT_INBOX_SETTINGS, ...row.settings },
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    visitorsSignedOutAt: row.visitorsSignedOutAt,
    identityRotatedAt: row.identityRotatedAt,
    defaultBranchId: row.defaultBranchId ?? row.id,
    geoRules: row.geoRules ?? [],
  }
}

function toVisitor(row: Rows['visitors']): VisitorRecord {
  return {
    id: row.id,
    inboxId: row.inboxId,
    externalId: row.externalId,
    createdAt: row.createdAt,
    signedOutAt: row.signedOutAt,
    name: row.name,
    email: row.email,
    phone: row.phone,
    attributes: row.attributes,
    ...(row.erasedAt !== null ? { erasedAt: row.erasedAt } : {}),
  }
}

export class SqlInboxStore implements InboxStore {
  readonly #insert = insertInto('inboxes')
  readonly #insertBranch = insertInto('branches')
  readonly #addBranchMembers = insertInto('branchMembers', { doNothing: true })
  readonly #addMembers = insertInto('inboxMembers', { doNothing: true })
  readonly #get
  readonly #list
  readonly #members
  readonly #inboxesOf

  constructor(private readonly db: SqlDialect) {
    const { inboxes: i, inboxMembers: im } = db.tables
    this.#get = selectRows('inboxes', { where: eq(i.id, param('id')) })
    this.#list = selectRows('inboxes', { orderBy: [asc(i.name), asc(i.id)] })
    this.#members = selectFields({ operatorId: field(im.operatorId) }, 'inboxMembers', {
      where: eq(im.inboxId, param('inboxId')),
      orderBy: [asc(im.operatorId)],
    })
    this.#inboxesOf = selectFields({ inboxId: field(im.inboxId) }, 'inboxMembers', {
      where: eq(im.operatorId, param('operatorId')),
      orderBy: [asc(im.inboxId)],
    })
  }

  /** The inbox with its default branch (the branch's id is the inbox's): one transaction. */
  async create(inbox: InboxRecord): Promise<void> {
    try {
      await this.db.transaction([
        ...insertStep(this.#insert, [inbox]),
        ...insertStep(this.#insertBranch, [defaultBranch(inbox)]),
      ])
    } catch (error) {
      throw asConflict(this.db, error, 'an inbox with this id already exists')
    }
  }

  async get(id: string): Promise<InboxRecord | null> {
    const [row] = await this.db.all(this.#get, { id })
    return row ? toInbox(row) : null
  }

  async list(): Promise<InboxRecord[]> {
    return (await this.db.all(this.#list)).map(toInbox)
  }

  async update(
    id: string,
    patch: Partial<
      Pick<
        InboxRecord,
        | 'name'
        | 'settings'
        | 'identitySecret'
        | 'visitorsSignedOutAt'
        | 'identityRotatedAt'
        | 'defaultBranchId'
        | 'geoRules'
      >
    > & {
      updatedAt: number
    },
  ): Promise<InboxRecord | null> {
    const i = this.db.tables.inboxes
    const statement = updateRows(
      'inboxes',
      {
        name: patch.name,
        settings: patch.settings,
        identitySecret: patch.identitySecret,
        visitorsSignedOutAt: patch.visitorsSignedOutAt,
        identityRotatedAt: patch.identityRotatedAt,
        defaultBranchId: patch.defaultBranchId,
        geoRules: patch.geoRules,
        updatedAt: patch.updatedAt,
      },
      eq(i.id, id),
    )
    const [row] = await this.db.all(statement)
    return row ? toInbox(row) : null
  }

  async members(inboxId: string): Promise<string[]> {
    return (await this.db.all(this.#members, { inboxId })).map((row) => row.operatorId)
  }

  /**
   * Members that stay keep their row (and its created_at); the rest are removed, from the
   * inbox's branches too. Newcomers join the inbox's default branch (its routing pool).
   */
  async setMembers(inboxId: string, operatorIds: string[]): Promise<void> {
    const ids = [...new Set(operatorIds)]
    const { inboxMembers: im, branchMembers: bm, branches: b } = this.db.tables
    const leaving = remove(
      'inboxMembers',
      and(eq(im.inboxId, inboxId), notInArray(im.operatorId, ids)),
      { operatorId: field(im.operatorId) },
    )
    const leavingBranches = remove(
      'branchMembers',
      and(
        sql`${bm.branchId} in (select ${b.id} from ${b} where ${b.inboxId} = ${inboxId})`,
        notInArray(bm.operatorId, ids),
      ),
      { operatorId: field(bm.operatorId) },
    )
    const inbox = await this.get(inboxId)
    const before = new Set(inbox ? await this.members(inboxId) : [])
    const newcomers = ids.filter((id) => !before.has(id))
    await this.db.transaction([
      this.#requireInboxes([inboxId]),
      ...this.#requireOperators(ids),
      queryStep(leaving, {}),
      queryStep(leavingBranches, {}),
      ...this.#insertMembers(ids.map((operatorId) => ({ inboxId, operatorId }))),
      ...this.#insertBranchMembers(
        inbox
          ? newcomers.map((operatorId) => ({ branchId: inbox.defaultBranchId, operatorId }))
          : [],
      ),
    ])
  }

  /** Adds one operator to these inboxes (idempotent), into each one's default branch. */
  async addMember(inboxIds: string[], operatorId: string): Promise<void> {
    const ids = [...new Set(inboxIds)]
    if (ids.length === 0) return
    const inboxes = (await Promise.all(ids.map((id) => this.get(id)))).flatMap((i) =>
      i ? [i] : [],
    )
    await this.db.transaction([
      ...this.#requireOperators([operatorId]),
      this.#requireInboxes(ids),
      ...this.#insertMembers(ids.map((inboxId) => ({ inboxId, operatorId }))),
      ...this.#insertBranchMembers(
        inboxes.map((inbox) => ({ branchId: inbox.defaultBranchId, operatorId })),
      ),
    ])
  }

  #insertBranchMembers(pairs: { branchId: string; operatorId: string }[]): Step[] {
    const createdAt = Date.now()
    return insertStep(
      this.#addBranchMembers,
      pairs.map((pair) => ({ ...pair, createdAt })),
    )
  }

  async inboxesOf(operatorId: string): Promise<string[]> {
    return (await this.db.all(this.#inboxesOf, { operatorId })).map((row) => row.inboxId)
  }

  #insertMembers(pairs: { inboxId: string; operatorId: string }[]): Step[] {
    const createdAt = Date.now()
    return insertStep(
      this.#addMembers,
      pairs.map((pair) => ({ ...pair, createdAt })),
    )
  }

  /**
   * A step that fails with not_found naming the first missing id. Checked in the transaction
   * (not left to the foreign key) so the caller learns which id is unknown.
   */
  #requireInboxes(ids: string[]): Step {
    const i = this.db.tables.inboxes
    const found = selectFields({ id: field(i.id) }, 'inboxes', { where: inArray(i.id, ids) })
    return queryStep(found, {}, (rows) => requireAll('inbox', ids, rows))
  }

  #requireOperators(ids: string[]): Step[] {
    return requireOperators(this.db, ids)
  }
}

/**
 * A transaction step that fails with not_found naming the first operator id that does not exist
 * (none for no ids): checked in the transaction, so the caller learns which id is unknown.
 */
export function requireOperators(db: SqlDialect, ids: string[]): Step[] {
  if (ids.length === 0) return []
  const o = db.tables.operators
  const found = selectFields({ id: field(o.id) }, 'operators', { where: inArray(o.id, ids) })
  return [queryStep(found, {}, (rows) => requireAll('operator', ids, rows))]
}

function requireAll(what: string, wanted: string[], found: readonly { id: string }[]): void {
  const present = new Set(found.map((row) => row.id))
  const missing = wanted.find((id) => !present.has(id))
  if (missing !== undefined) throw new ParleyError('not_found', `${what} ${missing} not found`)
}

export class SqlVisitorStore implements VisitorStore {
  readonly #insert = insertInto('visitors')
  readonly #byId
  readonly #byExternalId

  constructor(private readonly db: SqlDialect) {
    const v = db.tables.visitors
    this.#byId = selectRows('visitors', { where: eq(v.id, param('id')) })
    this.#byExternalId = selectRows('visitors', {
      where: and(eq(v.inboxId, param('inboxId')), eq(v.externalId, param('externalId'))),
    })
  }

  create(v: VisitorRecord): Promise<void> {
    const row = {
      ...v,
      phone: v.phone ?? null,
      attributes: v.attributes ?? {},
      erasedAt: v.erasedAt ?? null,
    }
    return insertOrConflict(this.db, this.#insert, row, 'a visitor with this id or external id')
  }

  async getById(id: string): Promise<VisitorRecord | null> {
    const [row] = await this.db.all(this.#byId, { id })
    return row ? toVisitor(row) : null
  }

  async findByExternalId(inboxId: string, externalId: string): Promise<VisitorRecord | null> {
    const [row] = await this.db.all(this.#byExternalId, { inboxId, externalId })
    return row ? toVisitor(row) : null
  }

  async find(
    q: { email: string } | { externalId: string },
    limit: number,
  ): Promise<VisitorRecord[]> {
    const v = this.db.tables.visitors
    const where = 'email' in q ? eq(v.email, q.email) : eq(v.externalId, q.externalId)
    const rows = await this.db.all(
      selectRows('visitors', { where, orderBy: [asc(v.createdAt), asc(v.id)], limit }),
    )
    return rows.map(toVisitor)
  }

  async signOut(id: string, at: number): Promise<boolean> {
    const v = this.db.tables.visitors
    const rows = await this.db.all(updateRows('visitors', { signedOutAt: at }, eq(v.id, id)))
    return rows.length > 0
  }

  async erase(id: string, at: number): Promise<boolean> {
    const { visitors: v, helpEvents: e, helpFeedback: f } = this.db.tables
    let found = false
    await this.db.transaction([
      queryStep(
        update(
          'visitors',
          {
            externalId: null,
            name: null,
            email: null,
            phone: null,
            attributes: {},
            erasedAt: sql`coalesce(${v.erasedAt}, ${at})`,
            signedOutAt: sql`case when ${v.signedOutAt} > ${at} then ${v.signedOutAt} else ${at} end`,
          },
          eq(v.id, id),
          { id: field(v.id) },
        ),
        {},
        (rows) => void (found = rows.length > 0),
      ),
      // What they typed in the help center (issue 21): their searches' words and their
      // feedback's comments. The events and votes stay, as counts.
      queryStep(
        update('helpEvents', { query: null }, and(eq(e.visitorId, id), isNotNull(e.query)), {
          id: field(e.id),
        }),
        {},
      ),
      queryStep(
        update('helpFeedback', { comment: null }, and(eq(f.visitorId, id), isNotNull(f.comment)), {
          id: field(f.id),
        }),
        {},
      ),
    ])
    return found
  }

  /**
   * Read, merged and written back: the last of two concurrent patches of one visitor's
   * attributes wins whole (they come from one person's widget, so they do not race in practice).
   */
  async updateProfile(id: string, patch: VisitorProfilePatch): Promise<VisitorRecord | null> {
    const current = await this.getById(id)
    if (!current) return null
    const attributes: VisitorAttributes = { ...current.attributes }
    for (const [key, value] of Object.entries(patch.attributes ?? {})) {
      if (value === null) delete attributes[key]
      else attributes[key] = value
    }
    const v = this.db.tables.visitors
    const [row] = await this.db.all(
      updateRows(
        'visitors',
        { name: patch.name, email: patch.email, phone: patch.phone, attributes },
        // An erased visitor is never written again (issue 18, S8): the row comes back as is.
        and(eq(v.id, id), isNull(v.erasedAt)),
      ),
    )
    if (!row) return this.getById(id)
    return toVisitor(row)
  }

  async setContact(id: string, contact: { name: string; email: string }): Promise<boolean> {
    const v = this.db.tables.visitors
    const rows = await this.db.all(
      updateRows(
        'visitors',
        { name: contact.name, email: contact.email },
        and(eq(v.id, id), isNull(v.erasedAt)),
      ),
    )
    return rows.length > 0
  }
}
