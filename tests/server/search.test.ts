/**
 * GET /api/search (issue 16) as the panel calls it: operators with view access only, within
 * their inboxes, limits on every parameter, results enriched for the list.
 */
import { describe, expect, test } from 'bun:test'
import { httpSend as send, httpStart as start } from '../helpers/http.ts'
import { useServers } from '../helpers/lifecycle.ts'
import type { TestServer } from '../helpers/server.ts'

const { server } = useServers()

async function newInbox(s: TestServer, name: string): Promise<string> {
  const res = await s.http('/api/admin/inboxes', { token: await s.adminToken(), body: { name } })
  expect(res.status).toBe(201)
  return res.body.id as string
}

const search = (s: TestServer, token: string, query: string) =>
  s.http(`/api/search?${query}`, { token })

describe('search route (issue 16)', () => {
  test('http search - an operator finds conversations of their inboxes only, enriched for the list', async () => {
    const s = await server()
    const main = await s.defaultInboxId()
    const other = await newInbox(s, 'Other')
    const op = await s.operator({ inboxIds: [main] })
    const mine = await start(s, undefined, 'My parcel is lost')
    const theirs = await start(s, (await s.visitorToken(other)).token, 'Another parcel is lost')
    await send(s, op.token, mine.id, 'c1', 'Looking into the parcel now')

    // A comma is a character of the text, not a list (Elysia's parser splits it otherwise).
    const comma = await search(s, op.token, `q=${encodeURIComponent('parcel, lost')}`)
    expect(comma.status).toBe(200)
    expect(comma.body.total).toBe(1)

    const res = await search(s, op.token, 'q=parcel')
    expect(res.status).toBe(200)
    expect(res.body.total).toBe(1)
    expect(res.body.hasMore).toBe(false)
    const [hit] = res.body.results
    expect(hit.conversation.id).toBe(mine.id)
    expect(hit.conversation.status).toBe('open')
    expect(hit.messages).toHaveLength(2)
    expect(hit.messages[0].snippet.some((p: { hit: boolean }) => p.hit)).toBe(true)
    expect(hit).toHaveProperty('visitorLabel')
    expect(hit).toHaveProperty('assignee')

    // The admin sees every inbox; narrowing to one works for anyone in scope.
    const admin = await s.adminToken()
    const all = await search(s, admin, 'q=parcel')
    expect(
      all.body.results.map((r: { conversation: { id: string } }) => r.conversation.id).sort(),
    ).toEqual([mine.id, theirs.id].sort())
    const narrowed = await search(s, admin, `q=parcel&inbox=${other}`)
    expect(
      narrowed.body.results.map((r: { conversation: { id: string } }) => r.conversation.id),
    ).toEqual([theirs.id])
    // Another inbox is refused, not silently emptied.
    const refused = await search(s, op.token, `q=parcel&inbox=${other}`)
    expect(refused.status).toBe(403)
    expect(refused.body.error.code).toBe('forbidden')
  })

  test('http search - the visitor label and assignee come with each result', async () => {
    const s = await server()
    const op = await s.operator({ inboxIds: [await s.defaultInboxId()] })
    const { id, token } = await start(s, undefined, 'refund please')
    const profile = await s.http('/api/visitor/profile', {
      token,
      method: 'PATCH',
      body: { email: 'vera@example.com', attributes: { plan: 'gold' } },
    })
    expect(profile.status).toBe(200)
    const assigned = await s.http(`/api/conversations/${id}/assign`, {
      token: op.token,
      body: { operatorId: op.id },
    })
    expect(assigned.status).toBe(200)
    // No name: the e-mail labels the visitor.
    let [hit] = (await search(s, op.token, 'q=refund')).body.results
    expect(hit.visitorLabel).toBe('vera@example.com')
    expect(hit.assignee).toEqual({ id: op.id, name: expect.stringMatching(/^Operator /) })
    await s.http('/api/visitor/profile', { token, method: 'PATCH', body: { name: 'Vera Lee' } })
    ;[hit] = (await search(s, op.token, 'q=gold')).body.results
    expect(hit.conversation.id).toBe(id)
    expect(hit.visitorLabel).toBe('Vera Lee')
    expect(hit.visitorFields).toEqual([
      { field: 'attribute', key: 'plan', snippet: [{ text: 'gold', hit: true }] },
    ])
  })

  test('http search - visitors and operators without the chat permission are refused', async () => {
    const s = await server()
    const visitor = await s.visitorToken()
    expect((await search(s, visitor.token, 'q=x')).status).toBe(403)
    const viewer = await s.operator({
      canChat: false,
      role: 'operator',
      inboxIds: [await s.defaultInboxId()],
    })
    const res = await search(s, viewer.token, 'q=x')
    expect(res.status).toBe(403)
    expect(res.body.error.code).toBe('forbidden')
    expect((await s.http('/api/search?q=x')).status).toBe(401)
  })

  test('http search - bad parameters get validation_failed and punctuation finds nothing', async () => {
    const s = await server()
    const admin = await s.adminToken()
    for (const query of [
      'q=',
      'q=%20%20',
      `q=${'a'.repeat(201)}`,
      'q=x&limit=51',
      'q=x&limit=0',
      'q=x&offset=1001',
      'q=x&limit=-1',
      'q=x&status=waiting',
      'limit=5',
    ]) {
      const res = await search(s, admin, query)
      expect({ query, status: res.status, code: res.body.error?.code }).toEqual({
        query,
        status: 422,
        code: 'validation_failed',
      })
    }
    for (const q of ['"', '*', 'NEAR(', '-', ':', "'&|!"]) {
      const res = await search(s, admin, `q=${encodeURIComponent(q)}`)
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ results: [], total: 0, capped: false, hasMore: false })
    }
  })
})
