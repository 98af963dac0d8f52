/**
 * Following conversations (issue 20's participants) through the real server, on SQLite or
 * Postgres (PARLEY_TEST_DB): teammates who may view a conversation follow it without being
 * assigned and stop again, each for themselves; the list and its counts take
 * `following=true`; outsiders and visitors are refused, and nothing changes.
 */
import { describe, expect, test } from 'bun:test'
import { httpStart } from '../helpers/http.ts'
import { useServers } from '../helpers/lifecycle.ts'

const u = useServers()

describe('following (issue 20)', () => {
  test('followers - teammates follow and stop; the list shows what each follows; outsiders are refused', async () => {
    const s = await u.server()
    const inboxId = await s.defaultInboxId()
    const anna = await s.operator({ inboxIds: [inboxId] })
    const ben = await s.operator({ inboxIds: [inboxId] })
    const other = await s.http('/api/admin/inboxes', {
      token: await s.adminToken(),
      body: { name: 'Elsewhere' },
    })
    const outsider = await s.operator({ inboxIds: [other.body.id as string] })
    const first = await httpStart(s, undefined, 'first')
    const second = await httpStart(s, undefined, 'second')
    const follow = (token: string, id: string, method: 'PUT' | 'DELETE' = 'PUT') =>
      s.http(`/api/conversations/${id}/follow`, { token, method })

    const followed = await follow(anna.token, first.id)
    expect(followed.status).toBe(200)
    expect(followed.body).toEqual({ following: true, followers: [anna.id] })
    // Again: no change.
    expect((await follow(anna.token, first.id)).body.followers).toEqual([anna.id])
    expect((await follow(ben.token, first.id)).body.followers).toEqual([anna.id, ben.id])
    expect((await follow(ben.token, second.id)).body.followers).toEqual([ben.id])
    const read = await s.http(`/api/conversations/${first.id}/followers`, { token: ben.token })
    expect(read.body).toEqual({ following: true, followers: [anna.id, ben.id] })

    const list = async (token: string, q = 'following=true') =>
      (await s.http(`/api/inbox?${q}`, { token })).body.items.map((i: { id: string }) => i.id)
    expect(await list(anna.token)).toEqual([first.id])
    expect((await list(ben.token)).sort()).toEqual([first.id, second.id].sort())
    const counts = await s.http('/api/inbox/counts?following=true', { token: ben.token })
    expect(counts.body.all).toBe(2)
    expect((await list(anna.token, 'following=false')).length).toBe(2)

    const stopped = await follow(anna.token, first.id, 'DELETE')
    expect(stopped.body).toEqual({ following: false, followers: [ben.id] })
    expect(await list(anna.token)).toEqual([])
    expect((await s.http('/api/inbox/counts?following=true', { token: anna.token })).body.all).toBe(
      0,
    )

    // Outside the inbox it does not exist; visitors cannot follow; bad input is typed.
    const refused = await follow(outsider.token, first.id)
    expect(refused.status).toBe(404)
    expect((await follow(first.token, first.id)).status).toBe(403)
    expect((await s.http('/api/inbox?following=maybe', { token: anna.token })).status).toBe(422)
    expect((await follow(anna.token, 'no-such-conversation')).status).toBe(404)
    const after = await s.http(`/api/conversations/${first.id}/followers`, { token: ben.token })
    expect(after.body.followers).toEqual([ben.id])
  })
})
