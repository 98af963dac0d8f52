/**
 * The visitor's own list of conversations (`GET /api/visitor/conversations`, the widget's home)
 * through the real server, on SQLite or Postgres (PARLEY_TEST_DB): every conversation of the
 * visitor and no one else's, each with its newest message (deleted: empty text; none before
 * the first) and the operator messages after the visitor's read watermark.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { httpSend, httpStart } from '../helpers/http.ts'
import { member } from '../helpers/routing.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'

let s: TestServer

beforeAll(async () => {
  s = await startTestServer()
})
afterAll(async () => {
  await s.stop()
})

interface Listed {
  id: string
  status: string
  unread: number
  lastMessage: { text: string; author: { kind: string }; deletedAt: number | null } | null
}

async function list(token: string): Promise<Map<string, Listed>> {
  const res = await s.http('/api/visitor/conversations', { token })
  expect(res.status).toBe(200)
  const { conversations } = res.body as { conversations: Listed[] }
  return new Map(conversations.map((c) => [c.id, c]))
}

describe('visitor conversations', () => {
  test('visitor conversations - each with its newest message and the operator messages not read yet', async () => {
    const op = await member(s)
    const a = await httpStart(s, undefined, 'First question')
    const b = await httpStart(s, a.token, 'Second question')
    const empty = await httpStart(s, a.token)
    await httpSend(s, op.token, a.id, 'op-1', 'Answer one')
    const two = await httpSend(s, op.token, a.id, 'op-2', 'Answer two')
    const resolved = await s.http(`/api/conversations/${a.id}/status`, {
      token: op.token,
      body: { status: 'resolved' },
    })
    expect(resolved.status).toBe(200)

    const first = await list(a.token)
    expect([...first.keys()].sort()).toEqual([a.id, b.id, empty.id].sort())
    expect(first.get(a.id)).toMatchObject({
      status: 'resolved',
      unread: 2,
      lastMessage: { text: 'Answer two', author: { kind: 'operator' } },
    })
    expect(first.get(b.id)).toMatchObject({
      status: 'open',
      unread: 0,
      lastMessage: { text: 'Second question', author: { kind: 'visitor' } },
    })
    expect(first.get(empty.id)).toMatchObject({ unread: 0, lastMessage: null })

    // Read up to the first answer: one left; the second deleted: nothing left, its text gone.
    const read = await s.http(`/api/conversations/${a.id}/read`, {
      token: a.token,
      body: { seq: two.seq - 1 },
    })
    expect(read.status).toBe(200)
    expect((await list(a.token)).get(a.id)?.unread).toBe(1)
    const deleted = await s.http(`/api/conversations/${a.id}/messages/${two.messageId}`, {
      method: 'DELETE',
      token: op.token,
    })
    expect(deleted.status).toBe(200)
    const after = (await list(a.token)).get(a.id)
    expect(after?.unread).toBe(0)
    expect(after?.lastMessage).toMatchObject({ text: '', author: { kind: 'operator' } })
    expect(after?.lastMessage?.deletedAt).not.toBeNull()

    // Another visitor sees none of them.
    const other = await httpStart(s, undefined, 'Someone else')
    expect([...(await list(other.token)).keys()]).toEqual([other.id])
  }, 30_000)
})
