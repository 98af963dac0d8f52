/**
 * Automation rules (issue 20) through the real server, on SQLite or Postgres (PARLEY_TEST_DB):
 * saved only when every label, branch and operator they name is the inbox's; run by the
 * system when their event happens and their conditions hold, in order, once per trigger, also
 * when the runner is killed between its actions and its record (the state a crash leaves is
 * made by hand, then the server restarts); a chain of rules triggering each other stops at
 * depth 3 and says so on the rule; a visitor waiting N minutes triggers a rule once per wait;
 * a dry run counts what the conditions match.
 */
import { describe, expect, test } from 'bun:test'
import { FakeClock } from '../../actors/index.ts'
import type { Rule } from '../../protocol/rules.ts'
import { httpSend, httpStart } from '../helpers/http.ts'
import { useServers } from '../helpers/lifecycle.ts'
import { waitUntil } from '../helpers/processes.ts'
import { rawSql, type TestServer } from '../helpers/server.ts'
import { startReceiver } from '../helpers/webhook-receiver.ts'

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

async function label(s: TestServer, inboxId: string, name: string): Promise<string> {
  const body = await ok(
    s.http(`/api/admin/inboxes/${inboxId}/labels`, {
      token: await s.adminToken(),
      body: { name, color: '#336699' },
    }),
    201,
  )
  return body.label.id
}

async function addRule(s: TestServer, inboxId: string, rule: Record<string, unknown>) {
  const body = await ok(
    s.http(`/api/admin/inboxes/${inboxId}/rules`, { token: await s.adminToken(), body: rule }),
    201,
  )
  return body.rule as Rule
}

async function getRule(s: TestServer, id: string): Promise<Rule> {
  const rules = await s.store.rules.get(id)
  if (!rules) throw new Error(`rule ${id} is gone`)
  return rules
}

/** Waits (bounded) until the rule has recorded `n` runs of any outcome. */
async function runsOf(s: TestServer, ruleId: string, n: number): Promise<void> {
  await waitUntil(
    `rule ${ruleId} ran ${n} times`,
    async () => {
      const rows = (await rawSql(
        s,
        `select count(*) as n from rule_runs where rule_id = '${ruleId}'`,
      )) as { n: number | string }[]
      return Number(rows[0]?.n ?? 0) >= n
    },
    { timeoutMs: 10_000, intervalMs: 25 },
  )
}

describe('rules (issue 20): saving', () => {
  test('rules - saved in order with checked references; reordered, turned off, changed, deleted; typed errors change nothing', async () => {
    const s = await u.server()
    const inboxId = await s.defaultInboxId()
    const admin = await s.adminToken()
    const vip = await label(s, inboxId, 'VIP')
    const first = await addRule(s, inboxId, {
      name: 'VIP first',
      event: 'message.created',
      conditions: [
        { field: 'label', op: 'has', value: vip },
        { field: 'author', op: 'is', value: 'visitor' },
      ],
      actions: [{ type: 'set_priority', priority: 'urgent' }],
    })
    expect(first).toMatchObject({ position: 0, enabled: true, runs: 0, waitMinutes: null })
    const second = await addRule(s, inboxId, {
      name: 'Waited 10 minutes',
      event: 'conversation.waited',
      waitMinutes: 10,
      actions: [{ type: 'send_message', text: 'Sorry for the wait!' }],
    })
    expect(second.position).toBe(1)
    const list = async () =>
      (await ok(s.http(`/api/admin/inboxes/${inboxId}/rules`, { token: admin }))).rules.map(
        (r: Rule) => r.name,
      )
    expect(await list()).toEqual(['VIP first', 'Waited 10 minutes'])

    const reordered = await ok(
      s.http(`/api/admin/inboxes/${inboxId}/rules/order`, {
        token: admin,
        method: 'PUT',
        body: { ids: [second.id, first.id] },
      }),
    )
    expect(reordered.rules.map((r: Rule) => r.id)).toEqual([second.id, first.id])
    const patched = await ok(
      s.http(`/api/admin/rules/${first.id}`, {
        token: admin,
        method: 'PATCH',
        body: { enabled: false, name: 'VIP (off)' },
      }),
    )
    expect(patched.rule).toMatchObject({ enabled: false, name: 'VIP (off)', position: 1 })

    // Typed refusals, nothing stored.
    const base = {
      name: 'Bad',
      event: 'message.created',
      actions: [{ type: 'add_note', text: 'x' }],
    }
    const cases: [Record<string, unknown>, number, string, RegExp][] = [
      [
        { ...base, conditions: [{ field: 'label', op: 'has', value: 'nope' }] },
        422,
        'validation_failed',
        /conditions\[0\] \(label\)/,
      ],
      [
        { ...base, conditions: [{ field: 'branch', op: 'is', value: 'nope' }] },
        422,
        'validation_failed',
        /conditions\[0\] \(branch\)/,
      ],
      [
        { ...base, conditions: [{ field: 'assignee', op: 'is', value: 'nobody-here' }] },
        422,
        'validation_failed',
        /not an operator/,
      ],
      [
        { ...base, actions: [{ type: 'add_labels', labelIds: ['nope'] }] },
        422,
        'validation_failed',
        /actions\[0\]/,
      ],
      [{ ...base, actions: [{ type: 'assign', to: 'me' }] }, 422, 'validation_failed', /./],
      [{ ...base, event: 'conversation.waited' }, 422, 'validation_failed', /waitMinutes/],
      [{ ...base, waitMinutes: 5 }, 422, 'validation_failed', /waitMinutes/],
      [
        { ...base, conditions: [{ field: 'country', op: 'is', value: 'germany' }] },
        422,
        'validation_failed',
        /./,
      ],
      [
        {
          ...base,
          conditions: [{ field: 'message_text', op: 'contains', value: 'x'.repeat(201) }],
        },
        422,
        'validation_failed',
        /./,
      ],
      [{ ...base, event: 'message.deleted' }, 422, 'validation_failed', /./],
      [{ ...base, name: 'vip first' }, 201, '', /./],
      [{ ...base, name: 'VIP FIRST' }, 409, 'conflict', /already exists/],
    ]
    for (const [body, status, code, message] of cases) {
      const r = await refusal(s.http(`/api/admin/inboxes/${inboxId}/rules`, { token: admin, body }))
      expect({ body, status: r.status }).toEqual({ body, status })
      if (status !== 201) {
        expect(r.code).toBe(code)
        expect(r.message).toMatch(message)
      }
    }
    // A reorder must name every rule once.
    const bad = await refusal(
      s.http(`/api/admin/inboxes/${inboxId}/rules/order`, {
        token: admin,
        method: 'PUT',
        body: { ids: [first.id] },
      }),
    )
    expect(bad).toMatchObject({ status: 422, code: 'validation_failed' })
    // Switching an event to waited needs its minutes.
    const noMinutes = await refusal(
      s.http(`/api/admin/rules/${first.id}`, {
        token: admin,
        method: 'PATCH',
        body: { event: 'conversation.waited' },
      }),
    )
    expect(noMinutes).toMatchObject({ status: 422, code: 'validation_failed' })
    expect(await list()).toEqual(['Waited 10 minutes', 'VIP (off)', 'vip first'])

    // Operators may not see or change rules; a supervisor of another inbox sees no such inbox.
    const agent = await s.operator({ inboxIds: [inboxId] })
    expect(
      (await refusal(s.http(`/api/admin/inboxes/${inboxId}/rules`, { token: agent.token }))).status,
    ).toBe(403)
    expect(
      (
        await refusal(
          s.http(`/api/admin/rules/${first.id}`, {
            token: agent.token,
            method: 'DELETE',
          }),
        )
      ).status,
    ).toBe(403)

    await ok(s.http(`/api/admin/rules/${first.id}`, { token: admin, method: 'DELETE' }))
    expect(await list()).toEqual(['Waited 10 minutes', 'vip first'])
    const gone = await refusal(
      s.http(`/api/admin/rules/${first.id}`, { token: admin, method: 'DELETE' }),
    )
    expect(gone.status).toBe(404)
    // Every change is on the audit trail.
    const trail = await ok(s.http('/api/admin/audit?limit=50', { token: admin }))
    const actions = trail.entries.map((e: { action: string }) => e.action)
    for (const a of ['rule.created', 'rule.updated', 'rule.reordered', 'rule.deleted']) {
      expect(actions).toContain(a)
    }
  })
})

describe('rules (issue 20): running', () => {
  test('rules - a visitor message that matches: label, priority, a message and a note by the rule, in order; the visitor still waits; others do not match', async () => {
    const s = await u.server()
    const inboxId = await s.defaultInboxId()
    const refund = await label(s, inboxId, 'Refund')
    const rule = await addRule(s, inboxId, {
      name: 'Refunds',
      event: 'message.created',
      conditions: [
        { field: 'message_text', op: 'contains', value: 'REFUND' },
        { field: 'author', op: 'is', value: 'visitor' },
      ],
      actions: [
        { type: 'add_labels', labelIds: [refund] },
        { type: 'set_priority', priority: 'high' },
        { type: 'send_message', text: 'Refunds take 3 days; an operator will confirm.' },
        { type: 'add_note', text: 'Check the order first.' },
      ],
    })
    const { id, token } = await httpStart(s, undefined, 'hello')
    await httpSend(s, token, id, 'm2', 'I want a refund please')
    await runsOf(s, rule.id, 1)
    const log = await s.store.conversations.eventsAfter(id, 0, 100)
    const by = `rule:${rule.id}/1`
    const ruled = log.filter((e) => JSON.stringify(e.data).includes(by)).map((e) => e.name)
    expect(ruled).toEqual([
      'conversation.labels',
      'conversation.priority',
      'message.created',
      'note.created',
    ])
    const reply = log.find(
      (e) => e.name === 'message.created' && e.data.message.author.kind === 'system',
    )
    expect(reply).toMatchObject({ data: { message: { author: { kind: 'system', id: by } } } })
    const conv = (await s.store.queries.conversationsById([id]))[0]!
    expect(conv).toMatchObject({ priority: 'high', labels: [refund] })
    // Its message answered nothing: the visitor's message still waits for a person.
    const live = await s.http(`/api/conversations/${id}`, { token: await s.adminToken() })
    expect(live.body.conversation.hasUnansweredIncoming).toBe(true)
    expect(live.body.conversation.waitingSince).not.toBeNull()
    expect(await getRule(s, rule.id)).toMatchObject({ runs: 1, lastError: null })

    // The first message did not match; a second matching one is a second trigger.
    await httpSend(s, token, id, 'm3', 'refund again?')
    await runsOf(s, rule.id, 2)
    const after = await s.store.conversations.eventsAfter(id, 0, 100)
    expect(
      after.filter((e) => e.name === 'message.created' && e.data.message.author.kind === 'system'),
    ).toHaveLength(2)
    // Labels and priority were already so: no new event for them.
    expect(after.filter((e) => e.name === 'conversation.labels')).toHaveLength(1)
    expect(after.filter((e) => e.name === 'conversation.priority')).toHaveLength(1)
    // An operator's message does not match `author is visitor`.
    const admin = await s.adminToken()
    await ok(
      s.http(`/api/conversations/${id}/messages`, {
        token: admin,
        body: { clientMsgId: 'op-1', text: 'your refund is on its way' },
      }),
      201,
    )
    const { id: other, token: t2 } = await httpStart(s, undefined, 'no money talk')
    await httpSend(s, t2, other, 'x', 'just browsing')
    // Once the runner has looked at every mark (bounded), nothing more was recorded.
    await waitUntil(
      'every mark is settled',
      async () =>
        ((await rawSql(s, 'select conversation_id from rule_marks')) as unknown[]).length === 0,
      { timeoutMs: 10_000, intervalMs: 25 },
    )
    const runs = (await rawSql(
      s,
      `select trigger from rule_runs where rule_id = '${rule.id}' order by trigger`,
    )) as { trigger: string }[]
    expect(runs.length).toBe(2)
  })

  test('rules - killed between its actions and its record: redone once, nothing twice; a recorded run is never redone', async () => {
    const s = await u.server()
    const inboxId = await s.defaultInboxId()
    const tag = await label(s, inboxId, 'Sales')
    const rule = await addRule(s, inboxId, {
      name: 'Sales',
      event: 'conversation.created',
      actions: [
        { type: 'add_labels', labelIds: [tag] },
        { type: 'send_message', text: 'A sales person will answer shortly.' },
        { type: 'set_priority', priority: 'high' },
      ],
    })
    const { id } = await httpStart(s, undefined, 'how much is it?')
    await runsOf(s, rule.id, 1)
    const count = async (srv: TestServer) => {
      const log = await srv.store.conversations.eventsAfter(id, 0, 100)
      return {
        messages: log.filter(
          (e) => e.name === 'message.created' && e.data.message.author.kind === 'system',
        ).length,
        labels: log.filter((e) => e.name === 'conversation.labels').length,
        priority: log.filter((e) => e.name === 'conversation.priority').length,
      }
    }
    expect(await count(s)).toEqual({ messages: 1, labels: 1, priority: 1 })
    // The state a kill -9 after the actions and before the record leaves: the mark of the
    // creation event still there, no run recorded.
    const s2 = await u.restart(s, {}, async () => {
      await rawSql(s, `delete from rule_runs where rule_id = '${rule.id}'`)
      await rawSql(
        s,
        `insert into rule_marks (conversation_id, from_seq, seq, marked_at) values ('${id}', 1, 1, 1)`,
      )
    })
    await runsOf(s2, rule.id, 1)
    await waitUntil(
      'the mark is gone',
      async () =>
        ((await rawSql(s2, `select conversation_id from rule_marks`)) as unknown[]).length === 0,
      { timeoutMs: 10_000, intervalMs: 25 },
    )
    expect(await count(s2)).toEqual({ messages: 1, labels: 1, priority: 1 })
    // A mark over a trigger whose run is recorded: skipped, the mark goes.
    await rawSql(
      s2,
      `insert into rule_marks (conversation_id, from_seq, seq, marked_at) values ('${id}', 1, 1, 1)`,
    )
    const s3 = await u.restart(s2)
    await waitUntil(
      'the mark is gone again',
      async () =>
        ((await rawSql(s3, `select conversation_id from rule_marks`)) as unknown[]).length === 0,
      { timeoutMs: 10_000, intervalMs: 25 },
    )
    expect(await count(s3)).toEqual({ messages: 1, labels: 1, priority: 1 })
    expect((await getRule(s3, rule.id)).runs).toBe(2)
    // Retention keeps runs 90 days: a run from 91 days ago goes, today's stays.
    const old = Date.now() - 91 * 86_400_000
    await rawSql(
      s3,
      `insert into rule_runs (rule_id, conversation_id, trigger, at, outcome, error) values ('${rule.id}', '${id}', 'seq:99', ${old}, 'done', null)`,
    )
    expect((await s3.runRetention()).ruleRunsRemoved).toBe(1)
    const left = (await rawSql(s3, `select trigger from rule_runs`)) as { trigger: string }[]
    expect(left.map((r) => r.trigger)).toEqual(['seq:1'])
  })

  test('rules - rules that trigger each other stop at depth 3; the rule that would go on says why', async () => {
    const s = await u.server()
    const inboxId = await s.defaultInboxId()
    const start = await addRule(s, inboxId, {
      name: 'Start',
      event: 'message.created',
      conditions: [{ field: 'author', op: 'is', value: 'visitor' }],
      actions: [{ type: 'set_priority', priority: 'high' }],
    })
    const up = await addRule(s, inboxId, {
      name: 'Up',
      event: 'conversation.updated',
      conditions: [{ field: 'priority', op: 'is', value: 'high' }],
      actions: [{ type: 'set_priority', priority: 'urgent' }],
    })
    const down = await addRule(s, inboxId, {
      name: 'Down',
      event: 'conversation.updated',
      conditions: [{ field: 'priority', op: 'is', value: 'urgent' }],
      actions: [{ type: 'set_priority', priority: 'high' }],
    })
    const { id } = await httpStart(s, undefined, 'help')
    // Start (1) -> Up (2) -> Down (3) -> Up would be 4: stopped.
    await waitUntil(
      'the loop was stopped',
      async () => (await getRule(s, up.id)).lastError !== null,
      { timeoutMs: 10_000, intervalMs: 25 },
    )
    const upNow = await getRule(s, up.id)
    expect(upNow.lastError?.message).toMatch(/rule "(Up|Down)".*deeper than 3/)
    expect((await getRule(s, start.id)).runs).toBe(1)
    // Whatever each rule did, nothing was done deeper than 3, and it all ended.
    const log = await s.store.conversations.eventsAfter(id, 0, 100)
    const changes = log.filter((e) => e.name === 'conversation.priority')
    expect(changes[0]).toMatchObject({
      data: { priority: 'high', by: { id: `rule:${start.id}/1` } },
    })
    const depths = changes.map((e) => Number(/\/(\d+)$/.exec(e.data.by.id)?.[1]))
    expect(Math.max(...depths)).toBe(3)
    expect(depths.every((d) => d >= 1 && d <= 3)).toBe(true)
    const loops = (await rawSql(
      s,
      `select outcome from rule_runs where outcome = 'loop' and rule_id in ('${up.id}', '${down.id}')`,
    )) as unknown[]
    expect(loops.length).toBeGreaterThan(0)
    // Settled: no mark left, nothing more happens.
    await waitUntil(
      'every mark is settled',
      async () =>
        ((await rawSql(s, 'select conversation_id from rule_marks')) as unknown[]).length === 0,
      { timeoutMs: 10_000, intervalMs: 25 },
    )
    expect((await s.store.conversations.eventsAfter(id, 0, 100)).length).toBe(log.length)
  })

  test('rules - one conversation takes at most 30 rule runs a minute; past that each run is stopped and said', async () => {
    const s = await u.server()
    const inboxId = await s.defaultInboxId()
    const noted = await addRule(s, inboxId, {
      name: 'Note every change',
      event: 'conversation.updated',
      actions: [{ type: 'add_note', text: 'changed' }],
    })
    const agent = await s.operator({ inboxIds: [inboxId] })
    const { id } = await httpStart(s, undefined, 'hi')
    // 34 changes by a person, each a trigger of its own at depth 1.
    for (let i = 0; i < 34; i++) {
      await ok(
        s.http(`/api/conversations/${id}/priority`, {
          token: agent.token,
          body: { priority: i % 2 === 0 ? 'high' : 'low' },
        }),
      )
    }
    await runsOf(s, noted.id, 34)
    const rule = await getRule(s, noted.id)
    expect(rule.runs).toBe(30)
    expect(rule.lastError?.message).toMatch(/more than 30 rule runs on this conversation/)
    const notes = (await s.store.conversations.eventsAfter(id, 0, 200)).filter(
      (e) => e.name === 'note.created',
    )
    expect(notes).toHaveLength(30)
  })

  test('rules - a visitor waiting N minutes triggers the rule once per wait; an answer ends the wait', async () => {
    const clock = new FakeClock()
    const s = await u.server({ clock, env: { RULES_WAIT_SCAN_MS: '100' } })
    const inboxId = await s.defaultInboxId()
    const rule = await addRule(s, inboxId, {
      name: 'Waited',
      event: 'conversation.waited',
      waitMinutes: 5,
      actions: [
        { type: 'send_message', text: 'Sorry for the wait: we are busy.' },
        { type: 'set_priority', priority: 'urgent' },
      ],
    })
    const { id, token } = await httpStart(s, undefined, 'anyone?')
    clock.advance(4 * 60_000)
    // Scans run meanwhile (real time); 4 minutes is not 5.
    await Bun.sleep(300)
    expect((await getRule(s, rule.id)).runs).toBe(0)
    clock.advance(60_000 + 1)
    await runsOf(s, rule.id, 1)
    await Bun.sleep(300)
    const system = async () =>
      (await s.store.conversations.eventsAfter(id, 0, 100)).filter(
        (e) => e.name === 'message.created' && e.data.message.author.kind === 'system',
      ).length
    expect(await system()).toBe(1)
    // An operator answers; the visitor writes again and waits 5 minutes more: a new wait.
    await ok(
      s.http(`/api/conversations/${id}/messages`, {
        token: await s.adminToken(),
        body: { clientMsgId: 'op-1', text: 'here' },
      }),
      201,
    )
    await httpSend(s, token, id, 'again', 'still there?')
    clock.advance(5 * 60_000 + 1)
    await runsOf(s, rule.id, 2)
    expect(await system()).toBe(2)
  })

  test('rules - notify: a note mentioning the chosen teammates, in their Mentions; strangers are refused', async () => {
    const s = await u.server()
    const inboxId = await s.defaultInboxId()
    const agent = await s.operator({ inboxIds: [inboxId] })
    const outsider = await s.operator({ inboxIds: [], role: 'operator' })
    const refused = await refusal(
      s.http(`/api/admin/inboxes/${inboxId}/rules`, {
        token: await s.adminToken(),
        body: {
          name: 'Tell',
          event: 'conversation.created',
          actions: [{ type: 'notify', operatorIds: [outsider.id], text: 'look' }],
        },
      }),
    )
    expect(refused).toMatchObject({ status: 422, code: 'validation_failed' })
    expect(refused.message).toMatch(/actions\[0\] \(notify\): .* is not an operator of this inbox/)
    const rule = await addRule(s, inboxId, {
      name: 'Tell',
      event: 'conversation.created',
      actions: [{ type: 'notify', operatorIds: [agent.id], text: 'A new one: please look.' }],
    })
    const { id } = await httpStart(s, undefined, 'hi there')
    await runsOf(s, rule.id, 1)
    const note = (await s.store.conversations.eventsAfter(id, 0, 100)).find(
      (e) => e.name === 'note.created',
    )
    expect(note).toMatchObject({
      data: {
        note: {
          text: 'A new one: please look.',
          mentions: [agent.id],
          author: { kind: 'system', id: `rule:${rule.id}/1` },
        },
      },
    })
    const mentions = await ok(s.http('/api/me/mentions', { token: agent.token }))
    expect(mentions.items.map((m: { conversationId: string }) => m.conversationId)).toEqual([id])
  })

  test("rules - webhook: a signed rule.triggered event to the inbox's HTTP endpoint, once per trigger; other inboxes' endpoints are refused", async () => {
    const receiver = startReceiver()
    try {
      const s = await u.server({ env: { WEBHOOK_ALLOW_HOSTS: '127.0.0.1' } })
      const admin = await s.adminToken()
      const inboxId = await s.defaultInboxId()
      const endpoint = await ok(
        s.http('/api/webhooks', {
          token: admin,
          body: { inboxId, url: receiver.url, events: ['conversation.resolved'] },
        }),
        201,
      )
      const other = await ok(
        s.http('/api/admin/inboxes', { token: admin, body: { name: 'Other' } }),
        201,
      )
      const elsewhere = await ok(
        s.http('/api/webhooks', {
          token: admin,
          body: { inboxId: other.id, url: receiver.url, events: ['conversation.resolved'] },
        }),
        201,
      )
      const refused = await refusal(
        s.http(`/api/admin/inboxes/${inboxId}/rules`, {
          token: admin,
          body: {
            name: 'Hook',
            event: 'conversation.created',
            actions: [{ type: 'webhook', endpointId: elsewhere.endpoint.id }],
          },
        }),
      )
      expect(refused).toMatchObject({ status: 422, code: 'validation_failed' })
      expect(refused.message).toMatch(
        /actions\[0\] \(webhook\): .*not a webhook endpoint of this inbox/,
      )
      const rule = await addRule(s, inboxId, {
        name: 'Hook',
        event: 'conversation.created',
        actions: [{ type: 'webhook', endpointId: endpoint.endpoint.id }],
      })
      const { id } = await httpStart(s, undefined, 'hello hook')
      const got = await receiver.waitFor((r) => r.some((x) => x.event.type === 'rule.triggered'))
      const event = got.find((x) => x.event.type === 'rule.triggered')!
      expect(event.event).toMatchObject({
        id: `rule.${rule.id}.seq:1.0`,
        inboxId,
        conversationId: id,
        data: { rule: { id: rule.id, name: 'Hook' }, trigger: 'seq:1', conversation: { id } },
      })
      expect(event.headers['parley-signature']).toMatch(/v1=/)
      expect(event.event.data.conversation.ownerEpoch).toBeUndefined()
      await runsOf(s, rule.id, 1)
      // The delivery is in the endpoint's log like any event.
      const log = await ok(
        s.http(`/api/webhooks/${endpoint.endpoint.id}/deliveries?limit=10`, { token: admin }),
      )
      expect(log.deliveries.map((d: { type: string }) => d.type)).toContain('rule.triggered')
      expect(receiver.received.filter((x) => x.event.type === 'rule.triggered')).toHaveLength(1)
    } finally {
      receiver.stop()
    }
  })

  test('rules - a dry run counts the recent conversations the conditions match now', async () => {
    const s = await u.server()
    const inboxId = await s.defaultInboxId()
    const admin = await s.adminToken()
    for (const text of ['refund my order', 'Refund now', 'just a question']) {
      await httpStart(s, undefined, text)
    }
    const dry = await ok(
      s.http(`/api/admin/inboxes/${inboxId}/rules/dry-run`, {
        token: admin,
        body: {
          event: 'message.created',
          conditions: [
            { field: 'message_text', op: 'contains', value: 'refund' },
            { field: 'status', op: 'is', value: 'open' },
          ],
          days: 7,
        },
      }),
    )
    expect(dry).toMatchObject({ examined: 3, matched: 2 })
    expect(dry.conversations).toHaveLength(2)
    const none = await ok(
      s.http(`/api/admin/inboxes/${inboxId}/rules/dry-run`, {
        token: admin,
        body: { conditions: [{ field: 'priority', op: 'is', value: 'urgent' }] },
      }),
    )
    expect(none).toMatchObject({ examined: 3, matched: 0 })
    const bad = await refusal(
      s.http(`/api/admin/inboxes/${inboxId}/rules/dry-run`, {
        token: admin,
        body: { conditions: [], days: 31 },
      }),
    )
    expect(bad).toMatchObject({ status: 422, code: 'validation_failed' })
  })
})
