/**
 * A conversation as the releases before the fold wrote it (a `messages` row per message and
 * an event whose data carried the message; edits and deletes changed the row and appended a
 * message.updated event with the message in its data), and what the current store must read
 * back from it after the migrations: every message, its current state, its client id, the
 * replay, the unread counts. Used by both dialects' migration tests.
 */
import { expect } from 'bun:test'
import type { Store } from '../../../actors/ports.ts'
import type { Message } from '../../../protocol/index.ts'
import { T0 } from '../fixtures.ts'

/** Runs one statement with positional parameters: `?` on SQLite, `$1`... on Postgres. */
export interface OldDatabase {
  run(sql: string, params: unknown[]): unknown
  /** The placeholder of parameter i (from 1). */
  placeholder(i: number): string
}

const visitor = { kind: 'visitor', id: 'v-old' } as const
const operator = { kind: 'operator', id: 'o-old' } as const

function message(seq: number, over: Partial<Message> = {}): Message {
  return {
    id: `old-m${seq}`,
    conversationId: 'old',
    seq,
    author: visitor,
    text: `old text ${seq}`,
    clientMsgId: `old-client-${seq}`,
    createdAt: T0 + seq * 1000,
    editedAt: null,
    deletedAt: null,
    deletedBy: null,
    ...over,
  }
}

/** seq 2 visitor, 3 operator, 4 visitor (edited at 6), 5 visitor (deleted at 7), 8 read. */
const stored: Message[] = [
  message(2),
  message(3, { author: operator, clientMsgId: 'old-client-op' }),
  message(4, { text: 'old text 4 edited', editedAt: T0 + 6000 }),
  message(5, { text: 'old text 5', deletedAt: T0 + 7000, deletedBy: visitor }),
]

/** Writes the rows an old release left, statement by statement. */
export async function writeMessagesTheOldWay(db: OldDatabase): Promise<void> {
  const p = (n: number) => Array.from({ length: n }, (_, i) => db.placeholder(i + 1)).join(', ')
  await db.run(
    `insert into inboxes (id, name, identity_secret, settings, created_at, updated_at)
     values (${p(6)})`,
    ['old-inbox', 'Old', 'secret', JSON.stringify({ escalationMinutes: 5 }), T0, T0],
  )
  await db.run(
    `insert into conversations (id, inbox_id, visitor_id, status, status_rank, assignee_id,
       last_seq, has_unanswered_incoming, last_message_at, last_activity_at, created_at,
       updated_at, owner_epoch)
     values (${p(13)})`,
    ['old', 'old-inbox', visitor.id, 'open', 0, null, 8, true, T0 + 5000, T0 + 5000, T0, T0, 0],
  )
  const event = (seq: number, name: string, data: unknown, at: number, messageId: string | null) =>
    db.run(
      `insert into events (conversation_id, seq, name, data, at, message_id) values (${p(6)})`,
      ['old', seq, name, JSON.stringify(data), at, messageId],
    )
  const created = { id: 'old', inboxId: 'old-inbox', visitorId: visitor.id, status: 'open' }
  await event(1, 'conversation.created', { conversation: created }, T0, null)
  for (const m of stored) {
    await db.run(
      `insert into messages (id, conversation_id, seq, author_kind, author_id, text,
         client_msg_id, created_at, edited_at, deleted_at, deleted_by_kind, deleted_by_id)
       values (${p(12)})`,
      [
        m.id,
        'old',
        m.seq,
        m.author.kind,
        m.author.id,
        m.text,
        m.clientMsgId,
        m.createdAt,
        m.editedAt,
        m.deletedAt,
        m.deletedBy?.kind ?? null,
        m.deletedBy?.id ?? null,
      ],
    )
    // The old event carried the message as sent: original text, not edited, not deleted.
    const original = {
      ...m,
      text: `old text ${m.seq}`,
      editedAt: null,
      deletedAt: null,
      deletedBy: null,
    }
    await event(m.seq, 'message.created', { message: original }, m.createdAt, m.id)
  }
  const at6 = stored[2] as Message
  await event(6, 'message.updated', { message: at6 }, T0 + 6000, at6.id)
  const at7 = stored[3] as Message
  await event(7, 'message.updated', { message: { ...at7, text: '' } }, T0 + 7000, at7.id)
  await event(8, 'read.updated', { reader: operator, deliveredSeq: 3, readSeq: 3 }, T0 + 8000, null)
  await db.run(
    `insert into read_states (conversation_id, reader_kind, reader_id, delivered_seq, read_seq)
     values (${p(5)})`,
    ['old', operator.kind, operator.id, 3, 3],
  )
}

/** Everything the current store reads from the migrated conversation. */
export async function expectFoldedHistory(store: Store): Promise<void> {
  const now = stored.map((m) => (m.deletedAt === null ? m : { ...m, text: '' }))
  // History: every message once, in its current state; deleted text never leaves the store.
  expect(await store.queries.listMessages('old', { limit: 50 })).toEqual(now)
  for (const m of now) {
    expect(await store.conversations.getMessage('old', m.id)).toEqual(m)
    if (m.clientMsgId !== null) {
      expect(
        await store.conversations.findMessageByClientId('old', m.author, m.clientMsgId),
      ).toEqual(m)
    }
  }
  // Replay: the same eight events; message events carry the message as it is now.
  const replay = await store.conversations.eventsAfter('old', 0, 100)
  expect(replay.map((e) => [e.seq, e.name])).toEqual([
    [1, 'conversation.created'],
    [2, 'message.created'],
    [3, 'message.created'],
    [4, 'message.created'],
    [5, 'message.created'],
    [6, 'message.updated'],
    [7, 'message.updated'],
    [8, 'read.updated'],
  ])
  const messageOf = (seq: number) => {
    const e = replay.find((x) => x.seq === seq)
    return e && (e.name === 'message.created' || e.name === 'message.updated')
      ? e.data.message
      : null
  }
  expect(messageOf(4)).toEqual(now[2] ?? null)
  expect(messageOf(6)).toEqual(now[2] ?? null)
  expect(messageOf(5)).toEqual(now[3] ?? null)
  expect(messageOf(7)).toEqual(now[3] ?? null)
  expect(JSON.stringify(replay)).not.toContain('old text 5')
  expect(replay[7]).toMatchObject({ data: { reader: operator, deliveredSeq: 3, readSeq: 3 } })
  // Unread for the operator (read up to 3): seq 4 only (5 is deleted).
  expect(await store.queries.countVisitorMessagesAfter('old', 3, 8)).toBe(1)
  // A retried send of an old client id is still caught: the id stays taken.
  const retry = await store.conversations
    .write({
      conversationId: 'old',
      update: { lastSeq: 9 },
      events: [
        {
          name: 'message.created',
          conversationId: 'old',
          seq: 9,
          at: T0 + 9000,
          data: { message: { ...message(9), clientMsgId: 'old-client-2' } },
        },
      ],
    })
    .then(
      () => null,
      (error: unknown) => error,
    )
  expect(retry).toMatchObject({ code: 'conflict' })
}
