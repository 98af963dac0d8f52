/**
 * Collision detection (issue 20) through the real server on a FakeClock: operators who have a
 * conversation open (`viewing`) are told to every operator subscribed, as ephemeral `viewers`
 * events that a visitor never gets (live, on any connection); an open mark lapses after
 * VIEWING_TTL_MS unless sent again, and ends at once when turned off; visitors and invisible
 * watchers may not mark; operators see each other typing a reply.
 */
import { describe, expect, test } from 'bun:test'
import { FakeClock } from '../../actors/index.ts'
import { VIEWING_TTL_MS } from '../../protocol/index.ts'
import { useServers } from '../helpers/lifecycle.ts'
import { SECOND } from '../helpers/routing.ts'
import type { Frame, TestClient } from '../helpers/ws.ts'

const u = useServers()

const viewersOf = (ws: TestClient, id: string, expected: string[]) =>
  ws.next(
    (f) =>
      f.type === 'event' &&
      f.name === 'viewers' &&
      f.conversationId === id &&
      [...f.data.operators].sort().join() === [...expected].sort().join(),
  )

describe('collision detection (issue 20)', () => {
  test('viewers - who has it open reaches every operator, never the visitor; marks lapse unless renewed', async () => {
    const clock = new FakeClock()
    const s = await u.server({ clock })
    const inboxId = await s.defaultInboxId()
    const a = await s.operator({ inboxIds: [inboxId] })
    const b = await s.operator({ inboxIds: [inboxId] })
    const v = await s.visitorToken(inboxId)
    const visitor = await u.client(s, v.token)
    const started = await visitor.ok({ type: 'start', text: 'hello', clientMsgId: 'v1' })
    const id = started.conversation.id as string
    await visitor.ok({ type: 'subscribe', conversationId: id, afterSeq: 0 })
    const aws = await u.client(s, a.token)
    const bws = await u.client(s, b.token)
    for (const ws of [aws, bws]) await ws.ok({ type: 'subscribe', conversationId: id, afterSeq: 0 })

    expect(await aws.ok({ type: 'viewing', conversationId: id, on: true })).toEqual({
      viewers: [a.id],
    })
    await viewersOf(bws, id, [a.id])
    const both = await bws.ok({ type: 'viewing', conversationId: id, on: true })
    expect([...both.viewers].sort()).toEqual([a.id, b.id].sort())
    await viewersOf(aws, id, [a.id, b.id])

    // Operators see each other typing a reply (the visitor sees operator typing too, as ever).
    await bws.ok({ type: 'typing', conversationId: id, on: true })
    await aws.next((f) => f.name === 'typing' && f.data.party.id === b.id && f.data.on === true)

    // a keeps it open by sending again; b's mark lapses.
    await clock.advance(VIEWING_TTL_MS - 10 * SECOND)
    await aws.ok({ type: 'viewing', conversationId: id, on: true })
    await clock.advance(10 * SECOND)
    await viewersOf(aws, id, [a.id])
    // a leaves: nobody.
    await aws.ok({ type: 'viewing', conversationId: id, on: false })
    await viewersOf(bws, id, [])

    // The visitor got none of it, and may not mark.
    await visitor.ok({ type: 'send', conversationId: id, clientMsgId: 'v2', text: 'still here' })
    await visitor.next(
      (f: Frame) => f.name === 'message.created' && f.data.message.clientMsgId === 'v2',
    )
    expect(visitor.frames.filter((f) => f.name === 'viewers')).toEqual([])
    const byVisitor = await visitor.request({ type: 'viewing', conversationId: id, on: true })
    expect(byVisitor).toMatchObject({ type: 'error', code: 'forbidden' })
    // An invisible watcher stays invisible.
    const boss = await s.operator({ role: 'supervisor', inboxIds: [] })
    const bossWs = await u.client(s, boss.token)
    await bossWs.ok({ type: 'subscribe', conversationId: id, afterSeq: 0, watch: 'invisible' })
    const invisible = await bossWs.request({ type: 'viewing', conversationId: id, on: true })
    expect(invisible).toMatchObject({ type: 'error', code: 'forbidden' })
    // An operator of another inbox: not found.
    const stranger = await s.operator({ inboxIds: [] })
    const sws = await u.client(s, stranger.token)
    const strange = await sws.request({ type: 'viewing', conversationId: id, on: true })
    expect(strange).toMatchObject({ type: 'error', code: 'not_found' })
  })
})
