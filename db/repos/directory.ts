/** Inboxes and visitors: the accounts that conversations belong to. */
import { and, asc, eq, inArray, notInArray } from 'drizzle-orm'
import type { InboxRecord, InboxStore, VisitorRecord, VisitorStore } from '../../actors/ports.ts'
import { ParleyError } from '../../server/protocol/index.ts'
import * as t from '../schema.sqlite.ts'
import type { SqliteHandle } from '../sqlite.ts'

type InboxRow = typeof t.inboxes.$inferSelect
type VisitorRow = typeof t.visitors.$inferSelect

function toInbox(row: InboxRow): InboxRecord {
  return {
    id: row.id,
    name: row.name,
    identitySecret: row.identitySecret,
    settings: row.settings,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }
}

function toVisitor(row: VisitorRow): VisitorRecord {
  return { id: row.id, inboxId: row.inboxId, externalId: row.externalId, createdAt: row.createdAt }
}

export class SqlInboxStore implements InboxStore {
  constructor(private readonly handle: SqliteHandle) {}

  async create(inbox: InboxRecord): Promise<void> {
    try {
      await this.handle.db.insert(t.inboxes).values(inbox)
    } catch (error) {
      if (this.handle.isUniqueViolation(error)) {
        throw new ParleyError('conflict', 'an inbox with this id already exists')
      }
      throw error
    }
  }

  async get(id: string): Promise<InboxRecord | null> {
    const [row] = await this.handle.db.select().from(t.inboxes).where(eq(t.inboxes.id, id))
    return row ? toInbox(row) : null
  }

  async list(): Promise<InboxRecord[]> {
    const rows = await this.handle.db
      .select()
      .from(t.inboxes)
      .orderBy(asc(t.inboxes.name), asc(t.inboxes.id))
    return rows.map(toInbox)
  }

  async update(
    id: string,
    patch: Partial<Pick<InboxRecord, 'name' | 'settings' | 'identitySecret'>> & {
      updatedAt: number
    },
  ): Promise<InboxRecord | null> {
    const [row] = await this.handle.db
      .update(t.inboxes)
      .set({
        name: patch.name,
        settings: patch.settings,
        identitySecret: patch.identitySecret,
        updatedAt: patch.updatedAt,
      })
      .where(eq(t.inboxes.id, id))
      .returning()
    return row ? toInbox(row) : null
  }

  async members(inboxId: string): Promise<string[]> {
    const im = t.inboxMembers
    const rows = await this.handle.db
      .select({ operatorId: im.operatorId })
      .from(im)
      .where(eq(im.inboxId, inboxId))
      .orderBy(asc(im.operatorId))
    return rows.map((row) => row.operatorId)
  }

  /** Members that stay keep their row (and its created_at); the rest are removed. */
  async setMembers(inboxId: string, operatorIds: string[]): Promise<void> {
    const ids = [...new Set(operatorIds)]
    const { db } = this.handle
    const im = t.inboxMembers
    this.handle.transaction(() => {
      this.#requireInboxes([inboxId])
      this.#requireOperators(ids)
      db.delete(im)
        .where(and(eq(im.inboxId, inboxId), notInArray(im.operatorId, ids)))
        .run()
      if (ids.length === 0) return
      db.insert(im)
        .values(ids.map((operatorId) => ({ inboxId, operatorId })))
        .onConflictDoNothing()
        .run()
    })
  }

  async addMember(inboxIds: string[], operatorId: string): Promise<void> {
    const ids = [...new Set(inboxIds)]
    if (ids.length === 0) return
    this.handle.transaction(() => {
      this.#requireOperators([operatorId])
      this.#requireInboxes(ids)
      this.handle.db
        .insert(t.inboxMembers)
        .values(ids.map((inboxId) => ({ inboxId, operatorId })))
        .onConflictDoNothing()
        .run()
    })
  }

  async inboxesOf(operatorId: string): Promise<string[]> {
    const im = t.inboxMembers
    const rows = await this.handle.db
      .select({ inboxId: im.inboxId })
      .from(im)
      .where(eq(im.operatorId, operatorId))
      .orderBy(asc(im.inboxId))
    return rows.map((row) => row.inboxId)
  }

  /**
   * Throws not_found naming the first missing id. Checked up front (not left to the foreign
   * key) so the caller learns which id is unknown; runs inside the caller's transaction.
   */
  #requireInboxes(ids: string[]): void {
    const found = this.handle.db
      .select({ id: t.inboxes.id })
      .from(t.inboxes)
      .where(inArray(t.inboxes.id, ids))
      .all()
    const missing = firstMissing(ids, found)
    if (missing !== undefined) throw new ParleyError('not_found', `inbox ${missing} not found`)
  }

  #requireOperators(ids: string[]): void {
    if (ids.length === 0) return
    const found = this.handle.db
      .select({ id: t.operators.id })
      .from(t.operators)
      .where(inArray(t.operators.id, ids))
      .all()
    const missing = firstMissing(ids, found)
    if (missing !== undefined) throw new ParleyError('not_found', `operator ${missing} not found`)
  }
}

function firstMissing(wanted: string[], found: { id: string }[]): string | undefined {
  const present = new Set(found.map((row) => row.id))
  return wanted.find((id) => !present.has(id))
}

export class SqlVisitorStore implements VisitorStore {
  constructor(private readonly handle: SqliteHandle) {}

  async create(v: VisitorRecord): Promise<void> {
    try {
      await this.handle.db.insert(t.visitors).values(v)
    } catch (error) {
      if (this.handle.isUniqueViolation(error)) {
        throw new ParleyError('conflict', 'a visitor with this id or external id already exists')
      }
      throw error
    }
  }

  async getById(id: string): Promise<VisitorRecord | null> {
    const [row] = await this.handle.db.select().from(t.visitors).where(eq(t.visitors.id, id))
    return row ? toVisitor(row) : null
  }

  async findByExternalId(inboxId: string, externalId: string): Promise<VisitorRecord | null> {
    const [row] = await this.handle.db
      .select()
      .from(t.visitors)
      .where(and(eq(t.visitors.inboxId, inboxId), eq(t.visitors.externalId, externalId)))
    return row ? toVisitor(row) : null
  }
}
