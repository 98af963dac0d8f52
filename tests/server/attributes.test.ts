/**
 * Custom attributes (issue 20) through the real server, on SQLite or Postgres
 * (PARLEY_TEST_DB): admins define typed attributes of an inbox's visitors and conversations;
 * operators set conversation values (one `conversation.attributes` event, live to operators,
 * never to the visitor) and visitor values; the visitor's own profile writes (the SDK's
 * `setAttributes`, pre-chat forms) are checked against the definitions; the list and its counts
 * filter by a value; rules test them; wrong values, unknown keys and outsiders are refused and
 * change nothing; deleting a definition removes its values from conversations.
 */
import { describe, expect, test } from 'bun:test'
import type { Rule } from '../../protocol/rules.ts'
import { httpStart } from '../helpers/http.ts'
import { useServers } from '../helpers/lifecycle.ts'
import { waitUntil } from '../helpers/processes.ts'
import type { TestServer } from '../helpers/server.ts'

const u = useServers()

async function ok(res: Promise<{ status: number; body: any }>, status = 200) {
  const r = await res
  if (r.status !== status) throw new Error(`${r.status} ${JSON.stringify(r.body)}`)
  return r.body
}

async function refusal(res: Promise<{ status: number; body: any }>) {
  const r = await res
  return { status: r.status, code: r.body?.error?.code, message: String(r.body?.error?.message) }
}

async function define(s: TestServer, inboxId: string, def: Record<string, unknown>) {
  const body = await ok(
    s.http(`/api/admin/inboxes/${inboxId}/attributes`, { token: await s.adminToken(), body: def }),
    201,
  )
  return body.attribute as { id: string; key: string }
}

function setAttributes(s: TestServer, token: string, id: string, attributes: unknown) {
  return s.http(`/api/conversations/${id}/attributes`, {
    token,
    method: 'PATCH',
    body: { attributes },
  })
}

describe('custom attributes (issue 20)', () => {
  test('definitions - admins define, rename and delete; bad input and outsiders are refused', async () => {
    const s = await u.server()
    const admin = await s.adminToken()
    const inboxId = await s.defaultInboxId()
    const op = await s.operator({ inboxIds: [inboxId] })
    const plan = await define(s, inboxId, {
      scope: 'conversation',
      key: 'plan',
      name: 'Plan',
      type: 'list',
      options: ['free', 'pro'],
    })
    await define(s, inboxId, { scope: 'visitor', key: 'seats', name: 'Seats', type: 'number' })
    // The same key in the other scope is another attribute.
    await define(s, inboxId, { scope: 'visitor', key: 'plan', name: 'Plan', type: 'text' })

    const listed = await ok(s.http(`/api/inboxes/${inboxId}/attributes`, { token: op.token }))
    expect(listed.attributes.map((a: any) => `${a.scope}:${a.key}`)).toEqual([
      'visitor:plan',
      'visitor:seats',
      'conversation:plan',
    ])

    const bad = (body: unknown) =>
      refusal(s.http(`/api/admin/inboxes/${inboxId}/attributes`, { token: admin, body }))
    const taken = await bad({ scope: 'conversation', key: 'plan', name: 'P', type: 'text' })
    expect(taken.status).toBe(409)
    for (const body of [
      { scope: 'conversation', key: 'Plan!', name: 'X', type: 'text' },
      { scope: 'visitor', key: 'email', name: 'E-mail', type: 'text' },
      { scope: 'conversation', key: 'tier', name: 'Tier', type: 'list' },
      { scope: 'conversation', key: 'tier', name: 'Tier', type: 'text', options: ['a'] },
      { scope: 'conversation', key: 'tier', name: 'Tier', type: 'list', options: ['a', 'a'] },
      { scope: 'conversation', key: 'tier', name: 'Tier', type: 'color' },
      { scope: 'team', key: 'tier', name: 'Tier', type: 'text' },
      { scope: 'conversation', key: 'tier', name: '', type: 'text' },
    ]) {
      const r = await bad(body)
      expect(r.status, JSON.stringify(body)).toBe(422)
    }
    // Operators may not define; an inbox they cannot see does not exist.
    const byOperator = await refusal(
      s.http(`/api/admin/inboxes/${inboxId}/attributes`, {
        token: op.token,
        body: { scope: 'conversation', key: 'x', name: 'X', type: 'text' },
      }),
    )
    expect(byOperator.status).toBe(403)
    const other = await ok(
      s.http('/api/admin/inboxes', { token: admin, body: { name: 'Other' } }),
      201,
    )
    const outsider = await s.operator({ inboxIds: [other.id] })
    expect(
      (await refusal(s.http(`/api/inboxes/${inboxId}/attributes`, { token: outsider.token })))
        .status,
    ).toBe(404)

    const renamed = await ok(
      s.http(`/api/admin/attributes/${plan.id}`, {
        token: admin,
        method: 'PATCH',
        body: { name: 'Plan tier', options: ['free', 'pro', 'enterprise'] },
      }),
    )
    expect(renamed.attribute).toMatchObject({
      key: 'plan',
      name: 'Plan tier',
      options: ['free', 'pro', 'enterprise'],
    })
    const seats = listed.attributes.find((a: any) => a.key === 'seats')
    const noOptions = await refusal(
      s.http(`/api/admin/attributes/${seats.id}`, {
        token: admin,
        method: 'PATCH',
        body: { options: ['1'] },
      }),
    )
    expect(noOptions.status).toBe(422)
    // The type cannot change.
    const retyped = await refusal(
      s.http(`/api/admin/attributes/${seats.id}`, {
        token: admin,
        method: 'PATCH',
        body: { type: 'text' },
      }),
    )
    expect(retyped.status).toBe(422)
    const audit = await ok(s.http('/api/admin/audit?action=attribute.updated', { token: admin }))
    expect(audit.entries.length).toBeGreaterThan(0)
  })

  test('values - operators set typed conversation and visitor values; the visitor never sees them', async () => {
    const s = await u.server()
    const inboxId = await s.defaultInboxId()
    const op = await s.operator({ inboxIds: [inboxId] })
    for (const def of [
      { scope: 'conversation', key: 'plan', name: 'Plan', type: 'list', options: ['free', 'pro'] },
      { scope: 'conversation', key: 'seats', name: 'Seats', type: 'number' },
      { scope: 'conversation', key: 'renews', name: 'Renews', type: 'date' },
      { scope: 'conversation', key: 'vip', name: 'VIP', type: 'checkbox' },
      { scope: 'conversation', key: 'crm', name: 'CRM', type: 'link' },
      { scope: 'conversation', key: 'note', name: 'Note', type: 'text' },
      { scope: 'visitor', key: 'company_size', name: 'Company size', type: 'number' },
    ]) {
      await define(s, inboxId, def)
    }
    const conv = await httpStart(s, undefined, 'hello')

    const set = await ok(
      setAttributes(s, op.token, conv.id, {
        plan: 'pro',
        seats: '12',
        renews: '2027-02-28',
        vip: true,
        crm: 'https://crm.example.com/a/1',
        note: '  key account  ',
      }),
    )
    expect(set.attributes).toEqual({
      plan: 'pro',
      seats: 12,
      renews: '2027-02-28',
      vip: true,
      crm: 'https://crm.example.com/a/1',
      note: 'key account',
    })
    // Wrong values and unknown keys: typed errors, nothing written.
    for (const [attrs, why] of [
      [{ plan: 'gold' }, 'attributes.plan: is not one of the choices'],
      [{ seats: 'many' }, 'attributes.seats: must be a number'],
      [{ renews: '2027-02-30' }, 'attributes.renews: is not a day of the calendar'],
      [{ vip: 'yes' }, 'attributes.vip: must be true or false'],
      [{ crm: 'javascript:alert(1)' }, 'attributes.crm: must be an http(s) link'],
      [{ note: 'x'.repeat(501) }, 'longer than 500'],
      [{ nope: 'x', plan: 'free' }, 'attributes.nope: not a conversation attribute'],
      [{ 'Bad Key': 'x' }, ''],
    ] as const) {
      const r = await refusal(setAttributes(s, op.token, conv.id, attrs))
      expect(r.status, JSON.stringify(attrs)).toBe(422)
      expect(r.message).toContain(why)
    }
    const after = await ok(s.http(`/api/conversations/${conv.id}`, { token: op.token }))
    expect(after.conversation.attributes.plan).toBe('pro')
    // The visitor's view of the conversation has none of them.
    const mine = await ok(s.http(`/api/conversations/${conv.id}`, { token: conv.token }))
    expect(mine.conversation.attributes).toBeUndefined()
    const visitorHistory = await ok(
      s.http(`/api/conversations/${conv.id}/messages`, { token: conv.token }),
    )
    expect(JSON.stringify(visitorHistory)).not.toContain('key account')
    // Visitors cannot set them.
    expect((await refusal(setAttributes(s, conv.token, conv.id, { plan: 'free' }))).status).toBe(
      403,
    )

    // Removing, and the same value again: only what differs is recorded.
    const removed = await ok(setAttributes(s, op.token, conv.id, { note: null, plan: 'pro' }))
    expect(removed.attributes.note).toBeUndefined()
    const again = await ok(setAttributes(s, op.token, conv.id, { note: null, plan: 'pro' }))
    expect(again.seq).toBe(removed.seq)
    const events = await s.store.conversations.eventsAfter(conv.id, 0, 100)
    const changes = events.filter((e) => e.name === 'conversation.attributes')
    expect(
      changes.map((e) => (e.name === 'conversation.attributes' ? e.data.changed : null)),
    ).toEqual([
      {
        plan: 'pro',
        seats: 12,
        renews: '2027-02-28',
        vip: true,
        crm: 'https://crm.example.com/a/1',
        note: 'key account',
      },
      { note: null },
    ])
    // The activity the panel's thread shows includes them.
    const history = await ok(
      s.http(`/api/conversations/${conv.id}/messages?before=1000`, { token: op.token }),
    )
    expect(JSON.stringify(history)).toContain('conversation.attributes')

    // The visitor's attributes: defined keys typed, others free-form; the visitor's own write
    // (the SDK, a pre-chat form) is checked alike.
    const visitor = await ok(
      s.http(`/api/conversations/${conv.id}/visitor`, {
        token: op.token,
        method: 'PATCH',
        body: { attributes: { company_size: '250', source: 'ads' } },
      }),
    )
    expect(visitor.attributes).toEqual({ company_size: 250, source: 'ads' })
    const wrong = await refusal(
      s.http(`/api/conversations/${conv.id}/visitor`, {
        token: op.token,
        method: 'PATCH',
        body: { attributes: { company_size: 'big' } },
      }),
    )
    expect(wrong).toMatchObject({ status: 422, code: 'validation_failed' })
    const own = await refusal(
      s.http('/api/visitor/profile', {
        token: conv.token,
        method: 'PATCH',
        body: { attributes: { company_size: 'huge' } },
      }),
    )
    expect(own.status).toBe(422)
    const ownOk = await ok(
      s.http('/api/visitor/profile', {
        token: conv.token,
        method: 'PATCH',
        body: { attributes: { company_size: 300 } },
      }),
    )
    expect(ownOk.attributes.company_size).toBe(300)
    const read = await ok(s.http(`/api/conversations/${conv.id}/visitor`, { token: op.token }))
    expect(read.visitor.attributes).toEqual({ company_size: 300, source: 'ads' })
  })

  test('filters, rules and deletion - the list filters by a value; a rule tests one; a deleted definition takes its values', async () => {
    const s = await u.server()
    const admin = await s.adminToken()
    const inboxId = await s.defaultInboxId()
    const op = await s.operator({ inboxIds: [inboxId] })
    const plan = await define(s, inboxId, {
      scope: 'conversation',
      key: 'plan',
      name: 'Plan',
      type: 'list',
      options: ['free', 'pro', 'a:b'],
    })
    await define(s, inboxId, { scope: 'conversation', key: 'seats', name: 'Seats', type: 'number' })
    await define(s, inboxId, { scope: 'visitor', key: 'tier', name: 'Tier', type: 'text' })
    const a = await httpStart(s, undefined, 'a')
    const b = await httpStart(s, undefined, 'b')
    const c = await httpStart(s, undefined, 'c')
    await ok(setAttributes(s, op.token, a.id, { plan: 'pro', seats: 10 }))
    await ok(setAttributes(s, op.token, b.id, { plan: 'free', seats: 100 }))
    await ok(setAttributes(s, op.token, c.id, { plan: 'a:b' }))

    const list = async (q: string) =>
      (await ok(s.http(`/api/inbox?${q}`, { token: op.token }))).items.map((i: any) => i.id)
    expect(await list('attribute=plan:pro')).toEqual([a.id])
    expect(await list('attribute=seats:10')).toEqual([a.id])
    expect(await list('attribute=plan:a%3Ab')).toEqual([c.id])
    expect(await list('attribute=plan:enterprise')).toEqual([])
    const counts = await ok(s.http('/api/inbox/counts?attribute=plan:free', { token: op.token }))
    expect(counts.all).toBe(1)
    expect((await refusal(s.http('/api/inbox?attribute=plan', { token: op.token }))).status).toBe(
      422,
    )
    // LIKE wildcards in the value match nothing but themselves.
    expect(await list('attribute=plan:%25')).toEqual([])
    expect(await list('attribute=plan:_ro')).toEqual([])

    // Rules: saved only when the attribute is the inbox's and the value fits its type.
    const rule = (conditions: unknown[]) =>
      s.http(`/api/admin/inboxes/${inboxId}/rules`, {
        token: admin,
        body: {
          name: 'Big customers',
          event: 'message.created',
          conditions,
          actions: [{ type: 'set_priority', priority: 'high' }],
        },
      })
    for (const [condition, why] of [
      [{ field: 'attribute', scope: 'conversation', key: 'nope', op: 'set', value: null }, 'nope'],
      [{ field: 'attribute', scope: 'visitor', key: 'plan', op: 'set', value: null }, 'plan'],
      [
        { field: 'attribute', scope: 'conversation', key: 'plan', op: 'is', value: 'gold' },
        'choices',
      ],
      [
        { field: 'attribute', scope: 'conversation', key: 'seats', op: 'greater', value: 'x' },
        'number',
      ],
      [
        { field: 'attribute', scope: 'conversation', key: 'plan', op: 'greater', value: 'pro' },
        'compares',
      ],
      [{ field: 'attribute', scope: 'conversation', key: 'plan', op: 'set', value: 'pro' }, 'null'],
    ] as const) {
      const r = await refusal(rule([condition]))
      expect(r.status, JSON.stringify(condition)).toBe(422)
      expect(r.message).toContain(why)
    }
    const saved = (
      await ok(
        rule([
          { field: 'attribute', scope: 'conversation', key: 'seats', op: 'greater', value: 50 },
          { field: 'attribute', scope: 'visitor', key: 'tier', op: 'contains', value: 'GOLD' },
        ]),
        201,
      )
    ).rule as Rule
    const visitorOf = async (id: string) =>
      (await ok(s.http(`/api/conversations/${id}/visitor`, { token: op.token }))).visitor
    await ok(
      s.http(`/api/conversations/${b.id}/visitor`, {
        token: op.token,
        method: 'PATCH',
        body: { attributes: { tier: 'Gold partner' } },
      }),
    )
    expect((await visitorOf(b.id)).attributes.tier).toBe('Gold partner')
    await ok(
      s.http(`/api/conversations/${a.id}/visitor`, {
        token: op.token,
        method: 'PATCH',
        body: { attributes: { tier: 'gold' } },
      }),
    )
    const dry = await ok(
      s.http(`/api/admin/inboxes/${inboxId}/rules/dry-run`, {
        token: admin,
        body: { conditions: saved.conditions, days: 1 },
      }),
    )
    expect(dry.conversations.map((x: any) => x.id)).toEqual([b.id])
    // Messages in both: only b has more than 50 seats and a gold visitor.
    const send = (conv: { id: string; token: string }, text: string) =>
      s.http(`/api/conversations/${conv.id}/messages`, {
        token: conv.token,
        body: { clientMsgId: crypto.randomUUID(), text },
      })
    await ok(send(a, 'more'), 201)
    await ok(send(b, 'more'), 201)
    await waitUntil(
      'the rule set b to high',
      async () =>
        (await ok(s.http(`/api/conversations/${b.id}`, { token: op.token }))).conversation
          .priority === 'high',
      { timeoutMs: 10_000 },
    )
    // The runner counts the run once the action is done (server/rules/runner.ts settle).
    await waitUntil(
      'the run counted',
      async () => ((await s.store.rules.get(saved.id))?.runs ?? 0) >= 1,
      { timeoutMs: 10_000 },
    )
    const stored = await s.store.rules.get(saved.id)
    expect(stored?.runs).toBe(1)
    const aNow = await ok(s.http(`/api/conversations/${a.id}`, { token: op.token }))
    expect(aNow.conversation.priority).toBeUndefined()

    // Deleting the definition takes its values off every conversation, by the system.
    const deleted = await ok(
      s.http(`/api/admin/attributes/${plan.id}`, { token: admin, method: 'DELETE' }),
    )
    expect(deleted).toEqual({ ok: true, removedFrom: 3 })
    for (const conv of [a, b, c]) {
      const now = await ok(s.http(`/api/conversations/${conv.id}`, { token: op.token }))
      expect(now.conversation.attributes?.plan).toBeUndefined()
    }
    expect(await list('attribute=plan:pro')).toEqual([])
    const events = await s.store.conversations.eventsAfter(a.id, 0, 100)
    const last = events.filter((e) => e.name === 'conversation.attributes').at(-1)
    expect(last?.name === 'conversation.attributes' && last.data).toEqual({
      changed: { plan: null },
      by: { kind: 'system', id: 'attributes' },
    })
    // Now unknown: refused.
    const gone = await refusal(setAttributes(s, op.token, a.id, { plan: 'pro' }))
    expect(gone.status).toBe(422)
  })

  test('rule action - a rule sets or clears a conversation attribute through its actor; a bad one is refused at save', async () => {
    const s = await u.server()
    const admin = await s.adminToken()
    const inboxId = await s.defaultInboxId()
    await define(s, inboxId, {
      scope: 'conversation',
      key: 'plan',
      name: 'Plan',
      type: 'list',
      options: ['free', 'pro'],
    })
    await define(s, inboxId, { scope: 'conversation', key: 'seats', name: 'Seats', type: 'number' })
    await define(s, inboxId, { scope: 'visitor', key: 'tier', name: 'Tier', type: 'text' })
    const rule = (body: Record<string, unknown>) =>
      s.http(`/api/admin/inboxes/${inboxId}/rules`, { token: admin, body })
    const bad = async (action: Record<string, unknown>) => {
      const r = await refusal(
        rule({
          name: 'Bad',
          event: 'conversation.created',
          actions: [{ type: 'set_attribute', ...action }],
        }),
      )
      return [r.status, r.code, r.message]
    }
    expect(await bad({ key: 'plan', value: 'gold' })).toEqual([
      422,
      'validation_failed',
      expect.stringContaining('actions[0] (set_attribute)'),
    ])
    expect((await bad({ key: 'tier', value: 'x' }))[0]).toBe(422)
    expect((await bad({ key: 'nope', value: null }))[0]).toBe(422)
    expect((await bad({ key: 'seats', value: 'many' }))[0]).toBe(422)
    expect((await bad({ key: 'plan' }))[0]).toBe(422)
    await ok(
      rule({
        name: 'Pro by default',
        event: 'conversation.created',
        actions: [
          { type: 'set_attribute', key: 'plan', value: 'pro' },
          { type: 'set_attribute', key: 'seats', value: '5' },
        ],
      }),
      201,
    )
    const { id } = await httpStart(s, undefined, 'hello')
    const attributes = async () =>
      (await ok(s.http(`/api/conversations/${id}`, { token: admin }))).conversation.attributes
    await waitUntil('the rule set both', async () => (await attributes())?.seats === 5)
    expect(await attributes()).toEqual({ plan: 'pro', seats: 5 })
    const events = (await s.store.conversations.eventsAfter(id, 0, 100)).filter(
      (e) => e.name === 'conversation.attributes',
    )
    expect(events.map((e) => (e.data as { changed: unknown }).changed)).toEqual([
      { plan: 'pro' },
      { seats: 5 },
    ])
    expect((events[0]?.data as { by: { kind: string; id: string } }).by.id).toMatch(/^rule:/)
    // Another rule clears one (null).
    await ok(
      rule({
        name: 'Urgent: no plan',
        event: 'conversation.updated',
        conditions: [{ field: 'priority', op: 'is', value: 'urgent' }],
        actions: [{ type: 'set_attribute', key: 'plan', value: null }],
      }),
      201,
    )
    const op = await s.operator({ inboxIds: [inboxId] })
    await ok(
      s.http(`/api/conversations/${id}/priority`, {
        token: op.token,
        body: { priority: 'urgent' },
      }),
    )
    await waitUntil('the rule cleared it', async () => (await attributes())?.plan === undefined)
    expect(await attributes()).toEqual({ seats: 5 })
  })
})
