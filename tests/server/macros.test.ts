/**
 * Macros (issue 20) through the real server, on SQLite or Postgres (PARLEY_TEST_DB): an inbox's
 * named lists of actions, saved only when every label, branch and operator they name belongs
 * to the inbox; run on a conversation in one call, in order, as the operator who runs it (the
 * label, the priority, the reply, the note, the assignment, the snooze or resolve, each the
 * event it would be by hand); a retry with the same run id sends nothing twice; a macro that
 * no longer fits, another inbox's, or a caller without the chat permission changes nothing.
 */
import { describe, expect, test } from 'bun:test'
import { httpStart } from '../helpers/http.ts'
import { useServers } from '../helpers/lifecycle.ts'

const u = useServers()

async function ok(res: Promise<{ status: number; body: any }>, status = 200) {
  const r = await res
  if (r.status !== status) throw new Error(`${r.status} ${JSON.stringify(r.body)}`)
  return r.body
}

async function code(res: Promise<{ status: number; body: any }>): Promise<string> {
  return (await res).body?.error?.code
}

describe('macros (issue 20)', () => {
  test('macros - run in order as the operator: label, priority, reply, note, assign, resolve; a retry sends nothing twice', async () => {
    const s = await u.server()
    const inboxId = await s.defaultInboxId()
    const admin = await s.adminToken()
    const agent = await s.operator({ inboxIds: [inboxId] })
    const refund = (
      await ok(
        s.http(`/api/admin/inboxes/${inboxId}/labels`, {
          token: admin,
          body: { name: 'Refund', color: '#aa3300' },
        }),
        201,
      )
    ).label
    const actions = [
      { type: 'add_labels', labelIds: [refund.id] },
      { type: 'set_priority', priority: 'high' },
      { type: 'send_message', text: 'We are on it: refunds take 3 days.' },
      { type: 'add_note', text: 'Refund requested; check the order first.' },
      { type: 'assign', to: 'me' },
      { type: 'set_status', status: 'resolved' },
    ]
    const created = await ok(
      s.http(`/api/admin/inboxes/${inboxId}/macros`, {
        token: admin,
        body: { name: 'Refund request', actions },
      }),
      201,
    )
    const macro = created.macro
    expect(macro).toMatchObject({ name: 'Refund request', actions })
    const listed = await ok(s.http(`/api/inboxes/${inboxId}/macros`, agent))
    expect(listed.macros.map((m: { id: string }) => m.id)).toEqual([macro.id])

    const { id } = await httpStart(s, undefined, 'I want my money back')
    const run = await ok(
      s.http(`/api/conversations/${id}/macros/${macro.id}`, {
        token: agent.token,
        body: { runId: 'click-1' },
      }),
    )
    expect(run.applied).toBe(6)
    expect(run.conversation).toMatchObject({
      status: 'resolved',
      priority: 'high',
      labels: [refund.id],
      assigneeId: agent.id,
    })
    const log = await s.store.conversations.eventsAfter(id, 0, 100)
    const mine = log.filter((e) => e.seq > 2).map((e) => e.name)
    expect(mine).toEqual([
      'conversation.labels',
      'conversation.priority',
      'message.created',
      'note.created',
      'conversation.assigned',
      'conversation.status',
    ])
    const reply = log.find((e) => e.name === 'message.created' && e.seq > 2)
    expect(reply).toMatchObject({
      data: { message: { author: { kind: 'operator', id: agent.id } } },
    })
    // The same click again (a retry): no second reply or note; nothing else to change.
    await ok(
      s.http(`/api/conversations/${id}/macros/${macro.id}`, {
        token: agent.token,
        body: { runId: 'click-1' },
      }),
    )
    const after = await s.store.conversations.eventsAfter(id, 0, 100)
    expect(after.filter((e) => e.name === 'message.created')).toHaveLength(2)
    expect(after.filter((e) => e.name === 'note.created')).toHaveLength(1)

    // Snooze for a while and to the default branch: the snooze's time counts from the run.
    const later = (
      await ok(
        s.http(`/api/admin/inboxes/${inboxId}/macros`, {
          token: admin,
          body: {
            name: 'Later',
            actions: [
              { type: 'transfer', branchId: inboxId },
              { type: 'snooze', minutes: 90 },
              { type: 'set_priority', priority: 'low' },
            ],
          },
        }),
        201,
      )
    ).macro
    const second = await httpStart(s, undefined, 'no rush')
    const before = Date.now()
    const snoozed = await ok(
      s.http(`/api/conversations/${second.id}/macros/${later.id}`, {
        token: agent.token,
        body: { runId: 'click-2' },
      }),
    )
    expect(snoozed.conversation.priority).toBe('low')
    expect(snoozed.conversation.snooze.until).toBeGreaterThanOrEqual(before + 90 * 60_000)
    expect(snoozed.conversation.snooze.until).toBeLessThanOrEqual(Date.now() + 90 * 60_000)
  })

  test('macros - bad macros are refused when saved; one that no longer fits, or a caller who may not, changes nothing', async () => {
    const s = await u.server()
    const inboxId = await s.defaultInboxId()
    const admin = await s.adminToken()
    const other = (
      await ok(s.http('/api/admin/inboxes', { token: admin, body: { name: 'B' } }), 201)
    ).id as string
    const foreign = (
      await ok(
        s.http(`/api/admin/inboxes/${other}/labels`, {
          token: admin,
          body: { name: 'Elsewhere', color: '#112233' },
        }),
        201,
      )
    ).label
    const outsider = await s.operator({ inboxIds: [other] })
    const save = (body: object, inbox = inboxId) =>
      s.http(`/api/admin/inboxes/${inbox}/macros`, { token: admin, body })
    for (const body of [
      { name: 'Empty', actions: [] },
      { name: '', actions: [{ type: 'set_priority', priority: 'low' }] },
      { name: 'Bad', actions: [{ type: 'set_priority', priority: 'asap' }] },
      { name: 'Bad', actions: [{ type: 'explode' }] },
      { name: 'Bad', actions: [{ type: 'add_labels', labelIds: [foreign.id] }] },
      { name: 'Bad', actions: [{ type: 'assign', to: outsider.id }] },
      { name: 'Bad', actions: [{ type: 'transfer', branchId: other }] },
      {
        name: 'Bad',
        actions: [
          { type: 'set_status', status: 'resolved' },
          { type: 'snooze', minutes: 60 },
        ],
      },
      {
        name: 'Long',
        actions: Array.from({ length: 11 }, () => ({ type: 'set_priority', priority: 'low' })),
      },
    ]) {
      expect({ body, code: await code(save(body)) }).toEqual({ body, code: 'validation_failed' })
    }
    expect(await s.http(`/api/inboxes/${inboxId}/macros`, { token: admin })).toMatchObject({
      body: { macros: [] },
    })

    // A label deleted after the macro was saved: the run is refused before anything is done.
    const gone = (
      await ok(
        s.http(`/api/admin/inboxes/${inboxId}/labels`, {
          token: admin,
          body: { name: 'Temporary', color: '#445566' },
        }),
        201,
      )
    ).label
    const macro = (
      await ok(
        save({
          name: 'Tag and reply',
          actions: [
            { type: 'send_message', text: 'hello from a macro' },
            { type: 'add_labels', labelIds: [gone.id] },
          ],
        }),
        201,
      )
    ).macro
    await refused(save({ name: 'TAG AND REPLY', actions: macro.actions }), 'conflict')
    await ok(s.http(`/api/admin/labels/${gone.id}`, { method: 'DELETE', token: admin }))
    const agent = await s.operator({ inboxIds: [inboxId] })
    const { id } = await httpStart(s, (await s.visitorToken(inboxId)).token, 'hi')
    const before = (await s.store.conversations.eventsAfter(id, 0, 100)).length
    const runAs = (token: string, conversationId = id) =>
      s.http(`/api/conversations/${conversationId}/macros/${macro.id}`, {
        token,
        body: { runId: 'r1' },
      })
    expect(await code(runAs(agent.token))).toBe('validation_failed')
    // Another inbox's operator: no such macro; a supervisor without the chat permission: refused.
    expect(await code(runAs(outsider.token))).toBe('not_found')
    const watcher = await s.operator({ role: 'supervisor', canChat: false })
    expect(await code(runAs(watcher.token))).toBe('forbidden')
    // Another inbox's conversation with this inbox's macro.
    const elsewhere = await s.http('/api/visitor/conversations', {
      token: (await s.visitorToken(other)).token,
      body: { text: 'hello', clientMsgId: 'b-1' },
    })
    expect(await code(runAs(admin, elsewhere.body.conversation.id))).toBe('not_found')
    expect((await s.store.conversations.eventsAfter(id, 0, 100)).length).toBe(before)
    // Agents may not write macros.
    expect(
      await code(
        s.http(`/api/admin/macros/${macro.id}`, {
          method: 'PATCH',
          token: agent.token,
          body: { name: 'Mine now' },
        }),
      ),
    ).toBe('forbidden')
    await ok(s.http(`/api/admin/macros/${macro.id}`, { method: 'DELETE', token: admin }))
    expect(await code(runAs(agent.token))).toBe('not_found')
  })
})

async function refused(res: Promise<{ status: number; body: any }>, expected: string) {
  expect(await code(res)).toBe(expected)
}
