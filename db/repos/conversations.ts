/** ConversationStore: what the conversation actor loads, replays and writes. */
import { and, asc, eq, gt, isNotNull, sql } from 'drizzle-orm'
import type {
  ConversationRecord,
  ConversationStore,
  ConversationWrite,
} from '../../actors/ports.ts'
import type {
  ConversationEvent,
  Message,
  PartyKind,
  ReadState,
} from '../../server/protocol/index.ts'
import * as t from '../schema.sqlite.ts'
import type { SqliteDb } from '../sqlite.ts'
import { toConversationRecord, toEvent, toMessage, toReadState } from './rows.ts'

/** Hands a write to the group committer; resolves after its transaction commits. */
export type SubmitWrite = (write: ConversationWrite) => Promise<void>

export class SqlConversationStore implements ConversationStore {
  readonly #conversation
  readonly #readStates
  readonly #message
  readonly #byClientId
  readonly #eventsAfter

  constructor(
    db: SqliteDb,
    private readonly submit: SubmitWrite,
  ) {
    const c = t.conversations
    const m = t.messages
    const e = t.events
    const rs = t.readStates
    this.#conversation = db
      .select()
      .from(c)
      .where(eq(c.id, sql.placeholder('id')))
      .prepare()
    this.#readStates = db
      .select()
      .from(rs)
      .where(eq(rs.conversationId, sql.placeholder('conversationId')))
      .orderBy(asc(rs.readerKind), asc(rs.readerId))
      .prepare()
    this.#message = db
      .select()
      .from(m)
      .where(
        and(
          eq(m.conversationId, sql.placeholder('conversationId')),
          eq(m.id, sql.placeholder('id')),
        ),
      )
      .prepare()
    this.#byClientId = db
      .select()
      .from(m)
      .where(
        and(
          eq(m.conversationId, sql.placeholder('conversationId')),
          eq(m.authorKind, sql.placeholder('authorKind')),
          eq(m.authorId, sql.placeholder('authorId')),
          eq(m.clientMsgId, sql.placeholder('clientMsgId')),
        ),
      )
      .prepare()
    // One LEFT JOIN tells, per event, whether its message was deleted since: replay blanks
    // that text without a query per event.
    this.#eventsAfter = db
      .select({
        conversationId: e.conversationId,
        seq: e.seq,
        name: e.name,
        data: e.data,
        at: e.at,
        messageDeleted: isNotNull(m.deletedAt).mapWith(Boolean),
      })
      .from(e)
      .leftJoin(m, eq(m.id, e.messageId))
      .where(
        and(
          eq(e.conversationId, sql.placeholder('conversationId')),
          gt(e.seq, sql.placeholder('afterSeq')),
        ),
      )
      .orderBy(asc(e.seq))
      .limit(sql.placeholder('limit'))
      .prepare()
  }

  async loadConversation(
    id: string,
  ): Promise<{ conversation: ConversationRecord; readStates: ReadState[] } | null> {
    const row = this.#conversation.get({ id })
    if (!row) return null
    const readStates = this.#readStates.all({ conversationId: id }).map(toReadState)
    return { conversation: toConversationRecord(row), readStates }
  }

  async getMessage(conversationId: string, messageId: string): Promise<Message | null> {
    const row = this.#message.get({ conversationId, id: messageId })
    return row ? toMessage(row) : null
  }

  async findMessageByClientId(
    conversationId: string,
    author: { kind: PartyKind; id: string },
    clientMsgId: string,
  ): Promise<Message | null> {
    const row = this.#byClientId.get({
      conversationId,
      authorKind: author.kind,
      authorId: author.id,
      clientMsgId,
    })
    return row ? toMessage(row) : null
  }

  async eventsAfter(
    conversationId: string,
    afterSeq: number,
    limit: number,
  ): Promise<ConversationEvent[]> {
    if (limit <= 0) return []
    const rows = this.#eventsAfter.all({ conversationId, afterSeq, limit })
    return rows.map((row) => toEvent(row, row.messageDeleted))
  }

  write(write: ConversationWrite): Promise<void> {
    return this.submit(write)
  }
}
