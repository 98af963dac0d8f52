/**
 * The relay between nodes against a real nats-server of the test's own: a payload reaches the
 * other nodes watching its subject with the exact JSON text it was published with (handed on,
 * so a frame is not encoded again), never the node that published it, and a message that is
 * not a relay message is ignored. Then through two hubs: an event from one node reaches the
 * other node's JSON client byte for byte as the first node encoded it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { silentLogger } from '../../actors/index.ts'
import { Relay } from '../../server/cluster/relay.ts'
import { ClusterLink } from '../../server/cluster/link.ts'
import { Hub } from '../../server/realtime/hub.ts'
import { Connection, Subscription } from '../../server/realtime/connection.ts'
import type { EventFrame, ServerFrame } from '../../protocol/index.ts'
import { startNats, waitUntil, withClusterServices, type NatsServer } from '../helpers/cluster.ts'

/** A connection that keeps what it was sent, as the bytes a socket would carry. */
class Recorder extends Connection {
  readonly sent: string[] = []
  constructor() {
    super('ws', 'json', 1 << 20, () => {})
  }
  protected write(data: string | Uint8Array): boolean {
    this.sent.push(typeof data === 'string' ? data : new TextDecoder().decode(data))
    return true
  }
  queuedBytes(): number {
    return 0
  }
  terminate(): void {
    this.closed = true
  }
  close(_frame: ServerFrame | null): void {
    this.closed = true
  }
}

await withClusterServices('relay', {}, () => {
  let nats: NatsServer
  const links: ClusterLink[] = []

  beforeAll(async () => {
    nats = await startNats()
  }, 30_000)
  afterAll(async () => {
    for (const l of links) await l.close().catch(() => {})
    await nats.dispose()
  }, 30_000)

  async function relayOf(nodeId: string): Promise<Relay> {
    const link = await ClusterLink.open({ url: nats.url, nodeId, log: silentLogger })
    links.push(link)
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
      links[0]!.nc.publish('parley.test.x', 'no newline here')
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

    test('relay - an event from one node reaches a JSON client on another byte for byte', async () => {
      const one = new Hub(await relayOf('hub-1'))
      const two = new Hub(await relayOf('hub-2'))
      const client = new Recorder()
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
