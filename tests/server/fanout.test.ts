/**
 * Fan-out to live WebSocket subscriptions goes through Bun's native topic publish (one call
 * per event and format, however many watchers). The delivery contract still holds: every
 * watcher, JSON or msgpack, joining before or during a stream, gets each seq once and in order;
 * an unsubscribed one gets nothing more; typing notices reach live watchers too.
 */
import { describe, expect, test } from 'bun:test'
import { useServers } from '../helpers/lifecycle.ts'
import { TestClient } from '../helpers/ws.ts'

const { server, track } = useServers()

describe('native fan-out', () => {
  test('fan-out - JSON and msgpack watchers, early and mid-stream, get every seq once, in order', async () => {
    const s = await server({ env: { MAX_OPERATOR_CONNECTIONS: '50' } })
    const { token } = await s.visitorToken()
    const op = await s.operator()
    const writer = track(await TestClient.connect(s.wsUrl, { token: op.token }))
    const visitor = track(await TestClient.connect(s.wsUrl, { token }))
    const id = (await visitor.ok({ type: 'start', text: 'hello', clientMsgId: 'v' })).conversation
      .id
    const watchers = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const w = track(
          await TestClient.connect(s.wsUrl, {
            token: op.token,
            format: i % 2 ? 'msgpack' : 'json',
          }),
        )
        await w.ok({ type: 'subscribe', conversationId: id, afterSeq: 0 })
        return w
      }),
    )
    // Sends stream while more watchers join from seq 0 (replay, then live).
    const late: TestClient[] = []
    const sends: Promise<any>[] = []
    for (let i = 0; i < 60; i++) {
      sends.push(
        writer.ok({ type: 'send', conversationId: id, clientMsgId: `m${i}`, text: `m${i}` }),
      )
      if (i % 15 === 7) {
        const w = track(
          await TestClient.connect(s.wsUrl, {
            token: op.token,
            format: i % 2 ? 'msgpack' : 'json',
          }),
        )
        late.push(w)
        sends.push(w.ok({ type: 'subscribe', conversationId: id, afterSeq: 0 }))
      }
    }
    const acks = await Promise.all(sends)
    const last = Math.max(...acks.map((a) => (typeof a?.seq === 'number' ? a.seq : 0)))
    for (const w of [...watchers, ...late]) {
      await w.next((f) => f.type === 'event' && f.seq === last, 10_000)
      expect(w.events(id).map((f) => f.seq)).toEqual(Array.from({ length: last }, (_, k) => k + 1))
    }

    // Typing reaches live watchers; an unsubscribed watcher gets nothing more.
    const gone = watchers[0]!
    await gone.ok({ type: 'unsubscribe', conversationId: id })
    await visitor.ok({ type: 'typing', conversationId: id, on: true })
    for (const w of watchers.slice(1)) {
      await w.next((f) => f.type === 'event' && f.name === 'typing' && f.data.on === true)
    }
    const after = await writer.ok({
      type: 'send',
      conversationId: id,
      clientMsgId: 'after',
      text: 'after',
    })
    await watchers[1]!.next((f) => f.type === 'event' && f.seq === after.seq)
    expect(
      gone.frames.some((f) => f.type === 'event' && (f.seq === after.seq || f.name === 'typing')),
    ).toBe(false)
  })
})
