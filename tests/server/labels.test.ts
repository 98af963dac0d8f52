/**
 * Labels and priority (issue 20) through the real server, on SQLite or Postgres
 * (PARLEY_TEST_DB): an inbox's labels are defined by admins and its supervisors, with typed
 * errors for bad names, colors, duplicates and strangers; operators set priority and labels
 * over the WebSocket and HTTP, as operator-only events (a visitor never sees them, live or in
 * lists); the list filters and counts by label and priority and sorts by priority, paging
 * without gaps; routing takes the most urgent of a queue first; a deleted label comes off every
 * conversation; what was set survives a restart.
 */
import { describe, expect, test } from 'bun:test'
import type { InboxItem } from '../../protocol/index.ts'
import { httpStart } from '../helpers/http.ts'
import { useServers } from '../helpers/lifecycle.ts'
import { Observer, signIn } from '../helpers/routing.ts'
import type { TestServer } from '../helpers/server.ts'

const u = useServers()

type Op = { id: string; token: string }

async function ok(res: Promise<{ status: number; body: any }>, status = 200) {
  const r = await res
  if (r.status !== status) throw new Error(`${r.status} ${JSON.stringify(r.body)}`)
  return r.body
}

async function refused(res: Promise<{ status: number; body: any }>, code: string) {
  const r = await res
  expect(r.body?.error?.code ?? r.body?.code).toBe(code)
  return r
}

function addLabel(s: TestServer, op: Op, inboxId: string, name: string, color = '#3366cc') {
  return s.http(`/api/admin/inboxes/${inboxId}/labels`, { token: op.token, body: { name, color } })
}

/** Every row of the list under these parameters, in pages of two; fails on a repeat. */
async function walk(s: TestServer, op: Op, params: Record<string, string>): Promise<InboxItem[]> {
  const rows: InboxItem[] = []
  let cursor: string | null = null
  for (let pages = 0; pages < 50; pages++) {
    const q = new URLSearchParams({ ...params, limit: '2', ...(cursor ? { cursor } : {}) })
    const body = await ok(s.http(`/api/inbox?${q}`, op))
    rows.push(...body.items)
    cursor = body.nextCursor
    if (cursor === null) break
  }
  expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length)
  return rows
}

async function setup() {
  const s = await u.server()
  const inboxId = await s.defaultInboxId()
  const admin: Op = { token: await s.adminToken(), id: '' }
  const other = (
    await ok(s.http('/api/admin/inboxes', { token: admin.token, body: { name: 'B' } }), 201)
  ).id as string
  const agent = await s.operator({ inboxIds: [inboxId] })
  return { s, inboxId, other, admin, agent }
}

describe('labels and priority (issue 20)', () => {
  test('labels - defined per inbox by admins and its supervisors; bad input is a typed error and changes nothing', async () => {
    const { s, inboxId, other, admin, agent } = await setup()
    const billing = (await ok(addLabel(s, admin, inboxId, '  Billing ', '#AA3300'), 201)).label
    expect(billing).toMatchObject({ inboxId, name: 'Billing', color: '#aa3300' })
    // The same name in another case, in the same inbox: a conflict; in another inbox: fine.
    await refused(addLabel(s, admin, inboxId, 'BILLING'), 'conflict')
    await ok(addLabel(s, admin, other, 'Billing'), 201)
    for (const [name, color] of [
      ['', '#112233'],
      ['x'.repeat(41), '#112233'],
      ['bad\u0007name', '#112233'],
      ['Bug', 'red'],
      ['Bug', '#12345'],
    ] as const) {
      await refused(addLabel(s, admin, inboxId, name, color), 'validation_failed')
    }
    // An operator may read their inbox's labels, never change them; a supervisor may (they see
    // every inbox unless ELEVATED_SCOPE=members); an operator of another inbox does not see it.
    const listed = await ok(s.http(`/api/inboxes/${inboxId}/labels`, agent))
    expect(listed.labels.map((l: { name: string }) => l.name)).toEqual(['Billing'])
    await refused(addLabel(s, agent, inboxId, 'Mine'), 'forbidden')
    const boss = await s.operator({ role: 'supervisor', inboxIds: [other] })
    await ok(addLabel(s, boss, inboxId, 'Refund'), 201)
    const scoped = await u.server({ env: { ELEVATED_SCOPE: 'members' } })
    const scopedInbox = await scoped.defaultInboxId()
    const scopedBoss = await scoped.operator({ role: 'supervisor', inboxIds: [] })
    await refused(addLabel(scoped, scopedBoss, scopedInbox, 'Refund'), 'not_found')
    const member = await scoped.operator({ role: 'supervisor', inboxIds: [scopedInbox] })
    await ok(addLabel(scoped, member, scopedInbox, 'Refund'), 201)
    const stranger = await s.operator({ inboxIds: [other] })
    await refused(s.http(`/api/inboxes/${inboxId}/labels`, stranger), 'not_found')
    // Rename and recolor; a rename onto a taken name is a conflict.
    const bug = (await ok(addLabel(s, admin, inboxId, 'Bug', '#008800'), 201)).label
    const renamed = await ok(
      s.http(`/api/admin/labels/${bug.id}`, {
        method: 'PATCH',
        token: admin.token,
        body: { name: 'Defect', color: '#00AA00' },
      }),
    )
    expect(renamed.label).toMatchObject({ id: bug.id, name: 'Defect', color: '#00aa00' })
    await refused(
      s.http(`/api/admin/labels/${bug.id}`, {
        method: 'PATCH',
        token: admin.token,
        body: { name: 'billing' },
      }),
      'conflict',
    )
    await refused(
      s.http(`/api/admin/labels/${bug.id}`, { method: 'PATCH', token: admin.token, body: {} }),
      'validation_failed',
    )
    await refused(
      s.http(`/api/admin/labels/${bug.id}`, { method: 'DELETE', token: agent.token }),
      'forbidden',
    )
    const audit = await ok(s.http('/api/admin/audit?limit=50', admin))
    const actions = (audit.entries ?? audit.items ?? []).map((e: { action: string }) => e.action)
    expect(actions).toContain('label.created')
    expect(actions).toContain('label.updated')
  })

  test('labels - operators set priority and labels as operator-only events; the visitor never sees them', async () => {
    const { s, inboxId, other, admin, agent } = await setup()
    const billing = (await ok(addLabel(s, admin, inboxId, 'Billing'), 201)).label
    const vip = (await ok(addLabel(s, admin, inboxId, 'VIP', '#aa00aa'), 201)).label
    const foreign = (await ok(addLabel(s, admin, other, 'Foreign'), 201)).label
    const v = await s.visitorToken(inboxId)
    const visitor = await u.client(s, v.token)
    const started = await visitor.ok({ type: 'start', text: 'help', clientMsgId: 'v1' })
    const id = started.conversation.id as string
    await visitor.ok({ type: 'subscribe', conversationId: id, afterSeq: 0 })
    const ws = await u.client(s, agent.token)
    await ws.ok({ type: 'subscribe', conversationId: id, afterSeq: 0 })

    const p = await ws.ok({ type: 'set_priority', conversationId: id, priority: 'urgent' })
    expect(p.priority).toBe('urgent')
    const event = await ws.next(
      (f) => f.name === 'conversation.priority' && f.conversationId === id,
    )
    expect(event.data).toEqual({
      priority: 'urgent',
      previous: 'normal',
      by: { kind: 'operator', id: agent.id },
    })
    // The same priority again records nothing.
    const same = await ws.ok({ type: 'set_priority', conversationId: id, priority: 'urgent' })
    expect(same.priority).toBe('urgent')

    const l = await ws.ok({ type: 'set_labels', conversationId: id, add: [billing.id, vip.id] })
    expect(l.labels).toEqual([billing.id, vip.id])
    const again = await ws.ok({ type: 'set_labels', conversationId: id, add: [billing.id] })
    expect(again.labels).toEqual(l.labels)
    for (const frame of [
      { add: [foreign.id] }, // another inbox's
      { add: [crypto.randomUUID()] }, // none at all
      { add: [billing.id], remove: [billing.id] },
      { add: [billing.id, billing.id] },
    ]) {
      const reply = await ws.request({ type: 'set_labels', conversationId: id, ...frame })
      expect(reply).toMatchObject({ type: 'error', code: 'validation_failed' })
    }
    const removed = await ok(
      s.http(`/api/conversations/${id}/labels`, { token: agent.token, body: { remove: [vip.id] } }),
    )
    expect(removed.labels).toEqual([billing.id])
    const viaHttp = await ok(
      s.http(`/api/conversations/${id}/priority`, {
        token: agent.token,
        body: { priority: 'high' },
      }),
    )
    expect(viaHttp.priority).toBe('high')
    await refused(
      s.http(`/api/conversations/${id}/priority`, {
        token: agent.token,
        body: { priority: 'asap' },
      }),
      'validation_failed',
    )

    // Nothing recorded twice: one event per change.
    const log = await ok(s.http(`/api/conversations/${id}/messages?before=1000`, agent))
    const changes = log.activity.flatMap((e: { name: string; data: any }) =>
      e.name === 'conversation.priority'
        ? [e.data.priority]
        : e.name === 'conversation.labels'
          ? [{ added: e.data.added, removed: e.data.removed }]
          : [],
    )
    expect(changes).toEqual([
      'urgent',
      { added: [billing.id, vip.id], removed: [] },
      { added: [], removed: [vip.id] },
      'high',
    ])
    // The operator's view has them; the visitor's does not, live or read back.
    const seen = await ok(s.http(`/api/conversations/${id}`, agent))
    expect(seen.conversation).toMatchObject({ priority: 'high', labels: [billing.id] })
    await visitor.ok({ type: 'send', conversationId: id, clientMsgId: 'v2', text: 'still there?' })
    await visitor.next((f) => f.name === 'message.created' && f.data.message.clientMsgId === 'v2')
    const leaked = visitor.frames.filter(
      (f) => f.name === 'conversation.priority' || f.name === 'conversation.labels',
    )
    expect(leaked).toEqual([])
    const own = await ok(s.http('/api/visitor/conversations', { token: v.token }))
    expect(own.conversations[0]).not.toHaveProperty('priority')
    expect(own.conversations[0]).not.toHaveProperty('labels')
    const reopened = await ok(s.http(`/api/conversations/${id}`, { token: v.token }))
    expect(reopened.conversation).not.toHaveProperty('labels')
    // A visitor may not set them.
    const byVisitor = await visitor.request({
      type: 'set_priority',
      conversationId: id,
      priority: 'low',
    })
    expect(byVisitor).toMatchObject({ type: 'error', code: 'forbidden' })
    // An operator outside the inbox: as if it did not exist.
    const stranger = await s.operator({ inboxIds: [other] })
    const sws = await u.client(s, stranger.token)
    const strange = await sws.request({
      type: 'set_labels',
      conversationId: id,
      remove: [billing.id],
    })
    expect(strange).toMatchObject({ type: 'error', code: 'not_found' })
  })

  test('labels - the list filters and counts by label and priority and sorts by priority, paging without gaps', async () => {
    const { s, inboxId, admin, agent } = await setup()
    const billing = (await ok(addLabel(s, admin, inboxId, 'Billing'), 201)).label
    const bug = (await ok(addLabel(s, admin, inboxId, 'Bug'), 201)).label
    const plan: Array<{ priority: string; labels: string[] }> = [
      { priority: 'low', labels: [billing.id] },
      { priority: 'urgent', labels: [] },
      { priority: 'normal', labels: [billing.id, bug.id] },
      { priority: 'high', labels: [bug.id] },
      { priority: 'urgent', labels: [billing.id] },
      { priority: 'normal', labels: [] },
    ]
    const ids: string[] = []
    for (const [i, want] of plan.entries()) {
      const v = await s.visitorToken(inboxId)
      const { id } = await httpStart(s, v.token, `question ${i}`)
      ids.push(id)
      if (want.priority !== 'normal') {
        await ok(
          s.http(`/api/conversations/${id}/priority`, {
            token: agent.token,
            body: { priority: want.priority },
          }),
        )
      }
      if (want.labels.length > 0) {
        await ok(
          s.http(`/api/conversations/${id}/labels`, {
            token: agent.token,
            body: { add: want.labels },
          }),
        )
      }
    }
    const withLabel = (label: string) =>
      ids.filter((_, i) => plan[i]?.labels.includes(label)).sort()
    const rows = await walk(s, admin, { label: billing.id })
    expect(rows.map((r) => r.id).sort()).toEqual(withLabel(billing.id))
    for (const r of rows) expect(r.labels).toContain(billing.id)
    const counts = await ok(s.http(`/api/inbox/counts?label=${bug.id}`, admin))
    expect(counts.all).toBe(withLabel(bug.id).length)
    const urgent = await walk(s, admin, { priority: 'urgent' })
    expect(urgent.map((r) => r.id).sort()).toEqual(
      ids.filter((_, i) => plan[i]?.priority === 'urgent').sort(),
    )
    const both = await walk(s, admin, { priority: 'urgent', label: billing.id })
    expect(both.map((r) => r.id)).toEqual([ids[4] as string])
    const normal = await ok(s.http('/api/inbox/counts?priority=normal', admin))
    expect(normal.all).toBe(2)

    // Most urgent first; within a priority, newest activity first.
    const sorted = await walk(s, admin, { sort: 'priority' })
    const rank = { urgent: 0, high: 1, normal: 2, low: 3 } as const
    const expected = ids
      .map((id, i) => ({ id, i, rank: rank[(plan[i]?.priority ?? 'normal') as keyof typeof rank] }))
      .sort((a, b) => a.rank - b.rank || b.i - a.i)
      .map((x) => x.id)
    expect(sorted.map((r) => r.id)).toEqual(expected)
    expect(sorted[0]?.priority).toBe('urgent')
    expect(sorted.at(-1)?.priority).toBe('low')

    await refused(s.http(`/api/inbox?label=${crypto.randomUUID()}`, admin), 'validation_failed')
    await refused(s.http('/api/inbox?priority=soon', admin), 'validation_failed')
    await refused(s.http('/api/inbox?sort=urgency', admin), 'validation_failed')

    // Deleting a label takes it off every conversation, by the system.
    const gone = await ok(
      s.http(`/api/admin/labels/${billing.id}`, { method: 'DELETE', token: admin.token }),
    )
    expect(gone.removedFrom).toBe(withLabel(billing.id).length)
    const after = await ok(s.http(`/api/conversations/${ids[2]}`, admin))
    expect(after.conversation.labels).toEqual([bug.id])
    // Paging back, an operator gets the activity lines: the label added, then taken off.
    const log = await ok(
      s.http(`/api/conversations/${ids[0]}/messages?limit=50&before=1000`, admin),
    )
    const lines = (log.activity ?? []).filter(
      (e: { name: string }) => e.name === 'conversation.labels',
    )
    expect(lines.map((e: { data: unknown }) => e.data)).toMatchObject([
      { added: [billing.id], by: { kind: 'operator', id: agent.id } },
      { removed: [billing.id], labels: [], by: { kind: 'system' } },
    ])
    expect(log.activity.some((e: { name: string }) => e.name === 'conversation.priority')).toBe(
      true,
    )
    expect(after.conversation.labels).not.toContain(billing.id)
    const left = await ok(s.http(`/api/inboxes/${inboxId}/labels`, agent))
    expect(left.labels.map((l: { id: string }) => l.id)).toEqual([bug.id])
  })

  test('labels - routing takes the most urgent of the queue first; priority and labels survive a restart', async () => {
    const { s, inboxId, admin } = await setup()
    const vip = (await ok(addLabel(s, admin, inboxId, 'VIP'), 201)).label
    const obs = await Observer.create(u, s)
    const waiting: string[] = []
    for (let i = 0; i < 3; i++) {
      const v = await s.visitorToken(inboxId)
      waiting.push((await httpStart(s, v.token, `waiting ${i}`)).id)
    }
    const [first, second, third] = waiting as [string, string, string]
    const boss = await s.operator({ role: 'supervisor' })
    await ok(
      s.http(`/api/conversations/${third}/priority`, {
        token: boss.token,
        body: { priority: 'urgent' },
      }),
    )
    await ok(
      s.http(`/api/conversations/${first}/priority`, {
        token: boss.token,
        body: { priority: 'low' },
      }),
    )
    await ok(
      s.http(`/api/conversations/${third}/labels`, { token: boss.token, body: { add: [vip.id] } }),
    )
    const place = async (id: string) =>
      (await ok(s.http(`/api/conversations/${id}/queue`, { token: boss.token }))).position
    expect([await place(third), await place(second), await place(first)]).toEqual([1, 2, 3])

    // One operator with room for one: the urgent one goes first, though it came last.
    await s.http(`/api/admin/inboxes/${inboxId}`, {
      method: 'PATCH',
      token: admin.token,
      body: { settings: { maxOpenPerOperator: 1 } },
    })
    const a = await signIn(u, s, { inboxIds: [inboxId] })
    expect(await obs.routed(third)).toBe(a.id)
    expect(await obs.assigneeNow(second)).toBeNull()
    expect(await place(second)).toBe(1)

    const s2 = await u.restart(s)
    const admin2 = await s2.adminToken()
    const back = await ok(s2.http(`/api/conversations/${third}`, { token: admin2 }))
    expect(back.conversation).toMatchObject({ priority: 'urgent', labels: [vip.id] })
    const low = await ok(s2.http(`/api/conversations/${first}`, { token: admin2 }))
    expect(low.conversation.priority).toBe('low')
    // The actor reloaded them: a change continues from the stored set.
    const next = await ok(
      s2.http(`/api/conversations/${third}/labels`, { token: admin2, body: { remove: [vip.id] } }),
    )
    expect(next.labels).toEqual([])
  })
})
