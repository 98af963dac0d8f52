/**
 * The inbox actor's routing through the real server (R2): least-loaded then round-robin among
 * available members, nothing for away or busy operators, capacity, and the queue of waiting
 * conversations that drains oldest first when someone can take them.
 */
import { describe, expect, test } from 'bun:test'
import { FakeClock } from '../../actors/index.ts'
import { useServers } from '../helpers/lifecycle.ts'
import {
  member,
  Observer,
  openTab,
  SECOND,
  signIn,
  signInMany,
  visitorStarts,
} from '../helpers/routing.ts'
import type { TestServer } from '../helpers/server.ts'

const u = useServers()

/** Starts n conversations one after another; returns who each was routed to, in order. */
async function routeMany(s: TestServer, obs: Observer, n: number): Promise<string[]> {
  const assignees: string[] = []
  for (let i = 0; i < n; i++) {
    const conv = await visitorStarts(s, `hello ${i}`)
    assignees.push(await obs.routed(conv.id))
  }
  return assignees
}

async function setInboxSettings(s: TestServer, settings: Record<string, number>) {
  const inboxId = await s.defaultInboxId()
  const res = await s.http(`/api/admin/inboxes/${inboxId}`, {
    method: 'PATCH',
    token: await s.adminToken(),
    body: { settings },
  })
  expect(res.status).toBe(200)
}

describe('routing (R2)', () => {
  test('routing - with equal load, new conversations rotate across the available operators', async () => {
    const s = await u.server()
    const obs = await Observer.create(u, s)
    const [a, b, c] = await signInMany(u, s, 3)
    expect(await routeMany(s, obs, 6)).toEqual([a, b, c, a, b, c].map((d) => d!.id))
  })

  test('routing - the least-loaded operator comes first; ties rotate among them', async () => {
    const s = await u.server()
    const obs = await Observer.create(u, s)
    const first = await signIn(u, s)
    expect(await routeMany(s, obs, 2)).toEqual([first.id, first.id])

    const [b, c] = [await signIn(u, s), await signIn(u, s)].map((d) => d.id).sort() as [
      string,
      string,
    ]
    const next = await routeMany(s, obs, 4)
    // The newcomers catch up, alternating, before the first operator gets another one.
    expect(next.filter((id) => id === first.id)).toEqual([])
    expect([...next].sort()).toEqual([b, b, c, c])
    for (let i = 1; i < next.length; i++) expect(next[i]).not.toBe(next[i - 1])
    // All even again: one each, in rotation.
    expect((await routeMany(s, obs, 3)).sort()).toEqual([first.id, b, c].sort())
  })

  test('routing - away and busy operators get nothing; back online they take their share', async () => {
    const s = await u.server()
    const obs = await Observer.create(u, s)
    const [a, b, c] = await signInMany(u, s, 3)
    await b!.tab.ok({ type: 'set_operator_status', status: 'away' })
    await c!.tab.ok({ type: 'set_operator_status', status: 'busy' })
    expect(await routeMany(s, obs, 4)).toEqual([a, a, a, a].map((d) => d!.id))

    await b!.tab.ok({ type: 'set_operator_status', status: 'online' })
    expect(await routeMany(s, obs, 2)).toEqual([b!.id, b!.id])
  })

  test('routing - an operator who is not a member of the inbox, or may not chat, gets nothing', async () => {
    const s = await u.server()
    const obs = await Observer.create(u, s)
    const outsider = await s.operator({ inboxIds: [] })
    const viewer = await member(s, { role: 'supervisor', canChat: false })
    for (const op of [outsider, viewer]) await openTab(u, s, op.token)
    const conv = await visitorStarts(s)
    expect(await obs.assigneeNow(conv.id)).toBeNull()
    const worker = await signIn(u, s)
    await obs.assigned(conv.id, worker.id)
  })
})

describe('inbox membership', () => {
  test('membership - PUT /api/admin/inboxes/:id/members decides who gets work, from the next decision on', async () => {
    const s = await u.server()
    const obs = await Observer.create(u, s)
    const inboxId = await s.defaultInboxId()
    const admin = await s.adminToken()
    const path = `/api/admin/inboxes/${inboxId}/members`
    const op = await s.operator({ inboxIds: [] })
    await openTab(u, s, op.token)
    const first = await visitorStarts(s)
    expect(await obs.assigneeNow(first.id)).toBeNull()

    const before = (await s.http(path, { token: admin })).body.operatorIds as string[]
    expect(before).not.toContain(op.id)
    const joined = await s.http(path, {
      method: 'PUT',
      token: admin,
      body: { operatorIds: [...before, op.id] },
    })
    expect(joined.body.operatorIds).toEqual([...before, op.id].sort())
    await obs.assigned(first.id, op.id) // the queue drains to the new member

    await s.http(path, { method: 'PUT', token: admin, body: { operatorIds: before } })
    const second = await visitorStarts(s)
    expect(await obs.assigneeNow(second.id)).toBeNull()
  })

  test('membership - admins only; unknown inboxes and operators are not found; new operators join every inbox by default', async () => {
    const s = await u.server()
    const inboxId = await s.defaultInboxId()
    const admin = await s.adminToken()
    const path = `/api/admin/inboxes/${inboxId}/members`
    const op = await s.operator({ inboxIds: [] })
    expect((await s.http(path, { token: op.token })).status).toBe(403)
    const put = (p: string, operatorIds: string[]) =>
      s.http(p, { method: 'PUT', token: admin, body: { operatorIds } })
    expect((await put(path, ['no-such-operator'])).status).toBe(404)
    const missing = `/api/admin/inboxes/${crypto.randomUUID()}/members`
    expect((await s.http(missing, { token: admin })).status).toBe(404)
    expect((await put(missing, [])).status).toBe(404)

    const second = await s.http('/api/admin/inboxes', { token: admin, body: { name: 'Sales' } })
    const created = await s.http('/api/admin/operators', {
      token: admin,
      body: {
        email: 'everywhere@example.com',
        name: 'Everywhere',
        password: 'operator-password-1',
      },
    })
    expect(created.status).toBe(201)
    for (const id of [inboxId, second.body.id]) {
      const members = await s.http(`/api/admin/inboxes/${id}/members`, { token: admin })
      expect(members.body.operatorIds).toContain(created.body.id)
    }
  })

  test('membership - creating an operator with an unknown inbox is not found and creates nothing', async () => {
    const s = await u.server()
    const admin = await s.adminToken()
    const body = { email: 'typo@example.com', name: 'Typo', password: 'operator-password-1' }
    const refused = await s.http('/api/admin/operators', {
      token: admin,
      body: { ...body, inboxIds: [crypto.randomUUID()] },
    })
    expect(refused.status).toBe(404)
    const operators = (await s.http('/api/admin/operators', { token: admin })).body.operators
    expect(operators.map((o: { email: string }) => o.email)).not.toContain(body.email)
    const retried = await s.http('/api/admin/operators', {
      token: admin,
      body: { ...body, inboxIds: [await s.defaultInboxId()] },
    })
    expect(retried.status).toBe(201)
  })
})

describe('capacity and queue (R2)', () => {
  test('capacity - with maxOpenPerOperator 1 and two operators the third conversation waits until one is resolved', async () => {
    const s = await u.server()
    const obs = await Observer.create(u, s)
    await setInboxSettings(s, { maxOpenPerOperator: 1 })
    const [a, b] = await signInMany(u, s, 2)
    const one = await visitorStarts(s, 'one')
    const two = await visitorStarts(s, 'two')
    const owners = [await obs.routed(one.id), await obs.routed(two.id)]
    expect([...owners].sort()).toEqual([a!.id, b!.id])

    const three = await visitorStarts(s, 'three')
    expect(await obs.assigneeNow(three.id)).toBeNull()

    const resolver = owners[1] === a!.id ? a! : b!
    await resolver.tab.ok({ type: 'set_status', conversationId: two.id, status: 'resolved' })
    await obs.assigned(three.id, resolver.id)
    expect((await obs.conversation(one.id)).assigneeId).toBe(owners[0])
  })

  test('queue - with nobody available conversations wait, then drain oldest first as operators arrive', async () => {
    const clock = new FakeClock()
    const s = await u.server({ clock })
    const obs = await Observer.create(u, s)
    await setInboxSettings(s, { maxOpenPerOperator: 1 })
    const a = await member(s)
    const b = await member(s)
    const waiting: string[] = []
    for (let i = 0; i < 3; i++) {
      waiting.push((await visitorStarts(s, `waiting ${i}`)).id)
      await clock.advance(SECOND)
    }
    for (const id of waiting) expect(await obs.assigneeNow(id)).toBeNull()

    const tabA = await openTab(u, s, a.token)
    await obs.assigned(waiting[0]!, a.id)
    expect(await obs.assigneeNow(waiting[1]!)).toBeNull()
    await openTab(u, s, b.token)
    await obs.assigned(waiting[1]!, b.id)
    expect(await obs.assigneeNow(waiting[2]!)).toBeNull()

    await tabA.tab.ok({ type: 'set_status', conversationId: waiting[0], status: 'resolved' })
    await obs.assigned(waiting[2]!, a.id)
  })

  test('queue - an operator coming back online from away drains the queue', async () => {
    const s = await u.server()
    const obs = await Observer.create(u, s)
    const a = await signIn(u, s)
    await a.tab.ok({ type: 'set_operator_status', status: 'away' })
    const conv = await visitorStarts(s)
    expect(await obs.assigneeNow(conv.id)).toBeNull()
    await a.tab.ok({ type: 'set_operator_status', status: 'online' })
    await obs.assigned(conv.id, a.id)
  })
})

describe('inboxes created at run time', () => {
  test('routing - a conversation in a brand-new inbox is routed to its member at once', async () => {
    const s = await u.server()
    const obs = await Observer.create(u, s)
    const admin = await s.adminToken()
    const created = await s.http('/api/admin/inboxes', { token: admin, body: { name: 'Sales' } })
    expect(created.status).toBe(201)
    const op = await s.operator({ inboxIds: [created.body.id] })
    await openTab(u, s, op.token)
    const visitor = await s.visitorToken(created.body.id)
    const res = await s.http('/api/visitor/conversations', {
      token: visitor.token,
      body: { text: 'hi sales' },
    })
    expect(res.status).toBe(201)
    expect(await obs.routed(res.body.conversation.id)).toBe(op.id)
  })
})
