/**
 * Snooze (issue 20) through the real server on a FakeClock, on SQLite or Postgres
 * (PARLEY_TEST_DB): an open conversation set aside until a time leaves the list's unsnoozed
 * view and comes back when the time comes, also after a restart (the inbox actor's timer is
 * armed again from the store); one snoozed until the visitor writes wakes with that message;
 * resolving or an operator wakes it; every change is an operator-only event; bad times, closed
 * conversations, visitors and strangers get typed errors and change nothing.
 */
import { describe, expect, test } from 'bun:test'
import { FakeClock } from '../../actors/index.ts'
import { httpSend, httpStart } from '../helpers/http.ts'
import { useServers } from '../helpers/lifecycle.ts'
import { MINUTE, Observer, SECOND } from '../helpers/routing.ts'
import type { TestServer } from '../helpers/server.ts'

const u = useServers()
const HOUR = 60 * MINUTE

type Op = { id: string; token: string }

async function ok(res: Promise<{ status: number; body: any }>, status = 200) {
  const r = await res
  if (r.status !== status) throw new Error(`${r.status} ${JSON.stringify(r.body)}`)
  return r.body
}

async function code(res: Promise<{ status: number; body: any }>): Promise<string> {
  return (await res).body?.error?.code
}

/** The ids the list shows under these parameters (one page is enough here). */
async function listed(s: TestServer, op: Op, params: Record<string, string>): Promise<string[]> {
  const body = await ok(s.http(`/api/inbox?${new URLSearchParams(params)}`, op))
  return body.items.map((i: { id: string }) => i.id).sort()
}

function snooze(s: TestServer, op: Op, id: string, until?: number | null) {
  return s.http(`/api/conversations/${id}/snooze`, {
    token: op.token,
    body: until === undefined ? {} : { until },
  })
}

async function scene(clock: FakeClock, s?: TestServer) {
  s ??= await u.server({ clock })
  const inboxId = await s.defaultInboxId()
  const agent = await s.operator({ inboxIds: [inboxId] })
  const v = await s.visitorToken(inboxId)
  const { id, token } = await httpStart(s, v.token, 'my order is late')
  const obs = await Observer.create(u, s)
  return { s, inboxId, agent, id, visitor: token, obs }
}

describe('snooze (issue 20)', () => {
  test('snooze - until a time: out of the unsnoozed list, back when the time comes, by the system', async () => {
    const clock = new FakeClock()
    const { s, agent, id, obs } = await scene(clock)
    const other = (await httpStart(s, undefined, 'another one')).id
    const t0 = clock.now()
    const reply = await ok(snooze(s, agent, id, t0 + HOUR))
    expect(reply.snooze).toEqual({ until: t0 + HOUR })
    expect((await obs.conversation(id)).snooze).toEqual({ until: t0 + HOUR })
    expect(await listed(s, agent, { snoozed: 'false' })).toEqual([other])
    expect(await listed(s, agent, { snoozed: 'true' })).toEqual([id])
    const counts = await ok(s.http('/api/inbox/counts?snoozed=true', agent))
    expect(counts.all).toBe(1)
    // The same snooze again records nothing; another time moves it.
    expect(await ok(snooze(s, agent, id, t0 + HOUR))).toEqual(reply)
    const moved = await ok(snooze(s, agent, id, t0 + 2 * HOUR))
    expect(moved.seq).toBe(reply.seq + 1)

    await clock.advance(2 * HOUR - SECOND)
    await obs.settled(id)
    expect((await obs.conversation(id)).snooze).toEqual({ until: t0 + 2 * HOUR })
    await clock.advance(SECOND)
    await obs.tab.ok({ type: 'subscribe', conversationId: id, afterSeq: 0 })
    const woke = await obs.tab.next(
      (f) => f.name === 'conversation.snoozed' && f.data.snooze === null,
    )
    expect(woke.data.by).toEqual({ kind: 'system', id: 'snooze' })
    expect(woke.at).toBe(t0 + 2 * HOUR)
    expect((await obs.conversation(id)).snooze).toBeUndefined()
    expect(await listed(s, agent, { snoozed: 'false' })).toEqual([id, other].sort())
  })

  test('snooze - until the visitor writes: their message wakes it, before the message; they never see any of it', async () => {
    const clock = new FakeClock()
    const { s, agent, id, visitor, ...rest } = await scene(clock)
    let obs = rest.obs
    const ws = await u.client(s, agent.token)
    const ack = await ws.ok({ type: 'snooze', conversationId: id })
    expect(ack.snooze).toEqual({ until: null })
    // No time: nothing wakes it but the visitor (or a person).
    // (Sockets idle that long are closed by liveness on this clock: a new observer reads.)
    await clock.advance(6 * HOUR)
    obs = await Observer.create(u, s)
    await obs.settled(id)
    const vws = await u.client(s, visitor)
    await vws.ok({ type: 'subscribe', conversationId: id, afterSeq: 0 })
    expect((await obs.conversation(id)).snooze).toEqual({ until: null })
    const sent = await httpSend(s, visitor, id, 'c-1', 'any news?')
    await obs.tab.ok({ type: 'subscribe', conversationId: id, afterSeq: 0 })
    const events = obs.tab.events(id)
    const wake = events.find((e) => e.name === 'conversation.snoozed' && e.data.snooze === null)
    expect(wake?.data.by.kind).toBe('visitor')
    expect(wake?.seq).toBe(sent.seq - 1)
    expect((await obs.conversation(id)).snooze).toBeUndefined()
    await vws.next((f) => f.name === 'message.created' && f.data.message.clientMsgId === 'c-1')
    expect(vws.frames.filter((f) => f.name === 'conversation.snoozed')).toEqual([])
    const own = await ok(s.http('/api/visitor/conversations', { token: visitor }))
    expect(own.conversations[0]).not.toHaveProperty('snooze')
  })

  test('snooze - resolving or an operator wakes it; bad times, closed ones, visitors and strangers are refused', async () => {
    const clock = new FakeClock()
    const { s, agent, id, visitor, obs } = await scene(clock)
    const t0 = clock.now()
    expect(await code(snooze(s, agent, id, t0))).toBe('validation_failed')
    expect(await code(snooze(s, agent, id, t0 - MINUTE))).toBe('validation_failed')
    expect(await code(snooze(s, agent, id, t0 + 400 * 24 * HOUR))).toBe('validation_failed')
    expect(
      await code(
        s.http(`/api/conversations/${id}/snooze`, { token: agent.token, body: { until: 'soon' } }),
      ),
    ).toBe('validation_failed')
    expect(await code(snooze(s, { id: '', token: visitor }, id, t0 + HOUR))).toBe('forbidden')
    const stranger = await s.operator({ inboxIds: [] })
    expect(await code(snooze(s, stranger, id, t0 + HOUR))).toBe('not_found')
    expect((await obs.conversation(id)).snooze).toBeUndefined()

    // An operator wakes it.
    await ok(snooze(s, agent, id, t0 + HOUR))
    const woke = await ok(
      s.http(`/api/conversations/${id}/snooze`, { method: 'DELETE', token: agent.token }),
    )
    expect(woke.snooze).toBeNull()
    const again = await ok(
      s.http(`/api/conversations/${id}/snooze`, { method: 'DELETE', token: agent.token }),
    )
    expect(again.seq).toBe(woke.seq)

    // Resolving a snoozed one ends the snooze in the same write, and its timer with it.
    await ok(snooze(s, agent, id, t0 + HOUR))
    const resolved = await ok(
      s.http(`/api/conversations/${id}/status`, {
        token: agent.token,
        body: { status: 'resolved' },
      }),
    )
    const row = await obs.conversation(id)
    expect(row.snooze).toBeUndefined()
    expect(row.lastSeq).toBe(resolved.seq + 1)
    await clock.advance(HOUR)
    await obs.settled(id)
    expect((await obs.conversation(id)).lastSeq).toBe(resolved.seq + 1)
    // A resolved conversation cannot be snoozed.
    expect(await code(snooze(s, agent, id, clock.now() + HOUR))).toBe('conflict')
  })

  test('snooze - a timed snooze survives a restart: the timer is armed again from the store', async () => {
    const clock = new FakeClock()
    const first = await scene(clock)
    const t0 = clock.now()
    await ok(snooze(first.s, first.agent, first.id, t0 + HOUR))
    const s = await u.restart(first.s, { clock })
    // Whatever starts the inbox actor again (an operator's list does not; a visitor does).
    await httpStart(s, undefined, 'wake the inbox')
    await clock.advance(HOUR)
    const obs = await Observer.create(u, s)
    await obs.tab.ok({ type: 'subscribe', conversationId: first.id, afterSeq: 0 })
    const woke = await obs.tab.next(
      (f) => f.name === 'conversation.snoozed' && f.data.snooze === null,
    )
    expect(woke.data.by).toEqual({ kind: 'system', id: 'snooze' })
    expect((await obs.conversation(first.id)).snooze).toBeUndefined()
  })
})
