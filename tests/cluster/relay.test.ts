/**
 * The relay between nodes against a real nats-server of the test's own: a payload reaches the
 * other nodes watching its subject with the exact JSON text it was published with (handed on,
 * so a frame is not encoded again), never the node that published it, and a message that is
 * not a relay message is ignored. Payloads published in one turn on one subject leave as one
 * NATS message (one per line, in order), split below the bundle cap. Then through two hubs: an event from one node reaches the
 * other node's JSON client byte for byte as the first node encoded it.
 */
import { describe, expect, test } from 'bun:test'
import { silentLogger } from '../../actors/index.ts'
import { Relay } from '../../server/cluster/relay.ts'
import { Hub } from '../../server/realtime/hub.ts'
import { Subscription } from '../../server/realtime/connection.ts'
import { MemoryConnection } from '../helpers/memory-connection.ts'
import type { EventFrame } from '../../protocol/index.ts'
import { useNats, waitUntil, withClusterServices } from '../helpers/cluster.ts'

await withClusterServices('relay', {}, () => {
  const cluster = useNats()

  async function relayOf(nodeId: string): Promise<Relay> {
    const link = await cluster.link(nodeId)
    return new Relay(link, silentLogger)
  }

  describe('relay', () => {
    test('relay - other nodes get the payload and its JSON text as published; the publisher and stray messages are skipped', async () => {
      const a = await relayOf('node-a')
      const b = await relayOf('node-ab') // its id starts with a's: told apart all the same
      const got: Record<string, Array<[unknown, string]>> = { a: [], b: [] }
      a.watch('parley.test.x', (p, json) => got.a!.push([p, json]))
      b.watch('parley.test.x', (p, json) => got.b!.push([p, json]))
      await a.ready()
      await b.ready()

      const payload = { type: 'event', text: 'héllo\nworld', n: 1.5, nested: { list: [1, 'two'] } }
      const text = JSON.stringify(payload)
      a.publish('parley.test.x', payload, text)
      b.publish('parley.test.x', { from: 'b' })
      // Not a relay message: no origin line. Ignored, not fatal.
      cluster.links[0]!.nc.publish('parley.test.x', 'no newline here')
      await waitUntil('both delivered', () => got.a!.length === 1 && got.b!.length === 1, {
        timeoutMs: 5000,
      })
      await a.ready()
      await b.ready()
      expect(got.b).toEqual([[payload, text]])
      expect(got.a).toEqual([[{ from: 'b' }, '{"from":"b"}']])
      expect(a.received).toBe(1)
      expect(b.received).toBe(1)
    })

    test('relay - payloads of one turn on one subject leave as one NATS message, in order; a large batch is split', async () => {
      const a = await relayOf('bundle-a')
      const b = await relayOf('bundle-b')
      const got: Record<string, unknown[]> = { x: [], y: [] }
      b.watch('parley.bundle.x', (p) => got.x!.push(p))
      b.watch('parley.bundle.y', (p) => got.y!.push(p))
      // What crosses NATS, seen by a plain subscriber: one message per subject and batch.
      const raw: Array<{ subject: string; lines: string[] }> = []
      const spy = cluster.links.at(-1)!.nc.subscribe('parley.bundle.*', {
        callback: (_e, msg) => {
          raw.push({ subject: msg.subject, lines: msg.string().split('\n') })
        },
      })
      await b.ready()
      await cluster.links.at(-1)!.nc.flush()

      // Interleaved subjects in one turn: each subject's payloads in order, one message each,
      // a text with a newline inside kept whole (JSON escapes it).
      for (let i = 0; i < 20; i++) {
        a.publish('parley.bundle.x', { i, text: `line\n${i}` })
        if (i % 2 === 0) a.publish('parley.bundle.y', { i })
      }
      await waitUntil('first batch', () => got.x!.length === 20 && got.y!.length === 10, {
        timeoutMs: 5000,
      })
      expect(got.x).toEqual(Array.from({ length: 20 }, (_, i) => ({ i, text: `line\n${i}` })))
      expect(got.y).toEqual(Array.from({ length: 10 }, (_, i) => ({ i: 2 * i })))
      expect(a.published).toBe(30)
      expect(a.messages).toBe(2)
      await waitUntil('seen raw', () => raw.length === 2, { timeoutMs: 5000 })
      // Each subject's message goes where its last payload was: y's (i = 18) before x's (19).
      expect(raw.map((m) => [m.subject, m.lines.length])).toEqual([
        ['parley.bundle.y', 11], // the origin line, then one payload per line
        ['parley.bundle.x', 21],
      ])
      expect(raw.map((m) => m.lines[0])).toEqual(['bundle-a', 'bundle-a'])

      // 600 payloads of 1 KB: over the bundle cap (256K characters), so several messages,
      // none over the cap, every payload once and in order.
      raw.length = 0
      got.x!.length = 0
      const pad = 'p'.repeat(1000)
      for (let i = 0; i < 600; i++) a.publish('parley.bundle.x', { i, pad })
      await waitUntil('large batch', () => got.x!.length === 600, { timeoutMs: 10_000 })
      expect(got.x!.map((p) => (p as { i: number }).i)).toEqual(
        Array.from({ length: 600 }, (_, i) => i),
      )
      await waitUntil('seen raw', () => raw.reduce((n, m) => n + m.lines.length - 1, 0) === 600, {
        timeoutMs: 5000,
      })
      expect(raw.length).toBeGreaterThanOrEqual(3)
      for (const m of raw) expect(m.lines.join('\n').length).toBeLessThanOrEqual(256 * 1024 + 64)
      expect(a.messages).toBe(2 + raw.length)
      spy.unsubscribe()
    })

    test('relay - an event from one node reaches a JSON client on another byte for byte', async () => {
      const one = new Hub(await relayOf('hub-1'))
      const two = new Hub(await relayOf('hub-2'))
      const client = new MemoryConnection()
      const sub = new Subscription(client, 'conv-1', 0)
      sub.goLive(0)
      two.add(sub)
      await two.ready()
      const frame: EventFrame = {
        type: 'event',
        conversationId: 'conv-1',
        seq: 1,
        name: 'message.created',
        at: 1_700_000_000_000,
        data: { text: 'ünïcode ✓', n: 0.1 },
      } as unknown as EventFrame
      one.publish(frame)
      await waitUntil('relayed', () => client.sent.length === 1, { timeoutMs: 5000 })
      expect(client.sent[0]).toBe(JSON.stringify(frame))
      expect(sub.lastSeq).toBe(1)
    })
  })
})
