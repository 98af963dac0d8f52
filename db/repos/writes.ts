/**
 * Turns ConversationWrites into the steps of one transaction. Each write is validated and
 * planned before it joins a group commit, so a malformed write is refused on its own. A batch
 * then runs phase by phase (checks, new rows, updates, log appends, message changes, watermarks)
 * across all its writes: each write still sees its own parts in order, and the rows of one kind
 * go in as one statement on dialects that can. A new message is one log row (its
 * message.created event); nothing else is written per message but the conversation's summary.
 */
import { and, asc, eq, gt, inArray, sql, type Column } from 'drizzle-orm'
import type { ConversationWrite } from '../../actors/ports.ts'
import { ParleyError, type Message, type ReadState } from '../../protocol/index.ts'
import { insertStep, queryStep, type SqlDialect, type Step } from '../sql/dialect.ts'
import {
  bound,
  bySize,
  field,
  idList,
  idParams,
  insertInto,
  param,
  remove,
  selectFields,
  update,
  type Query,
} from '../sql/statements.ts'
import type { NewRow, Rows } from '../sql/tables.ts'
import {
  ConversationPatches,
  MessagePatches,
  ProjectionUpdates,
  conversationUpdate,
  messageUpdate,
  validateText,
  type ConversationUpdate,
  type MessageUpdate,
  type Projection,
} from './patches.ts'
import { conversationRow, eventRow } from './rows.ts'
import { conversationNo } from './log-key.ts'
import { ErasureSteps, type PlannedErasure } from './erasure.ts'
import { WebhookSteps, type WebhookOps } from './webhook-steps.ts'
import { AnalyticsSteps, type AnalyticsOps } from './analytics-steps.ts'

/** In an upsert, the larger of the stored and the incoming value (CASE: SQLite and Postgres alike). */
function keepHigher(column: Column) {
  const incoming = sql.raw(`excluded.${column.name}`)
  return sql`case when ${incoming} > ${column} then ${incoming} else ${column} end`
}

/**
 * A validated write as plain data, grouped by phase. Plain (no statements, no callbacks), so a
 * writer thread can take it as a message and build the statements on its own connection.
 */
export interface PlannedWrite {
  /** Commit only if the stored owner epoch of this conversation is still this one. */
  fence: { id: string; epoch: number } | null
  create: NewRow<'conversations'>[]
  updates: ConversationUpdate[]
  events: NewRow<'events'>[]
  messagePatches: MessageUpdate[]
  readStates: Rows['readStates'][]
  /** Conversations whose summary this write leaves behind their log (written behind). */
  marks: Rows['pendingProjections'][]
  /** Written-behind summaries, each applied only over an older one. */
  projections: Projection[]
  /** Uploads a new message takes: `uploaded` -> `linked`, each exactly once, or the write fails. */
  attachmentLinks: AttachmentLink[]
  /** A deleted message's files: `linked` -> `deleted`, bytes removed after purgeAt. */
  attachmentDeletes: { conversationId: string; messageId: string; purgeAt: number }[]
  /** Conversations whose content this write erases (db/repos/erasure.ts). */
  erasures: PlannedErasure[]
  /** Webhook outbox marks (issue 17): the range of this write's events to fan out. */
  outbox: Rows['webhookOutbox'][]
  /** Analytics marks (issue 19): a conversation whose log this write appends to. */
  analytics: Rows['analyticsMarks'][]
  /** Rules outbox marks (issue 20): the range of this write's events for the rules runner. */
  ruleMarks?: Rows['ruleMarks'][]
  /** Operators a new note mentions (issue 20's Mentions view). Absent: none. */
  mentions?: Rows['noteMentions'][]
  /** The webhook dispatcher's own changes (db/repos/webhook-steps.ts). */
  webhooks?: WebhookOps
  /** An analytics projector round (db/repos/analytics-steps.ts). */
  analyticsRound?: AnalyticsOps
  /**
   * Conversations whose summary this write brings up to date: their pending mark goes, unless
   * the log holds an event past the stored summary (a newer append keeps or renews it).
   */
  settles: string[]
}

/**
 * A planned write that only writes summaries (a flush or a repair of written-behind ones), and
 * marks their conversations for analytics: an append whose summary is written behind leaves
 * that mark to the summary's write (once per conversation per flush, not per append).
 */
export function projectionWrite(
  projections: Projection[],
  settles: string[],
  analytics: Rows['analyticsMarks'][] = [],
): PlannedWrite {
  return {
    fence: null,
    create: [],
    updates: [],
    events: [],
    messagePatches: [],
    readStates: [],
    marks: [],
    projections,
    attachmentLinks: [],
    attachmentDeletes: [],
    erasures: [],
    outbox: [],
    analytics,
    settles,
  }
}

/** A planned write of the webhook dispatcher only (fan-out, attempts), for the group commit. */
export function webhookWrite(ops: WebhookOps): PlannedWrite {
  return { ...projectionWrite([], []), webhooks: ops }
}

/** A planned write of one analytics projector round only, for the group commit. */
export function analyticsWrite(ops: AnalyticsOps): PlannedWrite {
  return { ...projectionWrite([], []), analyticsRound: ops }
}

/** One upload taken by a new message. */
export interface AttachmentLink {
  id: string
  conversationId: string
  messageId: string
  uploaderKind: string
  uploaderId: string
}

export class ConversationWriter {
  readonly #fence
  readonly #insertConversation
  readonly #insertEvent
  readonly #upsertReadState
  readonly #conversationPatches: ConversationPatches
  readonly #messagePatches: MessagePatches
  readonly #projections: ProjectionUpdates
  readonly #mark = insertInto('pendingProjections', { doNothing: true })
  readonly #analyticsMark = insertInto('analyticsMarks', { doNothing: true })
  readonly #mention = insertInto('noteMentions', { doNothing: true })
  readonly #settle
  readonly #link
  readonly #unlink
  readonly #erasures: ErasureSteps
  readonly #outbox
  readonly #ruleMarks
  readonly #webhooks: WebhookSteps
  readonly #analytics: AnalyticsSteps

  constructor(db: SqlDialect) {
    const { conversations: c, events: e, pendingProjections: pp, readStates: rs } = db.tables
    // The store numbers a conversation as it inserts it: on Postgres from the column's identity
    // sequence (nodes create conversations concurrently), on SQLite one past the highest (its
    // one writer inserts rows one by one; the unique index makes that a probe of the end).
    this.#insertConversation = insertInto('conversations', undefined, {
      no: () =>
        db.name === 'postgres'
          ? sql`nextval(pg_get_serial_sequence('conversations', 'no'))`
          : sql`(select coalesce(max(${c.no}), 0) + 1 from ${c})`,
    })
    // A log row takes its conversation's number, inserted before it in the same transaction.
    this.#insertEvent = insertInto('events', undefined, {
      convNo: (incoming) => conversationNo(c, incoming('conversationId')),
    })
    // Locks the rows until commit (on Postgres), so a claim cannot slip in between the check
    // and the write; SQLite's write transactions exclude each other anyway. One statement for
    // the batch's conversations (a cluster node's batch holds a hundred writes under load, and
    // a statement each cost the node as much as the rest of the write), locked in id order.
    this.#fence = bySize((n) =>
      selectFields({ id: field(c.id), ownerEpoch: field(c.ownerEpoch) }, 'conversations', {
        where: inArray(c.id, idList(n)),
        orderBy: [asc(c.id)],
        forUpdate: true,
      }),
    )
    // Watermarks only move up: a late or replayed receipt must not un-read anything.
    this.#upsertReadState = insertInto('readStates', {
      target: ['conversationId', 'readerKind', 'readerId'],
      set: { deliveredSeq: keepHigher(rs.deliveredSeq), readSeq: keepHigher(rs.readSeq) },
    })
    const a = db.tables.attachments
    // Primary-key updates guarded by the state they leave: an upload is taken once, by its
    // uploader, for a message of its own conversation; a cleanup that expired it first wins.
    this.#link = update(
      'attachments',
      { status: 'linked', messageId: bound('messageId'), purgeAt: null },
      and(
        eq(a.id, param('id')),
        eq(a.conversationId, param('conversationId')),
        eq(a.status, 'uploaded'),
        eq(a.uploaderKind, param('uploaderKind')),
        eq(a.uploaderId, param('uploaderId')),
      ),
      { id: field(a.id) },
    )
    this.#unlink = update(
      'attachments',
      { status: 'deleted', purgeAt: bound('purgeAt') },
      and(
        eq(a.conversationId, param('conversationId')),
        eq(a.messageId, param('messageId')),
        eq(a.status, 'linked'),
      ),
      { id: field(a.id) },
    )
    this.#erasures = new ErasureSteps(db)
    this.#webhooks = new WebhookSteps(db)
    this.#analytics = new AnalyticsSteps(db)
    // A mark renewed by a later write keeps its first unsent event and takes the newer last one.
    const o = db.tables.webhookOutbox
    this.#outbox = insertInto('webhookOutbox', {
      target: ['conversationId'],
      set: { seq: keepHigher(o.seq) },
    })
    const rm = db.tables.ruleMarks
    this.#ruleMarks = insertInto('ruleMarks', {
      target: ['conversationId'],
      set: { seq: keepHigher(rm.seq) },
    })
    this.#conversationPatches = new ConversationPatches(db)
    this.#messagePatches = new MessagePatches(db)
    this.#projections = new ProjectionUpdates(db)
    // One statement for a batch: a primary-key delete per mark, after a probe of the end of its
    // log's primary-key range past the stored summary's seq. The mark's column is named with
    // its table: a DELETE renders its own columns bare, which inside the subqueries would name
    // theirs.
    const marked = sql`${sql.identifier('pending_projections')}.${sql.identifier('conversation_id')}`
    const storedSeq = sql`(select ${c.lastSeq} from ${c} where ${c.id} = ${marked})`
    const later = sql`select 1 from ${e} where ${e.convNo} = ${conversationNo(c, marked)} and ${e.seq} > ${storedSeq}`
    this.#settle = bySize((n) =>
      remove(
        'pendingProjections',
        and(inArray(pp.conversationId, idList(n)), sql`not exists (${later})`),
        {
          id: field(pp.conversationId),
        },
      ),
    )
  }

  /** Validates the write and plans it; throws when the write is malformed. */
  static plan(write: ConversationWrite): PlannedWrite {
    const id = write.conversationId
    const { create, expectedEpoch } = write
    if (create && create.id !== id) throw mismatch('create', create.id, id)
    for (const e of write.events) {
      if (e.conversationId !== id) throw mismatch('event', e.conversationId, id)
      if (e.name === 'message.created') validateMessage(e.data.message, id, e.seq)
      if (e.name === 'note.created') validateText(e.data.note.text)
    }
    if (expectedEpoch !== undefined && create && create.ownerEpoch !== expectedEpoch) {
      throw new Error(`write for conversation ${id} creates it with another epoch`)
    }
    for (const r of write.erase?.redact ?? []) {
      if (!Number.isInteger(r.seq) || r.seq < 1) throw new Error(`redaction of seq ${r.seq}`)
    }
    const update = write.update ? conversationUpdate(id, write.update) : null
    return {
      // A new row is fenced by its primary key: a second creator fails on it.
      fence: expectedEpoch !== undefined && !create ? { id, epoch: expectedEpoch } : null,
      create: create ? [conversationRow(create)] : [],
      updates: update ? [update] : [],
      events: write.events.map(eventRow),
      messagePatches: (write.updateMessages ?? []).flatMap((p) => {
        const planned = messageUpdate(id, p)
        return planned ? [planned] : []
      }),
      readStates: (write.readStates ?? []).map((s) => readStateRow(id, s)),
      marks: [],
      projections: [],
      attachmentLinks: plannedLinks(write),
      attachmentDeletes: write.deleteAttachments
        ? [{ conversationId: id, ...write.deleteAttachments }]
        : [],
      erasures: write.erase ? [{ conversationId: id, ...write.erase }] : [],
      outbox: write.outbox ? outboxMark(write) : [],
      ...(write.ruleMark ? { ruleMarks: outboxMark(write) } : {}),
      ...mentionsOf(write),
      analytics:
        write.events.length > 0
          ? [{ conversationId: id, markedAt: Math.min(...write.events.map((e) => e.at)) }]
          : [],
      settles: [],
    }
  }

  /** The steps of one transaction that applies every write of the batch, phase by phase. */
  batch(writes: readonly PlannedWrite[]): Step[] {
    return [
      ...fenceStep(
        this.#fence,
        writes.flatMap(({ fence }) => (fence ? [fence] : [])),
      ),
      ...insertStep(
        this.#insertConversation,
        writes.flatMap((w) => w.create),
      ),
      ...this.#conversationPatches.steps(writes.flatMap((w) => w.updates)),
      ...insertStep(
        this.#insertEvent,
        writes.flatMap((w) => w.events),
      ),
      ...writes.flatMap((w) => w.messagePatches.map((p) => this.#messagePatches.step(p))),
      ...writes.flatMap((w) =>
        w.attachmentLinks.map((link) =>
          queryStep(this.#link, { ...link }, (rows) => {
            if (rows.length !== 1) {
              throw new ParleyError('conflict', `attachment ${link.id} is not available to send`)
            }
          }),
        ),
      ),
      ...writes.flatMap((w) => w.attachmentDeletes.map((d) => queryStep(this.#unlink, { ...d }))),
      // After the log's changes of the same write: an erasure empties whatever they stored.
      ...writes.flatMap((w) => w.erasures.flatMap((x) => this.#erasures.steps(x))),
      ...insertStep(this.#upsertReadState, highestMarks(writes.flatMap((w) => w.readStates))),
      ...insertStep(
        this.#mark,
        writes.flatMap((w) => w.marks),
      ),
      ...insertStep(
        this.#mention,
        writes.flatMap((w) => w.mentions ?? []),
      ),
      ...insertStep(this.#outbox, mergedMarks(writes.flatMap((w) => w.outbox))),
      ...insertStep(this.#ruleMarks, mergedMarks(writes.flatMap((w) => w.ruleMarks ?? []))),
      // An existing mark stays as it is (its time is the oldest uncounted append's).
      ...insertStep(this.#analyticsMark, firstPerKey(writes.flatMap((w) => w.analytics))),
      ...this.#webhooks.steps(writes.flatMap((w) => (w.webhooks ? [w.webhooks] : []))),
      ...this.#projections.steps(writes.flatMap((w) => w.projections)),
      // Last: summaries are written and a mark inserted by any write of this batch is there.
      ...settleStep(this.#settle, [...new Set(writes.flatMap((w) => w.settles))]),
      // After this batch's log appends and their analytics marks: a mark of an append here stays.
      ...this.#analytics.steps(writes.flatMap((w) => (w.analyticsRound ? [w.analyticsRound] : []))),
    ]
  }
}

/** The links a write's new message needs: it must be one of the write's message.created events. */
function plannedLinks(write: ConversationWrite): AttachmentLink[] {
  const links = write.linkAttachments
  if (!links) return []
  const created = write.events.find(
    (e) => e.name === 'message.created' && e.data.message.id === links.messageId,
  )
  if (!created)
    throw new Error(`write links files to message ${links.messageId} it does not create`)
  return links.ids.map((id) => ({
    id,
    conversationId: write.conversationId,
    messageId: links.messageId,
    uploaderKind: links.uploader.kind,
    uploaderId: links.uploader.id,
  }))
}

/** One row per operator each new note mentions; the field stays absent when there are none. */
function mentionsOf(write: ConversationWrite): { mentions?: Rows['noteMentions'][] } {
  const rows: Rows['noteMentions'][] = []
  for (const e of write.events) {
    if (e.name !== 'note.created') continue
    for (const operatorId of new Set(e.data.note.mentions)) {
      rows.push({ operatorId, conversationId: write.conversationId, seq: e.seq, at: e.at })
    }
  }
  return rows.length > 0 ? { mentions: rows } : {}
}

/** The outbox mark of a write's events; none when it appends none. */
function outboxMark(write: ConversationWrite): Rows['webhookOutbox'][] {
  const seqs = write.events.map((e) => e.seq)
  if (seqs.length === 0) return []
  const at = Math.max(...write.events.map((e) => e.at))
  return [
    {
      conversationId: write.conversationId,
      fromSeq: Math.min(...seqs),
      seq: Math.max(...seqs),
      markedAt: at,
    },
  ]
}

/** One mark per conversation (a multi-row upsert may not touch a key twice): the whole range. */
function mergedMarks(rows: Rows['webhookOutbox'][]): Rows['webhookOutbox'][] {
  if (rows.length < 2) return rows
  const byId = new Map<string, Rows['webhookOutbox']>()
  for (const row of rows) {
    const seen = byId.get(row.conversationId)
    byId.set(
      row.conversationId,
      seen
        ? {
            conversationId: row.conversationId,
            fromSeq: Math.min(seen.fromSeq, row.fromSeq),
            seq: Math.max(seen.seq, row.seq),
            markedAt: Math.min(seen.markedAt, row.markedAt),
          }
        : row,
    )
  }
  return [...byId.values()]
}

/** The first mark of each conversation (a batch may append to one conversation twice). */
function firstPerKey(rows: Rows['analyticsMarks'][]): Rows['analyticsMarks'][] {
  if (rows.length < 2) return rows
  const byId = new Map<string, Rows['analyticsMarks']>()
  for (const row of rows) if (!byId.has(row.conversationId)) byId.set(row.conversationId, row)
  return [...byId.values()]
}

function readStateRow(conversationId: string, s: ReadState): Rows['readStates'] {
  return {
    conversationId,
    readerKind: s.reader.kind,
    readerId: s.reader.id,
    deliveredSeq: s.deliveredSeq,
    readSeq: s.readSeq,
  }
}

/**
 * One row per watermark; one named twice keeps its higher marks. A multi-row upsert may not
 * touch a key twice, and keeping the higher mark is what the upsert would do anyway.
 */
function highestMarks(rows: Rows['readStates'][]): Rows['readStates'][] {
  const byKey = new Map<string, Rows['readStates']>()
  for (const row of rows) {
    const key = JSON.stringify([row.conversationId, row.readerKind, row.readerId])
    const seen = byKey.get(key)
    byKey.set(
      key,
      seen
        ? {
            ...row,
            deliveredSeq: Math.max(row.deliveredSeq, seen.deliveredSeq),
            readSeq: Math.max(row.readSeq, seen.readSeq),
          }
        : row,
    )
  }
  return [...byKey.values()]
}

/** One locking read of every fenced conversation; each write's epoch checked against it. */
function fenceStep(
  fence: (n: number) => Query<{ id: string; ownerEpoch: number }>,
  fences: readonly { id: string; epoch: number }[],
): Step[] {
  if (fences.length === 0) return []
  const ids = [...new Set(fences.map((f) => f.id))]
  return [
    queryStep(fence(ids.length), idParams(ids), (rows) => {
      const epochs = new Map(rows.map((r) => [r.id, r.ownerEpoch]))
      for (const f of fences) {
        const epoch = epochs.get(f.id)
        if (epoch === undefined)
          throw new ParleyError('not_found', `conversation ${f.id} not found`)
        if (epoch !== f.epoch) {
          throw new ParleyError('unavailable', 'conversation ownership moved; retry')
        }
      }
    }),
  ]
}

function validateMessage(m: Message, conversationId: string, seq: number): void {
  if (m.conversationId !== conversationId) {
    throw mismatch('message', m.conversationId, conversationId)
  }
  if (m.seq !== seq) throw new Error(`message ${m.id} has seq ${m.seq} in the event of seq ${seq}`)
  validateText(m.text)
  if (m.clientMsgId !== null) validateText(m.clientMsgId)
}

function mismatch(part: string, got: string, expected: string): Error {
  return new Error(`write for conversation ${expected} carries a ${part} of conversation ${got}`)
}

function settleStep(settle: (n: number) => Query<unknown>, ids: string[]): Step[] {
  return ids.length === 0 ? [] : [queryStep(settle(ids.length), idParams(ids))]
}
