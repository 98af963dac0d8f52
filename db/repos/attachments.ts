/**
 * Attachment metadata (F2). The bytes live in the blob storage; a row here says where a file is
 * in its life. Linking to a message happens inside the message's own write (see writes.ts);
 * everything here is the upload side and the cleanup job's side.
 */
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm'
import type { AttachmentRecord, AttachmentStore } from '../../actors/ports.ts'
import type { SqlDialect } from '../sql/dialect.ts'
import {
  bySize,
  field,
  idList,
  idParams,
  insertInto,
  param,
  remove,
  selectRows,
  update,
  type Query,
} from '../sql/statements.ts'
import type { Rows } from '../sql/tables.ts'
import { insertOrConflict } from './conflicts.ts'

export function toAttachmentRecord(row: Rows['attachments']): AttachmentRecord {
  return {
    id: row.id,
    conversationId: row.conversationId,
    status: row.status,
    uploader: { kind: row.uploaderKind, id: row.uploaderId },
    messageId: row.messageId,
    name: row.name,
    size: row.size,
    contentType: row.contentType,
    width: row.width,
    height: row.height,
    thumbnail: row.thumbnailSize !== null,
    sha256: row.sha256,
    thumbnailSize: row.thumbnailSize,
    createdAt: row.createdAt,
    purgeAt: row.purgeAt,
  }
}

function attachmentRow(r: AttachmentRecord): Rows['attachments'] {
  return {
    id: r.id,
    conversationId: r.conversationId,
    status: r.status,
    uploaderKind: r.uploader.kind,
    uploaderId: r.uploader.id,
    messageId: r.messageId,
    name: r.name,
    size: r.size,
    contentType: r.contentType,
    width: r.width,
    height: r.height,
    sha256: r.sha256,
    thumbnailSize: r.thumbnailSize,
    createdAt: r.createdAt,
    purgeAt: r.purgeAt,
  }
}

export class SqlAttachmentStore implements AttachmentStore {
  readonly #insert = insertInto('attachments')
  readonly #get
  readonly #uploaded
  readonly #forget
  readonly #expire: (limit: number) => Query<{ id: string }>
  readonly #markDeleted: (count: number) => Query<{ id: string }>
  readonly #purgeable: (limit: number) => Query<Rows['attachments']>
  readonly #expirable: (limit: number) => Query<Rows['attachments']>
  readonly #getMany: (count: number) => Query<Rows['attachments']>

  constructor(private readonly db: SqlDialect) {
    const { attachments: a } = db.tables
    this.#get = selectRows('attachments', { where: eq(a.id, param('id')) })
    this.#uploaded = update(
      'attachments',
      { status: 'uploaded' },
      and(eq(a.id, param('id')), eq(a.status, 'pending')),
      { id: field(a.id) },
    )
    this.#forget = remove('attachments', and(eq(a.id, param('id')), eq(a.status, 'deleted')), {
      id: field(a.id),
    })
    this.#getMany = bySize((n) =>
      selectRows('attachments', {
        where: and(eq(a.conversationId, param('conversationId')), inArray(a.id, idList(n))),
      }),
    )
    // A bounded batch by the purge index: the oldest due first. The id list is a subquery, so
    // the UPDATE itself stays a primary-key update on both dialects. Its table is named in
    // the subquery with an alias-free qualified column, as an UPDATE renders its own bare.
    const due = (statuses: string[], limit: number) =>
      sql`select ${sql.identifier('id')} from ${a} where ${a.status} in ${statuses} and ${a.purgeAt} <= ${param('now')} order by ${a.purgeAt} limit ${sql.raw(String(limit))}`
    this.#expire = bySize((limit) =>
      update(
        'attachments',
        { status: 'deleted' },
        and(
          sql`${a.id} in (${due(['pending', 'uploaded'], limit)})`,
          inArray(a.status, ['pending', 'uploaded']),
        ),
        { id: field(a.id) },
      ),
    )
    this.#markDeleted = bySize((n) =>
      update(
        'attachments',
        { status: 'deleted', purgeAt: sql`${param('purgeAt')}` },
        and(inArray(a.id, idList(n)), sql`${a.status} <> 'deleted'`),
        { id: field(a.id) },
      ),
    )
    this.#expirable = bySize((limit) =>
      selectRows('attachments', {
        where: and(inArray(a.status, ['pending', 'uploaded']), lte(a.purgeAt, param('now'))),
        orderBy: [asc(a.purgeAt)],
        limit,
      }),
    )
    this.#purgeable = bySize((limit) =>
      selectRows('attachments', {
        where: and(eq(a.status, 'deleted'), lte(a.purgeAt, param('now'))),
        orderBy: [asc(a.purgeAt)],
        limit,
      }),
    )
  }

  create(record: AttachmentRecord): Promise<void> {
    return insertOrConflict(
      this.db,
      this.#insert,
      attachmentRow(record),
      'an attachment with this id',
    )
  }

  async markUploaded(id: string): Promise<boolean> {
    return (await this.db.all(this.#uploaded, { id })).length === 1
  }

  async get(id: string): Promise<AttachmentRecord | null> {
    const [row] = await this.db.all(this.#get, { id })
    return row ? toAttachmentRecord(row) : null
  }

  async getMany(conversationId: string, ids: readonly string[]): Promise<AttachmentRecord[]> {
    if (ids.length === 0) return []
    const params = idParams(ids, { conversationId })
    return (await this.db.all(this.#getMany(ids.length), params)).map(toAttachmentRecord)
  }

  async expireUploads(now: number, limit: number): Promise<string[]> {
    return (await this.db.all(this.#expire(limit), { now })).map((r) => r.id)
  }

  async expirable(now: number, limit: number): Promise<AttachmentRecord[]> {
    return (await this.db.all(this.#expirable(limit), { now })).map(toAttachmentRecord)
  }

  async markDeleted(ids: readonly string[], purgeAt: number): Promise<number> {
    if (ids.length === 0) return 0
    return (await this.db.all(this.#markDeleted(ids.length), idParams(ids, { purgeAt }))).length
  }

  async purgeable(now: number, limit: number): Promise<AttachmentRecord[]> {
    return (await this.db.all(this.#purgeable(limit), { now })).map(toAttachmentRecord)
  }

  async forget(id: string): Promise<void> {
    await this.db.all(this.#forget, { id })
  }
}
