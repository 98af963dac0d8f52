/**
 * The link's request/reply (server/cluster/requests.ts) against a real nats-server of the
 * test's own: replies reach their own requests whatever order they come in, a subject nobody
 * subscribes to answers `none` at once, a silent responder ends in `timeout` on the sweep (the
 * watchdog's tick runs meanwhile), a late reply after the timeout is dropped, and a closed link
 * fails what waits with `down`. Requests of one turn leave in one batch.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Msg } from '@nats-io/transport-node'
import { silentLogger } from '../../actors/index.ts'
import { ClusterLink } from '../../server/cluster/link.ts'
import { SWEEP_MS, type Reply } from '../../server/cluster/requests.ts'
import { startNats, waitUntil, withClusterServices, type NatsServer } from '../helpers/cluster.ts'

/** One request's end as a promise: the reply's text, or how it ended. */
function ask(
  link: ClusterLink,
  subject: string,
  data: string,
  timeoutMs: number,
  tick?: () => void,
) {
  return new Promise<string>((resolve) =>
    link.requests.send(
      subject,
      data,
      timeoutMs,
      (reply: Reply) => resolve(typeof reply === 'string' ? `<${reply}>` : (reply as Msg).string()),
      tick,
    ),
  )
}

await withClusterServices('requests', {}, () => {
  let nats: NatsServer
  let asker: ClusterLink
  let responder: ClusterLink

  beforeAll(async () => {
    nats = await startNats()
    asker = await ClusterLink.open({ url: nats.url, nodeId: 'asker', log: silentLogger })
    responder = await ClusterLink.open({ url: nats.url, nodeId: 'responder', log: silentLogger })
  }, 30_000)
  afterAll(async () => {
    await asker?.close().catch(() => {})
    await responder?.close().catch(() => {})
    await nats?.dispose()
  }, 30_000)

  describe('cluster requests', () => {
    test('requests - each reply reaches its own request, answered in reverse order; one batch sends them', async () => {
      const held: Msg[] = []
      const sub = responder.nc.subscribe('parley.test.echo', {
        callback: (_error, msg) => {
          held.push(msg)
          // Answer all five at once, last first.
          if (held.length === 5) for (const m of held.reverse()) m.respond(`re ${m.string()}`)
        },
      })
      await responder.nc.flush()
      const batchesBefore = asker.sendBatches
      const replies = Promise.all(
        [1, 2, 3, 4, 5].map((n) => ask(asker, 'parley.test.echo', `m${n}`, 5000)),
      )
      expect(await replies).toEqual(['re m1', 're m2', 're m3', 're m4', 're m5'])
      expect(asker.sendBatches - batchesBefore).toBe(1)
      expect(asker.requests.waiting).toBe(0)
      sub.unsubscribe()
    })

    test('requests - nobody subscribed: `none` at once, long before the timeout', async () => {
      const started = performance.now()
      expect(await ask(asker, 'parley.test.nobody', 'x', 10_000)).toBe('<none>')
      expect(performance.now() - started).toBeLessThan(5000)
    })

    test('requests - a silent responder: `timeout` on the sweep, ticks meanwhile, and a late reply is dropped', async () => {
      const held: Msg[] = []
      const sub = responder.nc.subscribe('parley.test.silent', {
        callback: (_error, msg) => void held.push(msg),
      })
      await responder.nc.flush()
      let ticks = 0
      const started = performance.now()
      const outcome = await ask(asker, 'parley.test.silent', 'x', 300, () => void ticks++)
      const took = performance.now() - started
      expect(outcome).toBe('<timeout>')
      expect(took).toBeGreaterThanOrEqual(300)
      // The sweep runs every SWEEP_MS: several ticks while it waited.
      expect(ticks).toBeGreaterThanOrEqual(2)
      expect(ticks).toBeLessThanOrEqual(Math.ceil(took / SWEEP_MS) + 1)
      // Answered after all: nothing waits for it any more, and nothing breaks.
      expect(held.length).toBe(1)
      held[0]!.respond('too late')
      await responder.nc.flush()
      await asker.nc.flush()
      expect(asker.requests.waiting).toBe(0)
      // The next request works as before.
      const sub2 = responder.nc.subscribe('parley.test.after', {
        callback: (_error, msg) => void msg.respond('fine'),
      })
      await responder.nc.flush()
      expect(await ask(asker, 'parley.test.after', 'x', 5000)).toBe('fine')
      sub.unsubscribe()
      sub2.unsubscribe()
    })

    test('requests - a link that closes fails what waits with `down`, and later requests too', async () => {
      const link = await ClusterLink.open({ url: nats.url, nodeId: 'closing', log: silentLogger })
      const sub = responder.nc.subscribe('parley.test.never', { callback: () => {} })
      await responder.nc.flush()
      const waiting = ask(link, 'parley.test.never', 'x', 60_000)
      await waitUntil('request sent', () => link.sends > 0, { timeoutMs: 5000 })
      await link.close()
      expect(await waiting).toBe('<down>')
      expect(await ask(link, 'parley.test.never', 'x', 60_000)).toBe('<down>')
      sub.unsubscribe()
    })
  })
})
