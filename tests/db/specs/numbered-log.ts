/**
 * Issue 12: logs as the release before the log was keyed by conversation number left them, and
 * what the current store reads from them after the migration that numbers them (SQLite 0050,
 * Postgres 0051): every event of every conversation, in order and in its own conversation, the
 * client ids still taken, the unread counts, search, and new conversations and appends after
 * the old ones. Used by both dialects' migration tests.
 *
 * The conversations are inserted in an order other than their ids' (their numbers follow the
 * insert order), and a log row is deleted in the middle, so the log's rowids have a gap: the
 * SQLite rebuild must keep each row's rowid, which its full-text index names rows by.
 */
import { expect } from 'bun:test'
import type { Store } from '../../../actors/ports.ts'
import type { Message } from '../../../protocol/index.ts'
import { T0, conversation, createWrite, message, postWrite } from '../fixtures.ts'
import type { OldDatabase } from './folded-history.ts'

/** In insert order; each has conversation.created at 1 and visitor messages at 2..4. */
const IDS = ['num-c', 'num-a', 'num-b'] as const

const textOf = (id: string, seq: number) =>
  id === 'num-b' && seq === 3 ? 'the quokka smiles' : `numbered ${id} ${seq}`

const messageOf = (id: string, seq: number): Message =>
  message(id, seq, { text: textOf(id, seq), clientMsgId: `${id}-client-${seq}` })

/** Writes the rows the release before the numbering left, statement by statement. */
export async function writeLogBeforeNumbers(db: OldDatabase): Promise<void> {
  const p = (n: number) => Array.from({ length: n }, (_, i) => db.placeholder(i + 1)).join(', ')
  const event = (values: unknown[]) =>
    db.run(
      `insert into events (conversation_id, seq, name, data, at, message_id, author_kind,
         author_id, text, client_msg_id)
       values (${p(10)})`,
      [...values, ...Array<null>(10 - values.length).fill(null)],
    )
  for (const id of IDS) {
    const record = conversation(id, { lastSeq: 4, hasUnansweredIncoming: true })
    await db.run(
      `insert into conversations (id, inbox_id, visitor_id, status, status_rank, assignee_id,
         last_seq, has_unanswered_incoming, last_message_at, last_activity_at, created_at,
         updated_at, owner_epoch, branch_id)
       values (${p(14)})`,
      [
        id,
        'inbox-1',
        'visitor-1',
        'open',
        0,
        null,
        4,
        true,
        T0 + 4000,
        T0 + 4000,
        T0,
        T0,
        0,
        'inbox-1',
      ],
    )
    const { ownerEpoch: _epoch, ...wire } = record
    await event([id, 1, 'conversation.created', JSON.stringify({ conversation: wire }), T0])
    // A row that goes again once rows follow it: every later row's rowid is one past its place.
    if (id === 'num-c') await event([id, 99, 'conversation.status', '{}', T0 + 5000])
    for (let seq = 2; seq <= 4; seq++) {
      const m = messageOf(id, seq)
      await event([
        id,
        seq,
        'message.created',
        '{}',
        m.createdAt,
        m.id,
        m.author.kind,
        m.author.id,
        m.text,
        m.clientMsgId,
      ])
    }
  }
  await db.run(`delete from events where conversation_id = ${p(1)} and seq = 99`, ['num-c'])
}

/** Everything the current store reads from the numbered logs. */
export async function expectNumberedLog(store: Store): Promise<void> {
  for (const id of IDS) {
    const replay = await store.conversations.eventsAfter(id, 0, 100)
    expect(replay.map((e) => [e.conversationId, e.seq, e.name])).toEqual([
      [id, 1, 'conversation.created'],
      [id, 2, 'message.created'],
      [id, 3, 'message.created'],
      [id, 4, 'message.created'],
    ])
    const messages = [2, 3, 4].map((seq) => messageOf(id, seq))
    expect(await store.queries.listMessages(id, { limit: 50 })).toEqual(messages)
    for (const m of messages) {
      expect(
        await store.conversations.findMessageByClientId(id, m.author, m.clientMsgId ?? ''),
      ).toEqual(m)
    }
    expect(await store.queries.countVisitorMessagesAfter(id, 1, 4)).toBe(3)
  }
  // Search names each found row by the log's rowid: the old rows are found as they were.
  const found = await store.search.search({ query: 'quokka', inboxIds: null, limit: 10, offset: 0 })
  expect(found.results.map((r) => [r.conversation.id, r.messages.map((m) => m.seq)])).toEqual([
    ['num-b', [3]],
  ])

  // A new conversation is numbered after the old ones: its log is its own.
  await store.conversations.write(createWrite(conversation('num-new')))
  const fresh = messageOf('num-new', 2)
  await store.conversations.write(postWrite(fresh))
  expect((await store.conversations.eventsAfter('num-new', 0, 10)).map((e) => e.seq)).toEqual([
    1, 2,
  ])
  expect(await store.queries.listMessages('num-new', { limit: 50 })).toEqual([fresh])
  // An old conversation takes appends after its old rows.
  const next = messageOf('num-a', 5)
  await store.conversations.write(postWrite(next))
  expect((await store.queries.listMessages('num-a', { limit: 50 })).at(-1)).toEqual(next)
  // A retried send of an old client id is still caught: the id stays taken.
  const retry = await store.conversations
    .write(postWrite({ ...messageOf('num-c', 5), clientMsgId: 'num-c-client-2' }))
    .then(
      () => null,
      (error: unknown) => error,
    )
  expect(retry).toMatchObject({ code: 'conflict' })
  for (const id of IDS) {
    expect(await store.queries.countVisitorMessagesAfter(id, 1, 100)).toBe(id === 'num-a' ? 4 : 3)
  }
}
