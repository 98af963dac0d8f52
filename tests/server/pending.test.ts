/**
 * The status `pending` (issue 20, M4) through the real server, on SQLite or Postgres
 * (PARLEY_TEST_DB): an operator (or a macro) sets it; it leaves the open list and the unassigned
 * view and lists under `status=pending`; to its visitor it stays open, and the event that made
 * it pending never reaches them (live or replayed); their next message opens it again; it wakes
 * a snoozed one, cannot itself be snoozed, can be assigned, cannot be rated; webhooks and
 * analytics read it as neither a resolution nor a reopening; visitors and strangers cannot set
 * it.
 */
import { describe, expect, test } from 'bun:test'
import { FakeClock } from '../../actors/index.ts'
import type { ConversationEvent } from '../../protocol/index.ts'
import { foldConversation } from '../../server/analytics/fold.ts'
import { webhookTypesOf } from '../../server/webhooks/events.ts'
import { httpSend, httpStart } from '../helpers/http.ts'
import { useServers } from '../helpers/lifecycle.ts'
import { Observer } from '../helpers/routing.ts'
import type { TestServer } from '../helpers/server.ts'

const u = useServers()

type Op = { id: string; token: string }
type Reply = { status: number; body: any }

async function ok(res: Promise<Reply>, status = 200) {
  const r = await res
  if (r.status !== status) throw new Error(`${r.status} ${JSON.stringify(r.body)}`)
  return r.body
}

async function code(res: Promise<Reply>): Promise<string> {
  return (await res).body?.error?.code
}

async function listed(s: TestServer, op: Op, params: Record<string, string>): Promise<string[]> {
  const body = await ok(s.http(`/api/inbox?${new URLSearchParams(params)}`, op))
  return body.items.map((i: { id: string }) => i.id).sort()
}

function setStatus(s: TestServer, token: string, id: string, status: string) {
  return s.http(`/api/conversations/${id}/status`, { token, body: { status } })
}

async function scene() {
  const s = await u.server({ clock: new FakeClock() })
  const inboxId = await s.defaultInboxId()
  const agent = await s.operator({ inboxIds: [inboxId] })
  const v = await s.visitorToken(inboxId)
  const { id, token } = await httpStart(s, v.token, 'the parcel never came')
  const obs = await Observer.create(u, s)
  return { s, inboxId, agent, id, visitor: token, obs }
}

describe('pending (issue 20)', () => {
  test('pending - out of the open list and the queue; open to its visitor, who never sees the change; their message opens it again', async () => {
    const { s, agent, id, visitor, obs } = await scene()
    const other = (await httpStart(s, undefined, 'another question')).id
    const vws = await u.client(s, visitor)
    await vws.ok({ type: 'subscribe', conversationId: id, afterSeq: 0 })
    await httpSend(s, agent.token, id, 'op-1', 'Sent a new one; tell us when it arrives?')

    const set = await ok(setStatus(s, agent.token, id, 'pending'))
    expect(set.status).toBe('pending')
    // The same status again records nothing.
    expect(await ok(setStatus(s, agent.token, id, 'pending'))).toEqual(set)
    expect((await obs.conversation(id)).status).toBe('pending')
    expect(await listed(s, agent, { status: 'open' })).toEqual([other])
    expect(await listed(s, agent, { status: 'pending' })).toEqual([id])
    expect(await listed(s, agent, { view: 'unassigned' })).toEqual([other])
    // Ranked between open and resolved in the whole list.
    const all = await ok(s.http('/api/inbox?view=all', agent))
    expect(all.items.map((i: { id: string }) => i.id)).toEqual([other, id])

    // To the visitor it is open: their list, their socket's open, no event of the change.
    const own = await ok(s.http('/api/visitor/conversations', { token: visitor }))
    expect(own.conversations.find((c: { id: string }) => c.id === id).status).toBe('open')
    const replay = await u.client(s, visitor)
    const opened = await replay.ok({ type: 'subscribe', conversationId: id, afterSeq: 0 })
    expect(opened.conversation.status).toBe('open')
    // A visitor cannot rate it (to them it is not resolved), nor set any status.
    expect((await vws.request({ type: 'rate', conversationId: id, score: 5 })).code).toBe(
      'conflict',
    )
    expect(await code(setStatus(s, visitor, id, 'open'))).toBe('forbidden')

    const sent = await httpSend(s, visitor, id, 'v-2', 'it came, thanks!')
    for (const ws of [vws, replay]) {
      await ws.next((f) => f.name === 'message.created' && f.data.message.clientMsgId === 'v-2')
      const statuses = ws.frames
        .filter((f) => f.name === 'conversation.status')
        .map((f) => f.data.status)
      expect(statuses).toEqual(['open'])
    }
    const log: ConversationEvent[] = await s.store.conversations.eventsAfter(id, 0, 100)
    expect(log.slice(-2)).toMatchObject([
      { name: 'conversation.status', data: { status: 'open', by: { kind: 'visitor' } } },
      { name: 'message.created', seq: sent.seq },
    ])
    expect((await obs.conversation(id)).status).toBe('open')
    expect(await listed(s, agent, { status: 'open' })).toEqual([id, other].sort())

    // Webhooks: pending, then reopened; analytics: no reopening, the resolution counts from
    // the start, pending or not on the way.
    const statusEvents = log.filter((e) => e.name === 'conversation.status')
    expect(statusEvents.flatMap(webhookTypesOf)).toEqual([
      'conversation.pending',
      'conversation.reopened',
    ])
    await ok(setStatus(s, agent.token, id, 'pending'))
    await ok(setStatus(s, agent.token, id, 'resolved'))
    const whole = await s.store.analytics.logAfter(id, 0, 100)
    const folded = foldConversation(null, whole, () => null)
    const metrics = folded?.counts.map((c) => c.metric) ?? []
    expect(metrics).not.toContain('reopened')
    expect(metrics.filter((m) => m === 'resolved')).toHaveLength(1)
    expect(folded?.facts.firstResolvedAt).toBe(whole.at(-1)?.at)
  })

  test('pending - wakes a snoozed one, is not snoozed itself, can be assigned; a macro sets it; strangers cannot', async () => {
    const { s, inboxId, agent, id, obs } = await scene()
    const ws = await u.client(s, agent.token)
    await ws.ok({ type: 'snooze', conversationId: id })
    expect((await obs.conversation(id)).snooze).toEqual({ until: null })
    await ws.ok({ type: 'set_status', conversationId: id, status: 'pending' })
    const row = await obs.conversation(id)
    expect(row.status).toBe('pending')
    expect(row.snooze).toBeUndefined()
    expect((await ws.request({ type: 'snooze', conversationId: id })).code).toBe('conflict')
    // Still someone's work: it can be taken.
    await ws.ok({ type: 'assign', conversationId: id, operatorId: agent.id })
    expect(await obs.assigneeNow(id)).toBe(agent.id)
    expect((await obs.conversation(id)).status).toBe('pending')

    const stranger = await s.operator({ inboxIds: [] })
    expect(await code(setStatus(s, stranger.token, id, 'open'))).toBe('not_found')
    expect(await code(setStatus(s, agent.token, id, 'waiting'))).toBe('validation_failed')
    expect((await obs.conversation(id)).status).toBe('pending')

    const admin = await s.adminToken()
    const created = await ok(
      s.http(`/api/admin/inboxes/${inboxId}/macros`, {
        token: admin,
        body: {
          name: 'Waiting on the customer',
          actions: [
            { type: 'send_message', text: 'Could you send us a photo of the label?' },
            { type: 'set_status', status: 'pending' },
          ],
        },
      }),
      201,
    )
    const second = (await httpStart(s, undefined, 'wrong size')).id
    const run = await ok(
      s.http(`/api/conversations/${second}/macros/${created.macro.id}`, {
        token: agent.token,
        body: { runId: 'click-1' },
      }),
    )
    expect(run.conversation.status).toBe('pending')
    expect(await listed(s, agent, { status: 'pending' })).toEqual([id, second].sort())
  })
})
