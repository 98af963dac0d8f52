/** Inboxes and visitors: the accounts that conversations belong to. */
import { and, asc, eq } from 'drizzle-orm'
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
