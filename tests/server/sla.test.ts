/**
 * SLA policies (issue 20) through the real server on a FakeClock, on SQLite or Postgres
 * (PARLEY_TEST_DB): admins define policies; an operator or a rule applies one; the first
 * response, next response and resolution deadlines run from the conversation's start and its
 * visitor's waits, in wall time or in the branch's open hours; an answer meets them, resolving
 * stops them; each one missed is recorded once by the system (an operator-only event, an alert
 * to the assignee, a webhook), also after a restart (the inbox actor arms its timer again from
 * the store); bad input and outsiders change nothing.
 */
import { describe, expect, test } from 'bun:test'
import { FakeClock } from '../../actors/index.ts'
import type { ConversationSla } from '../../protocol/sla.ts'
import { httpSend, httpStart } from '../helpers/http.ts'
import { useServers } from '../helpers/lifecycle.ts'
import { MINUTE, Observer } from '../helpers/routing.ts'
import { waitUntil } from '../helpers/processes.ts'
import type { TestServer } from '../helpers/server.ts'

const u = useServers()
const HOUR = 60 * MINUTE

type Op = { id: string; token: string }

async function ok(res: Promise<{ status: number; body: any }>, status = 200) {
  const r = await res
  if (r.status !== status) throw new Error(`${r.status} ${JSON.stringify(r.body)}`)
  return r.body
}

async function refusal(res: Promise<{ status: number; body: any }>) {
  const r = await res
  return { status: r.status, code: r.body?.error?.code, message: String(r.body?.error?.message) }
}

async function policy(s: TestServer, inboxId: string, body: Record<string, unknown>) {
  const created = await ok(
    s.http(`/api/admin/inboxes/${inboxId}/sla-policies`, { token: await s.adminToken(), body }),
    201,
  )
  return created.policy as { id: string }
}

function apply(s: TestServer, op: Op, id: string, policyId: string | null) {
  return s.http(`/api/conversations/${id}/sla`, {
    token: op.token,
    method: 'PUT',
    body: { policyId },
  })
}

/** The SLA events of a conversation, from its log. */
async function slaEvents(s: TestServer, id: string) {
  const events = await s.store.conversations.eventsAfter(id, 0, 1000)
  return events.flatMap((e) => (e.name === 'conversation.sla' ? [e.data] : []))
}

async function scene(clock: FakeClock, s?: TestServer) {
  s ??= await u.server({ clock })
  const inboxId = await s.defaultInboxId()
  const agent = await s.operator({ inboxIds: [inboxId] })
  const obs = await Observer.create(u, s)
  return { s, inboxId, agent, obs }
}

describe('SLA policies (issue 20)', () => {
  test('sla policies - admins define and change them; bad input, operators and outsiders are refused', async () => {
    const clock = new FakeClock()
    const { s, inboxId, agent } = await scene(clock)
    const admin = await s.adminToken()
    const gold = await policy(s, inboxId, {
      name: 'Gold',
      firstResponseMinutes: 15,
      nextResponseMinutes: 60,
      resolutionMinutes: 480,
      businessHours: true,
    })
    const listed = await ok(s.http(`/api/inboxes/${inboxId}/sla-policies`, { token: agent.token }))
    expect(listed.policies).toEqual([
      expect.objectContaining({
        id: gold.id,
        name: 'Gold',
        firstResponseMinutes: 15,
        nextResponseMinutes: 60,
        resolutionMinutes: 480,
        businessHours: true,
      }),
    ])
    const bad = (body: unknown) =>
      refusal(s.http(`/api/admin/inboxes/${inboxId}/sla-policies`, { token: admin, body }))
    for (const body of [
      { name: 'None' },
      { name: 'Zero', firstResponseMinutes: 0 },
      { name: 'Half', firstResponseMinutes: 1.5 },
      { name: 'Forever', resolutionMinutes: 129_601 },
      { name: '', firstResponseMinutes: 5 },
      { name: 'Extra', firstResponseMinutes: 5, color: 'red' },
    ]) {
      expect((await bad(body)).status, JSON.stringify(body)).toBe(422)
    }
    const byAgent = await refusal(
      s.http(`/api/admin/inboxes/${inboxId}/sla-policies`, {
        token: agent.token,
        body: { name: 'Mine', firstResponseMinutes: 5 },
      }),
    )
    expect(byAgent.status).toBe(403)
    const changed = await ok(
      s.http(`/api/admin/sla-policies/${gold.id}`, {
        token: admin,
        method: 'PATCH',
        body: { firstResponseMinutes: 10, nextResponseMinutes: null },
      }),
    )
    expect(changed.policy).toMatchObject({ firstResponseMinutes: 10, nextResponseMinutes: null })
    // Taking every target away is refused, and changes nothing.
    const empty = await refusal(
      s.http(`/api/admin/sla-policies/${gold.id}`, {
        token: admin,
        method: 'PATCH',
        body: { firstResponseMinutes: null, resolutionMinutes: null },
      }),
    )
    expect(empty.status).toBe(422)
    expect((await s.store.slaPolicies.get(gold.id))?.firstResponseMinutes).toBe(10)
    const other = (
      await ok(s.http('/api/admin/inboxes', { token: admin, body: { name: 'Other' } }), 201)
    ).id as string
    const outsider = await s.operator({ inboxIds: [other] })
    expect(
      (await refusal(s.http(`/api/inboxes/${inboxId}/sla-policies`, { token: outsider.token })))
        .status,
    ).toBe(404)
    // A policy of another inbox does not apply here.
    const elsewhere = await policy(s, other, { name: 'Elsewhere', firstResponseMinutes: 5 })
    const conv = await httpStart(s, undefined, 'hello')
    const wrong = await refusal(apply(s, agent, conv.id, elsewhere.id))
    expect(wrong.status).toBe(422)
    expect(await slaEvents(s, conv.id)).toEqual([])
    expect((await refusal(apply(s, { id: '', token: conv.token }, conv.id, gold.id))).status).toBe(
      403,
    )
    await ok(s.http(`/api/admin/sla-policies/${gold.id}`, { token: admin, method: 'DELETE' }))
    expect(await s.store.slaPolicies.get(gold.id)).toBeNull()
  })

  test('sla deadlines - an answer meets the first response; a new wait starts the next; each miss is recorded once, alerted and reported', async () => {
    const clock = new FakeClock()
    const { s, inboxId, agent, obs } = await scene(clock)
    const feed = await u.client(s, agent.token)
    await feed.ok({ type: 'feed_subscribe' })
    const p = await policy(s, inboxId, {
      name: 'Standard',
      firstResponseMinutes: 10,
      nextResponseMinutes: 30,
      resolutionMinutes: 120,
    })
    const t0 = clock.now()
    const conv = await httpStart(s, undefined, 'my order is late')
    // The online agent takes it.
    expect(await obs.routed(conv.id)).toBe(agent.id)
    const applied = await ok(apply(s, agent, conv.id, p.id))
    const sla = applied.sla as ConversationSla
    expect(sla).toMatchObject({
      policyId: p.id,
      name: 'Standard',
      responded: false,
      firstResponseDue: t0 + 10 * MINUTE,
      nextResponseDue: null,
      resolutionDue: t0 + 120 * MINUTE,
      breaches: [],
    })
    expect((await obs.conversation(conv.id)).sla.firstResponseDue).toBe(t0 + 10 * MINUTE)
    // The visitor never sees it.
    const mine = await ok(s.http(`/api/conversations/${conv.id}`, { token: conv.token }))
    expect(mine.conversation.sla).toBeUndefined()

    // An answer in time meets the first response.
    await clock.advance(5 * MINUTE)
    await ok(
      s.http(`/api/conversations/${conv.id}/messages`, {
        token: agent.token,
        body: { clientMsgId: 'a1', text: 'looking into it' },
      }),
      201,
    )
    const answered = (await obs.conversation(conv.id)).sla
    expect(answered).toMatchObject({ responded: true, firstResponseDue: null })
    // The visitor writes again: the next response runs from then.
    await clock.advance(MINUTE)
    const t1 = clock.now()
    await httpSend(s, conv.token, conv.id, 'v2', 'any news?')
    expect((await obs.conversation(conv.id)).sla.nextResponseDue).toBe(t1 + 30 * MINUTE)
    await httpSend(s, conv.token, conv.id, 'v3', 'hello?')
    // A second message of the same wait moves nothing.
    expect((await obs.conversation(conv.id)).sla.nextResponseDue).toBe(t1 + 30 * MINUTE)

    await clock.advance(30 * MINUTE)
    const alert = await feed.next(
      (f) => f.type === 'feed' && f.name === 'alert' && f.data.kind === 'sla_breached',
    )
    expect(alert.data).toEqual({
      kind: 'sla_breached',
      conversationId: conv.id,
      slaKind: 'next_response',
      due: t1 + 30 * MINUTE,
    })
    await obs.settled(conv.id)
    const breached = (await obs.conversation(conv.id)).sla as ConversationSla
    expect(breached.nextResponseDue).toBeNull()
    expect(breached.breaches).toEqual([
      { kind: 'next_response', due: t1 + 30 * MINUTE, at: t1 + 30 * MINUTE },
    ])
    // The resolution deadline (two hours from the start) passes too: recorded once.
    await clock.advance(2 * HOUR)
    await obs.settled(conv.id)
    await clock.advance(HOUR)
    await obs.settled(conv.id)
    const events = await slaEvents(s, conv.id)
    expect(events.map((e) => `${e.change}:${e.kind ?? ''}`)).toEqual([
      'applied:',
      'breached:next_response',
      'breached:resolution',
    ])
    expect(events[1]?.by).toEqual({ kind: 'system', id: 'sla' })
    // The list shows it to operators with its breaches.
    const row = (await ok(s.http('/api/inbox', { token: agent.token }))).items.find(
      (i: any) => i.id === conv.id,
    )
    expect(row.conversation?.sla?.breaches?.length ?? row.sla?.breaches?.length).toBe(2)
  })

  test('sla stops and restarts - resolving stops every deadline; removing the SLA records it; a deadline set before a restart is recorded after it, armed again from the store', async () => {
    const clock = new FakeClock()
    const first = await scene(clock)
    const p = await policy(first.s, first.inboxId, { name: 'Fast', firstResponseMinutes: 10 })
    const t0 = clock.now()
    const a = await httpStart(first.s, undefined, 'first')
    const b = await httpStart(first.s, undefined, 'second')
    await ok(apply(first.s, first.agent, a.id, p.id))
    await ok(apply(first.s, first.agent, b.id, p.id))
    // Resolved in time: nothing pending, nothing breached later.
    await ok(
      first.s.http(`/api/conversations/${a.id}/status`, {
        token: first.agent.token,
        body: { status: 'resolved' },
      }),
    )
    expect((await first.obs.conversation(a.id)).sla.firstResponseDue).toBeNull()

    // Restarted before b's deadline.
    const s = await u.restart(first.s, { clock })
    // The deadline is in the store for whoever arms it after the restart.
    expect(await s.store.queries.pendingSlaDeadlines(first.inboxId)).toEqual([
      { id: b.id, due: t0 + 10 * MINUTE },
    ])
    await clock.advance(20 * MINUTE)
    // Whatever starts the inbox actor again (a visitor does).
    await httpStart(s, undefined, 'wake the inbox')
    const obs = await Observer.create(u, s)
    // Once the inbox actor is up, the timer it armed from the store is due at once; it may be
    // armed only after a given advance, so each poll advances the clock.
    await waitUntil('the passed deadline is recorded', async () => {
      await clock.advance(0)
      return (await slaEvents(s, b.id)).length === 2
    })
    await obs.settled(b.id)
    const events = await slaEvents(s, b.id)
    expect(events.map((e) => `${e.change}:${e.kind ?? ''}`)).toEqual([
      'applied:',
      'breached:first_response',
    ])
    expect(events[1]?.due).toBe(t0 + 10 * MINUTE)
    expect((await slaEvents(s, a.id)).map((e) => e.change)).toEqual(['applied'])
    // Applying the same policy again does not make the breached deadline pending again.
    const agent = await s.operator({ inboxIds: [first.inboxId] })
    const again = await ok(apply(s, agent, b.id, p.id))
    expect(again.sla.firstResponseDue).toBeNull()
    expect(again.sla.breaches).toHaveLength(1)
    const removed = await ok(apply(s, agent, b.id, null))
    expect(removed.sla).toBeNull()
    expect((await obs.conversation(b.id)).sla).toBeUndefined()
    expect((await slaEvents(s, b.id)).at(-1)?.change).toBe('removed')
    // None again: no change.
    expect((await ok(apply(s, agent, b.id, null))).seq).toBe(removed.seq)
  })

  test('sla business hours - counted in the open hours of the branch; a rule applies it to urgent conversations', async () => {
    /** Monday 2026-12-07, 17:50 in Moscow (UTC+3): ten minutes before an 18:00 closing. */
    const MONDAY_1750_MSK = Date.parse('2026-12-07T14:50:00Z')
    const clock = new FakeClock(MONDAY_1750_MSK)
    const { s, inboxId, agent } = await scene(clock)
    const admin = await s.adminToken()
    await ok(
      s.http(`/api/admin/branches/${inboxId}`, {
        token: admin,
        method: 'PATCH',
        body: {
          schedule: {
            timeZone: 'Europe/Moscow',
            week: Object.fromEntries(
              ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ from: '09:00', to: '18:00' }]]),
            ),
            exceptions: [],
          },
        },
      }),
    )
    const p = await policy(s, inboxId, {
      name: 'Business',
      firstResponseMinutes: 30,
      businessHours: true,
    })
    const rule = await ok(
      s.http(`/api/admin/inboxes/${inboxId}/rules`, {
        token: admin,
        body: {
          name: 'Urgent SLA',
          event: 'conversation.updated',
          conditions: [{ field: 'priority', op: 'is', value: 'urgent' }],
          actions: [{ type: 'apply_sla', policyId: p.id }],
        },
      }),
      201,
    )
    const badRule = await refusal(
      s.http(`/api/admin/inboxes/${inboxId}/rules`, {
        token: admin,
        body: {
          name: 'Nope',
          event: 'conversation.created',
          actions: [{ type: 'apply_sla', policyId: 'no-such-policy' }],
        },
      }),
    )
    expect(badRule.status).toBe(422)
    const conv = await httpStart(s, undefined, 'urgent please')
    await ok(
      s.http(`/api/conversations/${conv.id}/priority`, {
        token: agent.token,
        body: { priority: 'urgent' },
      }),
    )
    const obs = await Observer.create(u, s)
    await waitUntil(
      'the rule applied the SLA',
      async () => (await obs.conversation(conv.id)).sla !== undefined,
    )
    const sla = (await obs.conversation(conv.id)).sla as ConversationSla
    // 10 open minutes on Monday, then 20 more from Tuesday 09:00 Moscow (06:00 UTC).
    expect(sla.firstResponseDue).toBe(Date.parse('2026-12-08T06:20:00Z'))
    expect(sla.businessHours).toBe(true)
    // The runner counts the run once its action is done (server/rules/runner.ts settle).
    await waitUntil(
      'the run counted',
      async () => ((await s.store.rules.get(rule.rule.id))?.runs ?? 0) >= 1,
      { timeoutMs: 10_000 },
    )
    expect((await s.store.rules.get(rule.rule.id))?.runs).toBe(1)
    // A second urgent change does not apply it again.
    await ok(
      s.http(`/api/conversations/${conv.id}/priority`, {
        token: agent.token,
        body: { priority: 'high' },
      }),
    )
    await ok(
      s.http(`/api/conversations/${conv.id}/priority`, {
        token: agent.token,
        body: { priority: 'urgent' },
      }),
    )
    await waitUntil(
      'the rule ran again',
      async () => ((await s.store.rules.get(rule.rule.id))?.runs ?? 0) >= 2,
    )
    expect((await slaEvents(s, conv.id)).map((e) => e.change)).toEqual(['applied'])
  })
})
