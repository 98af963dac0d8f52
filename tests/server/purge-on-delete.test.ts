/**
 * Deleted and edited-away text leaves the log as the change commits (issue 18, S7): after a
 * visitor deletes a message and an operator edits one, a client resuming from seq 0, the
 * history API and a scan of the event table find neither old text; the new text and the
 * others stay. SQLite or Postgres (PARLEY_TEST_DB).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { rawEventLog, startTestServer, type TestServer } from '../helpers/server.ts'
import { TestClient } from '../helpers/ws.ts'

let s: TestServer
const sockets: TestClient[] = []
beforeAll(async () => {
  s = await startTestServer()
})
afterAll(async () => {
  for (const c of sockets) c.close()
  await s.stop()
})

async function connect(token: string) {
  const c = await TestClient.connect(s.wsUrl, { token })
  sockets.push(c)
  return c
}

describe('purge on delete', () => {
  test('purge - deleted and edited-away text is in no replay, no history read and no stored row', async () => {
    const { token } = await s.visitorToken()
    const visitor = await connect(token)
    const started = await visitor.ok({
      type: 'start',
      clientMsgId: 'p1',
      text: 'my card number is SECRET-4111',
    })
    const id = started.conversation.id as string
    const secret = started.message.messageId as string
    await visitor.ok({ type: 'send', conversationId: id, clientMsgId: 'p2', text: 'KEEP-visible' })
    const op = await s.operator({ inboxIds: [await s.defaultInboxId()] })
    const operator = await connect(op.token)
    const draft = await operator.ok({
      type: 'send',
      conversationId: id,
      clientMsgId: 'o1',
      text: 'OLD-DRAFT wrong price',
    })
    await operator.ok({
      type: 'edit',
      conversationId: id,
      messageId: draft.messageId,
      text: 'NEW-DRAFT right price',
    })
    const deleted = await visitor.ok({ type: 'delete', conversationId: id, messageId: secret })

    const gone = ['SECRET-4111', 'OLD-DRAFT']
    const kept = ['KEEP-visible', 'NEW-DRAFT']
    const has = (text: string, word: string) => text.includes(word)

    // A client resuming from the start.
    const replay = await connect(op.token)
    await replay.ok({ type: 'subscribe', conversationId: id, afterSeq: 0 })
    await replay.next((f) => f.type === 'event' && f.conversationId === id && f.seq === deleted.seq)
    const replayed = JSON.stringify(replay.events(id))
    for (const word of gone) expect({ word, in: has(replayed, word) }).toEqual({ word, in: false })
    for (const word of kept) expect({ word, in: has(replayed, word) }).toEqual({ word, in: true })

    // History, as the panel and the widget read it.
    for (const who of [op.token, token]) {
      const history = await s.http(`/api/conversations/${id}/messages`, { token: who })
      expect(history.status).toBe(200)
      const text = JSON.stringify(history.body)
      for (const word of gone) expect({ word, in: has(text, word) }).toEqual({ word, in: false })
      expect(has(text, 'KEEP-visible')).toBe(true)
    }

    // The stored rows themselves.
    const rows = JSON.stringify(await rawEventLog(s))
    for (const word of gone) expect({ word, in: has(rows, word) }).toEqual({ word, in: false })
    for (const word of kept) expect({ word, in: has(rows, word) }).toEqual({ word, in: true })
  })
})
