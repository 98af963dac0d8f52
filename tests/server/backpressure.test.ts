/**
 * Backpressure (T3, issue 23): a client behind on its queue but still reading is given time
 * rather than cut, and its operator feed is held and coalesced (the newest state per
 * conversation) instead of queued frame by frame. A client that reads nothing is still cut.
 * First the policy of one connection with a transport whose queue the test sets, then the whole
 * server with a real socket that stops reading.
 */
import { describe, expect, test } from 'bun:test'
import { EncodedFrame, type FeedFrame, type ServerFrame } from '../../protocol/index.ts'
import { useServers } from '../helpers/lifecycle.ts'
import { MemoryConnection } from '../helpers/memory-connection.ts'
import { RawWsClient } from '../helpers/raw-ws.ts'
import { metric } from '../helpers/server.ts'
import type { Frame } from '../helpers/ws.ts'

const MARK = 64 * 1024

/** A connection whose queue is whatever the test says (tests/helpers/memory-connection.ts). */
const queueConnection = (stallMs?: number) =>
  new MemoryConnection({ maxQueued: MARK, ...(stallMs !== undefined ? { stallMs } : {}) })

const conversationFrame = (id: string, lastSeq: number, change = 'message'): FeedFrame =>
  ({
    type: 'feed',
    name: 'conversation',
    data: { conversation: { id, lastSeq }, change, unread: lastSeq },
  }) as unknown as FeedFrame
const badges = (unread: number): FeedFrame => ({
  type: 'feed',
  name: 'badges',
  data: { unread, unanswered: unread },
})

/** The feed frames a written message carries, batch or bare. */
const feedFrames = (written: Frame[]): Frame[] =>
  written.flatMap((f) => (f.name === 'batch' ? (f.data.frames as Frame[]) : [f]))

describe('one connection: feed held while behind, cut only when not reading', () => {
  test('backpressure - the feed goes at once while the queue is low', () => {
    const conn = queueConnection()
    conn.feed(conversationFrame('a', 1))
    conn.feed(badges(1))
    expect(conn.frames().map((f) => f.name)).toEqual(['conversation', 'badges'])
    expect(conn.heldFeedFrames).toBe(0)
  })

  test('backpressure - past half the mark the feed is held, coalesced, and sent as one batch once read down', () => {
    const conn = queueConnection()
    conn.queued = MARK * 0.75
    for (let seq = 1; seq <= 500; seq++) {
      conn.feed(conversationFrame(`c${seq % 3}`, seq))
      conn.feed(badges(seq))
    }
    conn.feed({
      type: 'feed',
      name: 'batch',
      data: {
        frames: [
          {
            type: 'feed',
            name: 'alert',
            data: { kind: 'assigned_to_you', conversationId: 'c1' },
          } as unknown as FeedFrame,
          conversationFrame('c1', 501),
        ],
      },
    })
    expect(conn.frames()).toEqual([])
    // 1002 frames went in; what is held stays near the number of conversations.
    expect(conn.heldFeedFrames).toBeLessThan(70)
    conn.read(MARK * 0.4) // still above a quarter: held on
    expect(conn.frames()).toEqual([])
    conn.read(MARK)
    expect(conn.frames()).toHaveLength(1)
    const frames = feedFrames(conn.frames())
    const newest = (id: string) =>
      frames.filter((f) => f.name === 'conversation' && f.data.conversation.id === id).at(-1)
    expect(newest('c0')?.data.conversation.lastSeq).toBe(498)
    expect(newest('c1')?.data.conversation.lastSeq).toBe(501)
    expect(newest('c2')?.data.conversation.lastSeq).toBe(500)
    expect(frames.filter((f) => f.name === 'alert')).toHaveLength(1)
    // The totals last, the newest of them.
    expect(frames.at(-1)).toMatchObject({ name: 'badges', data: { unread: 500 } })
    expect(conn.heldFeedFrames).toBe(0)
    // Low again: straight through.
    conn.feed(badges(7))
    expect(conn.frames().at(-1)).toMatchObject({ name: 'badges', data: { unread: 7 } })
    expect(conn.cuts).toBe(0)
  })

  test('backpressure - over the mark a client that reads is not cut; one silent past the stall window, or four times over, is', async () => {
    // Long enough for a loaded machine's timers to be late a few times over.
    const reading = queueConnection(300)
    const event = new EncodedFrame({ type: 'ack', req: 1 } as ServerFrame)
    reading.queued = MARK * 1.5
    const until = performance.now() + 1000
    while (performance.now() < until) {
      reading.read(10) // some progress: a drain signal
      reading.sendEncoded(event)
      await Bun.sleep(20)
    }
    expect(reading.cuts).toBe(0)
    expect(reading.closed).toBe(false)

    const silent = queueConnection(300)
    silent.queued = MARK * 1.5
    silent.sendEncoded(event)
    expect(silent.cuts).toBe(0)
    const deadline = performance.now() + 5000
    while (silent.cuts === 0 && performance.now() < deadline) {
      await Bun.sleep(20)
      silent.sendEncoded(event)
    }
    expect(silent.cuts).toBe(1)
    expect(silent.closed).toBe(true)

    const flooded = queueConnection(60_000)
    flooded.queued = MARK * 4 + 1
    flooded.sendEncoded(event)
    expect(flooded.cuts).toBe(1)
  })

  test('backpressure - a held feed is dropped with its connection', () => {
    const conn = queueConnection()
    conn.queued = MARK
    conn.feed(badges(1))
    expect(conn.heldFeedFrames).toBe(1)
    conn.terminate()
    expect(conn.heldFeedFrames).toBe(0)
    expect(conn.frames()).toEqual([])
  })
})

const { server, client: connect, track } = useServers()

describe('a real socket behind on its queue', () => {
  test('backpressure - an operator that stopped reading for a moment is not cut: every event once in order, the feed coalesced to its newest state', async () => {
    const s = await server({ env: { MAX_QUEUED_BYTES: String(MARK) } })
    const visitor = await s.visitorToken()
    const op = await s.operator()
    const writer = await connect(s, op.token)
    const starter = await connect(s, visitor.token)
    const id = (await starter.ok({ type: 'start', text: 'hello' })).conversation.id as string

    const reader = await RawWsClient.connect(s.port)
    track(reader)
    expect(await reader.request({ type: 'auth', token: op.token })).toMatchObject({ type: 'ack' })
    expect(await reader.request({ type: 'feed_subscribe' })).toMatchObject({ type: 'ack' })
    expect(
      await reader.request({ type: 'subscribe', conversationId: id, afterSeq: 0 }),
    ).toMatchObject({ type: 'ack' })
    reader.pause()

    // Until the server holds more than the mark for it (the kernel's buffers fill first).
    const text = 'b'.repeat(3900)
    const deadline = Date.now() + 20_000
    let sent = 0
    let held = 0
    while ((await metric(s, 'parley_connections_behind')) === 0) {
      if (sent >= 6000 || Date.now() > deadline) throw new Error(`not behind after ${sent}`)
      await Promise.all(
        Array.from({ length: 20 }, () =>
          writer.ok({ type: 'send', conversationId: id, clientMsgId: `m${sent++}`, text }),
        ),
      )
    }
    // One more round while behind: its feed frames are held.
    await Promise.all(
      Array.from({ length: 20 }, () =>
        writer.ok({ type: 'send', conversationId: id, clientMsgId: `m${sent++}`, text }),
      ),
    )
    held = await metric(s, 'parley_feed_held_frames')
    expect(held).toBeGreaterThan(0)
    expect(await metric(s, 'parley_slow_consumers_total{transport="ws"}')).toBe(0)

    reader.resume()
    const last = await writer.ok({
      type: 'send',
      conversationId: id,
      clientMsgId: 'last',
      text: 'x',
    })
    await reader.waitFor((f) => f.type === 'event' && f.seq === last.seq, 20_000)
    await reader.waitFor(
      (f) =>
        feedFrames([f]).some(
          (g) => g.name === 'conversation' && g.data.conversation.lastSeq === last.seq,
        ),
      10_000,
    )
    expect(reader.closed).toBe(false)
    expect(await metric(s, 'parley_slow_consumers_total{transport="ws"}')).toBe(0)
    // Stored events (ephemeral ones, the queue position or typing, carry no seq).
    const seqs = reader.frames
      .filter((f) => f.type === 'event' && f.conversationId === id && typeof f.seq === 'number')
      .map((f) => f.seq as number)
    expect(seqs).toEqual(Array.from({ length: last.seq as number }, (_, i) => i + 1))
    // Fewer feed frames than messages: the held ones were coalesced.
    const conversationFrames = feedFrames(reader.frames.filter((f) => f.type === 'feed')).filter(
      (f) => f.name === 'conversation' && f.data.conversation.id === id,
    )
    expect(conversationFrames.length).toBeLessThan(sent)
    expect(await metric(s, 'parley_connections_behind')).toBe(0)
    expect(await metric(s, 'parley_feed_held_frames')).toBe(0)
    const ping = reader.send({ type: 'ping' })
    await reader.waitFor((f) => f.type === 'pong' && f.req === ping)
  })
})
