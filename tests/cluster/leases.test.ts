/**
 * Actor leases in JetStream KV against a real nats-server of the test's own: one holder at a
 * time, renewals, release, expiry of a dead holder's lease, and the safety rule that a node
 * cut off from NATS stops vouching for its leases before the server could expire them.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { KV } from '@nats-io/kv'
import { silentLogger } from '../../actors/index.ts'
import { Leases } from '../../server/cluster/leases.ts'
import { ClusterLink } from '../../server/cluster/link.ts'
import { startNats, withClusterServices, type NatsServer } from '../helpers/cluster.ts'

await withClusterServices('leases', {}, () => {
  let nats: NatsServer
  const links: ClusterLink[] = []
  const TTL = 1500

  beforeAll(async () => {
    nats = await startNats()
  }, 30_000)
  afterAll(async () => {
    for (const l of links) await l.close().catch(() => {})
    await nats.dispose()
  }, 30_000)

  async function node(name: string, bucket: string) {
    const link = await ClusterLink.open({ url: nats.url, nodeId: name, log: silentLogger })
    links.push(link)
    const kv: KV = await link.bucket(bucket, { ttlMs: TTL })
    const lost: string[] = []
    const leases = new Leases({
      kv,
      nodeId: name,
      ttlMs: TTL,
      log: silentLogger,
      onLost: (key) => lost.push(key),
    })
    return { link, kv, leases, lost }
  }

  describe('leases', () => {
    test('leases - one holder at a time; release hands over at once', async () => {
      const a = await node('a', 'leases_one')
      const b = await node('b', 'leases_one')
      expect(await a.leases.claim('conversation.x')).toBe(true)
      expect(await b.leases.claim('conversation.x')).toBe(false)
      expect(await b.leases.holder('conversation.x')).toBe('a')
      expect(a.leases.valid('conversation.x')).toBe(true)
      expect(b.leases.valid('conversation.x')).toBe(false)
      await a.leases.release('conversation.x')
      expect(a.leases.valid('conversation.x')).toBe(false)
      expect(await b.leases.claim('conversation.x')).toBe(true)
      expect(await b.leases.holder('conversation.x')).toBe('b')
    })

    test('leases - a suspended node gives every lease up at once (its actors first) and claims none until resumed', async () => {
      const a = await node('a', 'leases_suspend')
      const b = await node('b', 'leases_suspend')
      expect(await a.leases.claim('conversation.s1')).toBe(true)
      expect(await a.leases.claim('conversation.s2')).toBe(true)
      a.leases.suspend('its database is failing')
      expect(a.lost.sort()).toEqual(['conversation.s1', 'conversation.s2'])
      expect(a.leases.valid('conversation.s1')).toBe(false)
      await a.leases.releaseAll()
      // Free for the other node at once, not after the TTL.
      expect(await b.leases.claim('conversation.s1')).toBe(true)
      expect(await a.leases.claim('conversation.s2').catch((e) => e)).toMatchObject({
        code: 'unavailable',
        message: expect.stringContaining('its database is failing'),
      })
      a.leases.resume()
      expect(await a.leases.claim('conversation.s2')).toBe(true)
    })

    test('leases - a claim NATS does not answer fails as unavailable, not as an internal error', async () => {
      const a = await node('a', 'leases_frozen')
      await nats.kill('SIGSTOP')
      try {
        expect(await a.leases.claim('conversation.f').catch((e) => e)).toMatchObject({
          code: 'unavailable',
          retryable: true,
        })
      } finally {
        await nats.kill('SIGCONT')
      }
    }, 20_000)

    test('leases - renewals keep a lease past its TTL; a stopped holder loses it to expiry', async () => {
      const a = await node('a', 'leases_renew')
      const b = await node('b', 'leases_renew')
      expect(await a.leases.claim('inbox.i')).toBe(true)
      a.leases.start()
      await Bun.sleep(TTL * 2)
      expect(a.leases.valid('inbox.i')).toBe(true)
      expect(await b.leases.claim('inbox.i')).toBe(false)
      // The holder stops renewing (a crash): the server expires the key within a TTL or so.
      a.leases.stop()
      const deadline = Date.now() + TTL * 3
      let claimed = false
      while (!claimed && Date.now() < deadline) {
        claimed = await b.leases.claim('inbox.i')
        if (!claimed) await Bun.sleep(100)
      }
      expect(claimed).toBe(true)
      // The old holder's own view ended first (TTL minus a margin after its last renewal).
      expect(a.leases.valid('inbox.i')).toBe(false)
    }, 15_000)

    test('leases - a lease taken over (renewal with a stale revision) is lost at once', async () => {
      const a = await node('a', 'leases_taken')
      const b = await node('b', 'leases_taken')
      expect(await a.leases.claim('operator.o')).toBe(true)
      // An operator deletes the key by hand and another node claims it.
      await a.kv.delete('operator.o')
      expect(await b.leases.claim('operator.o')).toBe(true)
      a.leases.renewAll()
      const deadline = Date.now() + 3000
      while (a.lost.length === 0 && Date.now() < deadline) await Bun.sleep(20)
      expect(a.lost).toEqual(['operator.o'])
      expect(a.leases.valid('operator.o')).toBe(false)
      expect(b.leases.valid('operator.o')).toBe(true)
    })

    test('leases - a claim stored after its request timed out, and read as absent before it was, is still deleted at once', async () => {
      const { kv } = await node('a', 'leases_late')
      // JetStream may answer a read before it stores a publish buffered ahead of that read: the
      // first read says "absent" and the claim lands 300 ms after its request gave up.
      let landed: Promise<number> | null = null
      let firstRead = true
      const late = new Proxy(kv, {
        get(target, prop) {
          if (prop === 'create')
            return (key: string, value: string) => {
              landed = Bun.sleep(300).then(() => target.create(key, value))
              return Promise.reject(new Error('TIMEOUT'))
            }
          if (prop === 'get')
            return (key: string) => {
              if (!firstRead) return target.get(key)
              firstRead = false
              return Promise.resolve(null)
            }
          const value = Reflect.get(target, prop)
          return typeof value === 'function' ? value.bind(target) : value
        },
      })
      const leases = new Leases({
        kv: late,
        nodeId: 'a',
        ttlMs: TTL,
        log: silentLogger,
        onLost: () => {},
      })
      try {
        expect(await leases.claim('conversation.late').catch((e) => e)).toMatchObject({
          code: 'unavailable',
        })
        await landed
        // Deleted by the sweep (a delete marker), not left to expire a TTL later (no entry).
        const deadline = performance.now() + 5_000
        let entry = await kv.get('conversation.late')
        while (entry?.operation === 'PUT' && performance.now() < deadline) {
          await Bun.sleep(25)
          entry = await kv.get('conversation.late')
        }
        expect(entry?.operation).toBe('DEL')
      } finally {
        leases.stop()
      }
    })

    test('leases - cut off from NATS, a node stops vouching for its leases within the TTL', async () => {
      const a = await node('a', 'leases_cut')
      expect(await a.leases.claim('conversation.y')).toBe(true)
      a.leases.start()
      await nats.stop()
      const cutAt = performance.now()
      const deadline = cutAt + TTL * 3
      // Commands check valid() before running: it turns false within the TTL of the last
      // renewal (the server cannot have expired the key before that), then the actor is told.
      while (a.leases.valid('conversation.y') && performance.now() < deadline) await Bun.sleep(5)
      expect(a.leases.valid('conversation.y')).toBe(false)
      expect(performance.now() - cutAt).toBeLessThan(TTL)
      while (a.lost.length === 0 && performance.now() < deadline) await Bun.sleep(20)
      expect(a.lost).toEqual(['conversation.y'])
      expect(a.link.connected).toBe(false)
      a.leases.stop()
      await nats.restart()
      const back = performance.now() + 10_000
      while (!a.link.connected && performance.now() < back) await Bun.sleep(50)
      expect(a.link.connected).toBe(true)
    }, 20_000)
  })
})
