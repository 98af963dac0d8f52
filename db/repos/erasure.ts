/**
 * Erasure of one conversation's content inside a write's transaction (issue 18, S7/S8): a few
 * set-based statements over its log range and its files, whatever its length. What goes:
 * every message's and note's text, every message's files (metadata in the log row; the files'
 * rows `deleted` with their names blanked, bytes removed by the cleanup job), every page
 * context, the city of its location, and what `redact` replaces (the creation event's context,
 * ratings' comments). What stays: seqs, times, authors, statuses, assignments, scores, read
 * marks, so counts and durations of analytics still add up. The search indexes follow the
 * log's text through their triggers (SQLite) or expression indexes (Postgres).
 */
import { and, eq, gt, isNotNull, ne, or, sql } from 'drizzle-orm'
import { EMPTY_CONTEXT, type StoredEventData } from '../../protocol/index.ts'
import { queryStep, type SqlDialect, type Step } from '../sql/dialect.ts'
import { field, update } from '../sql/statements.ts'
import { inLogOf } from './log-key.ts'

/** An erasure as plain data (a planned write crosses to the writer thread). */
export interface PlannedErasure {
  conversationId: string
  at: number
  redact: { seq: number; data: StoredEventData['data'] }[]
}

/** Who deleted an erased message, as its row records it. */
export const ERASURE_PARTY = { kind: 'system', id: 'erasure' } as const

/** The name an erased file's row keeps until the cleanup job removes it. */
const ERASED_FILE_NAME = 'erased'

export class ErasureSteps {
  constructor(private readonly db: SqlDialect) {}

  steps(erasure: PlannedErasure): Step[] {
    const { events: e, attachments: a, conversations: c, webhookDeliveries: w } = this.db.tables
    const r = this.db.tables.analyticsRatings
    const { conversationId: id, at } = erasure
    const inLog = (name: StoredEventData['name']) =>
      and(inLogOf(this.db.tables, id), eq(e.name, name))
    const seqs = { seq: field(e.seq) }
    return [
      // Messages: empty, files gone, and marked deleted (by the erasure) where they were not,
      // so every reader shows the placeholder a deleted message has.
      queryStep(
        update(
          'events',
          {
            text: sql`case when ${e.text} is null then null else '' end`,
            attachments: null,
            deletedAt: sql`coalesce(${e.deletedAt}, ${at})`,
            deletedByKind: sql`coalesce(${e.deletedByKind}, ${ERASURE_PARTY.kind})`,
            deletedById: sql`coalesce(${e.deletedById}, ${ERASURE_PARTY.id})`,
          },
          inLog('message.created'),
          seqs,
        ),
        {},
      ),
      queryStep(update('events', { text: '' }, inLog('note.created'), seqs), {}),
      queryStep(
        update('events', { data: { context: EMPTY_CONTEXT } }, inLog('conversation.context'), seqs),
        {},
      ),
      ...erasure.redact.map((r) =>
        queryStep(
          update(
            'events',
            { data: r.data },
            and(inLogOf(this.db.tables, id), eq(e.seq, r.seq)),
            seqs,
          ),
          {},
        ),
      ),
      // Every file of the conversation, sent or still an upload: deleted now, bytes due now.
      queryStep(
        update(
          'attachments',
          { status: 'deleted', purgeAt: at, name: ERASED_FILE_NAME },
          and(
            eq(a.conversationId, id),
            or(ne(a.status, 'deleted'), gt(a.purgeAt, at), ne(a.name, ERASED_FILE_NAME)),
          ),
          { id: field(a.id) },
        ),
        {},
      ),
      queryStep(
        update('conversations', { erasedAt: at, city: null }, eq(c.id, id), { id: field(c.id) }),
        {},
      ),
      // Analytics' copy of the ratings' comments, now (the projector folds the erasure later;
      // a rating it folds after this write finds `erased_at` set and keeps no comment).
      queryStep(
        update(
          'analyticsRatings',
          { comment: null },
          and(eq(r.conversationId, id), isNotNull(r.comment)),
          { id: field(r.conversationId) },
        ),
        {},
      ),
      // Webhook deliveries not sent yet carry the content in their body: cancelled, emptied.
      // Events the dispatcher has not fanned out yet are read from the log, erased above.
      queryStep(
        update(
          'webhookDeliveries',
          { status: 'cancelled', body: null, nextAttemptAt: null, error: 'erased' },
          and(eq(w.conversationId, id), eq(w.status, 'pending')),
          { id: field(w.eventId) },
        ),
        {},
      ),
    ]
  }
}
