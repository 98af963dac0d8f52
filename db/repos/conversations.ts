/** ConversationStore: what the conversation actor loads, replays, writes and claims. */
import { and, asc, desc, eq, gt, inArray, lte, sql } from 'drizzle-orm'
import type {
  ConversationRecord,
  ConversationStore,
  ConversationWrite,
} from '../../actors/ports.ts'
import {
  ParleyError,
  type ConversationEvent,
  type Message,
  type Note,
  type PartyKind,
  type ReadState,
} from '../../protocol/index.ts'
import type { SqlDialect } from '../sql/dialect.ts'
import { bound, field, param, selectFields, selectRows, update } from '../sql/statements.ts'
import {
  summarizeTail,
  waitingSql,
  toConversationRecord,
  toEvent,
  toMessage,
  toNote,
  toReadState,
  type LogSummary,
} from './rows.ts'
import { inLogOf } from './log-key.ts'

/** Log rows read per round when rebuilding a summary from the log. */
const TAIL_PAGE = 1000

/** Hands a write to the group committer; resolves after its transaction commits. */
export type SubmitWrite = (write: ConversationWrite) => Promise<void>

export class SqlConversationStore implements ConversationStore {
  readonly #conversation
  readonly #readStates
  readonly #message
  readonly #byClientId
  readonly #eventsAfter
  readonly #targets
  readonly #claim
  readonly #acquire
  readonly #epoch
  readonly #tail
  readonly #waiting
  readonly #lastEvent
  readonly #pageEvents

  constructor(
    private readonly db: SqlDialect,
    private readonly submit: SubmitWrite,
  ) {
    const { conversations: c, events: e, readStates: rs } = db.tables
    this.#conversation = selectRows('conversations', { where: eq(c.id, param('id')) })
    this.#readStates = selectRows('readStates', {
      where: eq(rs.conversationId, param('conversationId')),
      orderBy: [asc(rs.readerKind), asc(rs.readerId)],
    })
    // events_message_uq: only message.created and note.created rows carry a message id.
    this.#message = selectRows('events', {
      where: and(
        eq(e.messageId, param('id')),
        eq(e.conversationId, param('conversationId')),
        eq(e.name, 'message.created'),
      ),
    })
    // events_client_msg_uq (messages and notes share it: one client id names one of them).
    this.#byClientId = selectRows('events', {
      where: and(
        inLogOf(db.tables, param('conversationId')),
        eq(e.authorKind, param('authorKind')),
        eq(e.authorId, param('authorId')),
        eq(e.clientMsgId, param('clientMsgId')),
      ),
    })
    this.#eventsAfter = selectRows('events', {
      where: and(inLogOf(db.tables, param('conversationId')), gt(e.seq, param('afterSeq'))),
      orderBy: [asc(e.seq)],
      limit: param('limit'),
    })
    this.#tail = selectFields(
      { seq: field(e.seq), at: field(e.at), name: field(e.name), authorKind: field(e.authorKind) },
      'events',
      {
        where: and(inLogOf(db.tables, param('conversationId')), gt(e.seq, param('afterSeq'))),
        orderBy: [asc(e.seq)],
        limit: TAIL_PAGE,
      },
    )
    this.#targets = (seqs: number[]) =>
      selectRows('events', {
        where: and(inLogOf(db.tables, param('conversationId')), inArray(e.seq, seqs)),
      })
    // Epochs only go up; the same epoch again is a no-op that still counts as claimed.
    this.#claim = update(
      'conversations',
      { ownerEpoch: bound('epoch') },
      and(eq(c.id, param('id')), lte(c.ownerEpoch, param('epoch'))),
      { id: field(c.id) },
    )
    this.#acquire = update(
      'conversations',
      { ownerEpoch: sql`${c.ownerEpoch} + 1` },
      eq(c.id, param('id')),
      { ownerEpoch: field(c.ownerEpoch) },
    )
    this.#epoch = selectFields({ ownerEpoch: field(c.ownerEpoch) }, 'conversations', {
      where: eq(c.id, param('id')),
    })
    this.#waiting = selectFields(waitingSql(db.tables), 'conversations', {
      where: eq(c.id, param('id')),
    })
    // The end of the conversation's log range, read backwards to the newest row of the name.
    this.#lastEvent = selectRows('events', {
      where: and(inLogOf(db.tables, param('conversationId')), eq(e.name, param('name'))),
      orderBy: [desc(e.seq)],
      limit: 1,
    })
    // The same backward walk of the log's key range, bounded by the limit.
    this.#pageEvents = selectRows('events', {
      where: and(
        inLogOf(db.tables, param('conversationId')),
        inArray(e.name, ['conversation.created', 'conversation.context']),
      ),
      orderBy: [desc(e.seq)],
      limit: param('limit'),
    })
  }

  async loadConversation(
    id: string,
  ): Promise<{ conversation: ConversationRecord; readStates: ReadState[] } | null> {
    const [row] = await this.db.all(this.#conversation, { id })
    if (!row) return null
    const readStates = await this.db.all(this.#readStates, { conversationId: id })
    // The stored summary may be behind the log (written behind): the log after it completes it.
    const tail = await this.summaryAfter(id, row.lastSeq, row.waitingSince)
    const conversation = { ...toConversationRecord(row), ...tail }
    return { conversation, readStates: readStates.map(toReadState) }
  }

  /** What the log after `afterSeq` does to the summary; null when nothing comes after it. */
  async summaryAfter(
    conversationId: string,
    afterSeq: number,
    waitingSince: number | null,
  ): Promise<LogSummary | null> {
    let summary: LogSummary | null = null
    for (;;) {
      const page = await this.db.all(this.#tail, { conversationId, afterSeq })
      const next = summarizeTail(page, summary ? summary.waitingSince : waitingSince)
      if (!next) return summary
      summary = { ...(summary ?? {}), ...next }
      if (page.length < TAIL_PAGE) return summary
      afterSeq = next.lastSeq
    }
  }

  async getMessage(conversationId: string, messageId: string): Promise<Message | null> {
    const [row] = await this.db.all(this.#message, { conversationId, id: messageId })
    return row ? toMessage(row) : null
  }

  async findMessageByClientId(
    conversationId: string,
    author: { kind: PartyKind; id: string },
    clientMsgId: string,
  ): Promise<Message | null> {
    const [row] = await this.db.all(this.#byClientId, {
      conversationId,
      authorKind: author.kind,
      authorId: author.id,
      clientMsgId,
    })
    return row?.name === 'message.created' ? toMessage(row) : null
  }

  async findNoteByClientId(
    conversationId: string,
    author: { kind: PartyKind; id: string },
    clientMsgId: string,
  ): Promise<Note | null> {
    const [row] = await this.db.all(this.#byClientId, {
      conversationId,
      authorKind: author.kind,
      authorId: author.id,
      clientMsgId,
    })
    return row?.name === 'note.created' ? toNote(row) : null
  }

  async eventsAfter(
    conversationId: string,
    afterSeq: number,
    limit: number,
  ): Promise<ConversationEvent[]> {
    if (limit <= 0) return []
    const rows = await this.db.all(this.#eventsAfter, { conversationId, afterSeq, limit })
    // A message.updated row reads its message from the message.created row it names: those
    // outside the page come in one more lookup (edits are few).
    const bySeq = new Map(rows.map((row) => [row.seq, row]))
    const missing = [
      ...new Set(
        rows.flatMap((row) =>
          row.messageSeq !== null && !bySeq.has(row.messageSeq) ? [row.messageSeq] : [],
        ),
      ),
    ]
    if (missing.length > 0) {
      for (const row of await this.db.all(this.#targets(missing), { conversationId })) {
        bySeq.set(row.seq, row)
      }
    }
    return rows.map((row) =>
      toEvent(row, row.messageSeq === null ? undefined : bySeq.get(row.messageSeq)),
    )
  }

  write(write: ConversationWrite): Promise<void> {
    return this.submit(write)
  }

  async acquire(conversationId: string): Promise<number | null> {
    const [row] = await this.db.all(this.#acquire, { id: conversationId })
    return row ? row.ownerEpoch : null
  }

  async waitingState(conversationId: string): Promise<{ since: number; replied: boolean } | null> {
    const [row] = await this.db.all(this.#waiting, { id: conversationId })
    return row && row.since !== null ? { since: row.since, replied: row.replied } : null
  }

  async lastEvent<
    N extends
      | 'conversation.created'
      | 'conversation.status'
      | 'conversation.rated'
      | 'conversation.context',
  >(conversationId: string, name: N): Promise<Extract<ConversationEvent, { name: N }> | null> {
    const [row] = await this.db.all(this.#lastEvent, { conversationId, name })
    // Neither name is a message event: the row alone is the whole event.
    return row ? (toEvent(row) as Extract<ConversationEvent, { name: N }>) : null
  }

  async pageEvents(
    conversationId: string,
    limit: number,
  ): Promise<
    Array<Extract<ConversationEvent, { name: 'conversation.created' | 'conversation.context' }>>
  > {
    const rows = await this.db.all(this.#pageEvents, { conversationId, limit })
    // Not message events: each row alone is the whole event.
    return rows.map(
      (row) =>
        toEvent(row) as Extract<
          ConversationEvent,
          { name: 'conversation.created' | 'conversation.context' }
        >,
    )
  }

  async claim(conversationId: string, epoch: number): Promise<boolean> {
    if (!Number.isSafeInteger(epoch) || epoch < 0) {
      throw new RangeError('epoch must be a non-negative safe integer')
    }
    const claimed = await this.db.all(this.#claim, { id: conversationId, epoch })
    if (claimed.length > 0) return true
    const [row] = await this.db.all(this.#epoch, { id: conversationId })
    if (!row) return false
    throw new ParleyError('unavailable', 'conversation ownership moved; retry')
  }
}
