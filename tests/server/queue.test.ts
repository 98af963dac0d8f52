/**
 * Queue positions (R6): while nobody can take it, a conversation knows its place in its branch's
 * queue (`GET /api/conversations/:id/queue`), and its subscribers are told as the queue moves
 * (`queue` events, never stored): concurrent arrivals get distinct places in arrival order, and
 * each assignment moves everyone behind up by one.
 */
import { describe, expect, test } from 'bun:test'
import { useServers } from '../helpers/lifecycle.ts'
import { Observer, signIn } from '../helpers/routing.ts'
import type { TestServer } from '../helpers/server.ts'
import type { TestClient } from '../helpers/ws.ts'

const u = useServers()

async function waitingVisitor(s: TestServer, i: number) {
  const { token } = await s.visitorToken()
  const ws = await u.client(s, token)
  const started = await ws.ok({ type: 'start', clientMsgId: `q-${i}`, text: `visitor ${i}` })
  const id = started.conversation.id as string
  await ws.ok({ type: 'subscribe', conversationId: id, afterSeq: 0 })
  return { token, ws, id }
}

async function position(s: TestServer, token: string, id: string): Promise<number | null> {
  const res = await s.http(`/api/conversations/${id}/queue`, { token })
  expect(res.status).toBe(200)
  return res.body.position
}

/** The next `queue` event for the conversation whose place is `expected`. */
function told(ws: TestClient, id: string, expected: number | null) {
  return ws.next(
    (f) =>
      f.type === 'event' &&
      f.name === 'queue' &&
      f.conversationId === id &&
      f.data.position === expected,
  )
}

describe('queue positions (R6)', () => {
  test('queue - places by arrival; each assignment moves everyone up and tells them', async () => {
    const s = await u.server()
    const obs = await Observer.create(u, s)
    const visitors = []
    for (let i = 0; i < 3; i++) visitors.push(await waitingVisitor(s, i))
    const [v1, v2, v3] = visitors as [
      (typeof visitors)[0],
      (typeof visitors)[0],
      (typeof visitors)[0],
    ]
    expect(await position(s, v1.token, v1.id)).toBe(1)
    expect(await position(s, v2.token, v2.id)).toBe(2)
    expect(await position(s, v3.token, v3.id)).toBe(3)

    // One operator with room for one: the oldest goes, the others move up.
    const inboxId = await s.defaultInboxId()
    await s.http(`/api/admin/inboxes/${inboxId}`, {
      method: 'PATCH',
      token: await s.adminToken(),
      body: { settings: { maxOpenPerOperator: 1 } },
    })
    const a = await signIn(u, s)
    expect(await obs.routed(v1.id)).toBe(a.id)
    await told(v1.ws, v1.id, null)
    await told(v2.ws, v2.id, 1)
    await told(v3.ws, v3.id, 2)
    expect(await position(s, v1.token, v1.id)).toBeNull()
    expect(await position(s, v3.token, v3.id)).toBe(2)
    // Queue places are not stored: a replay from the start has none.
    const replay = await obs.log(v3.id)
    expect(replay.filter((e) => e.name === 'queue')).toEqual([])

    // Not the visitor's conversation: not found, as if it did not exist.
    const other = await s.http(`/api/conversations/${v1.id}/queue`, { token: v2.token })
    expect([403, 404]).toContain(other.status)
  })

  test('queue - concurrent arrivals get distinct places in the order they were created', async () => {
    const s = await u.server()
    const inboxId = await s.defaultInboxId()
    const visitors = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const { token } = await s.visitorToken(inboxId)
        const res = await s.http('/api/visitor/conversations', {
          token,
          body: { text: `hi ${i}`, clientMsgId: `c-${i}` },
        })
        expect(res.status).toBe(201)
        return { token, conversation: res.body.conversation }
      }),
    )
    const places = await Promise.all(visitors.map((v) => position(s, v.token, v.conversation.id)))
    expect([...places].sort((x, y) => (x as number) - (y as number))).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8,
    ])
    const byArrival = visitors
      .map((v, i) => ({
        place: places[i],
        createdAt: v.conversation.createdAt,
        id: v.conversation.id,
      }))
      .sort((x, y) => x.createdAt - y.createdAt || (x.id < y.id ? -1 : 1))
    expect(byArrival.map((v) => v.place)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
  })
})
