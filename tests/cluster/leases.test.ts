/**
 * Actor leases in JetStream KV against a real nats-server of the test's own: one holder at a
 * time, the node lease's renewals (one key per node, however many actors), release, takeover of
 * a dead holder's keys once its node lease expired, and the safety rule that a node cut off from
 * NATS stops vouching for its leases before the server could expire them.
 */
import { describe, expect, test } from 'bun:test'
import type { KV } from '@nats-io/kv'
import { silentLogger } from '../../actors/index.ts'
import { Leases } from '../../server/cluster/leases.ts'
import { useNats, withClusterServices } from '../helpers/cluster.ts'

await withClusterServices('leases', {}, () => {
  const cluster = useNats()
  const TTL = 1500

  async function node(
    name: string,
    bucket: string,
    opts: { ownerTtlMs?: number; now?: () => number } = {},
  ) {
    const ownerTtlMs = opts.ownerTtlMs ?? 60_000
    const link = await cluster.link(name)
    const lost: string[] = []
    const leases = await Leases.open(link, bucket, {
      nodeId: name,
      ttlMs: TTL,
      ownerTtlMs,
      ...(opts.now ? { now: opts.now } : {}),
      log: silentLogger,
      onLost: (key) => lost.push(key),
    })
    const kv: KV = await link.bucket(bucket, { ttlMs: ownerTtlMs })
    const nodes: KV = await link.bucket(`${bucket}_nodes`, { ttlMs: TTL })
    return { link, kv, nodes, leases, lost }
  }

  /** Until b claims key (a's node lease lapsing), bounded. */
  async function claimWhenFree(leases: Leases, key: string, withinMs: number): Promise<boolean> {
    const deadline = Date.now() + withinMs
    for (;;) {
      if (await leases.claim(key)) return true
      if (Date.now() > deadline) return false
      await Bun.sleep(100)
    }
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
      await cluster.nats.kill('SIGSTOP')
      try {
        expect(await a.leases.claim('conversation.f').catch((e) => e)).toMatchObject({
          code: 'unavailable',
          retryable: true,
        })
      } finally {
        await cluster.nats.kill('SIGCONT')
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
      // The holder stops renewing (a crash): the server expires its node lease within a TTL or
      // so, and the key that names it is stale from then on (still there, taken over).
      a.leases.stop()
      expect((await b.kv.get('inbox.i'))?.operation).toBe('PUT')
      expect(await claimWhenFree(b.leases, 'inbox.i', TTL * 3)).toBe(true)
      expect(await b.leases.holder('inbox.i')).toBe('b')
      // The old holder's own view ended first (TTL minus a margin after its last renewal).
      expect(a.leases.valid('inbox.i')).toBe(false)
    }, 15_000)

    test('leases - a node lease gone from KV (deleted by hand) loses every lease under it at the next renewal; their keys are free at once', async () => {
      const a = await node('a', 'leases_taken')
      const b = await node('b', 'leases_taken')
      expect(await a.leases.claim('operator.o')).toBe(true)
      expect(await a.leases.claim('operator.p')).toBe(true)
      // An operator deletes a's node lease by hand: every key naming it is stale now.
      const [lease] = await Array.fromAsync(await a.nodes.keys())
      await a.nodes.delete(lease as string)
      expect(await b.leases.holder('operator.o')).toBeNull()
      expect(await b.leases.claim('operator.o')).toBe(true)
      a.leases.renewAll()
      const deadline = Date.now() + 3000
      while (a.lost.length < 2 && Date.now() < deadline) await Bun.sleep(20)
      expect(a.lost.sort()).toEqual(['operator.o', 'operator.p'])
      expect(a.leases.valid('operator.o')).toBe(false)
      expect(b.leases.valid('operator.o')).toBe(true)
      // a claims again under a new node lease of its own.
      expect(await a.leases.claim('operator.p')).toBe(true)
      expect(await b.leases.holder('operator.p')).toBe('a')
    })

    test('leases - an owner key written over by someone else is lost at its next rewrite', async () => {
      // The leases' own clock, moved by hand: the node lease stays valid (TTL 1.5 s) throughout.
      let now = 0
      const a = await node('a', 'leases_rewrite', { ownerTtlMs: 1500, now: () => now })
      expect(await a.leases.claim('operator.q')).toBe(true)
      await a.kv.put('operator.q', JSON.stringify({ node: 'x', lease: 'x.1' }))
      // Rewritten every third of the owners' TTL: not before, then lost.
      now = 400
      const writes = a.leases.writes
      a.leases.renewAll()
      // The node lease's renewal only.
      expect(a.leases.writes).toBe(writes + 1)
      now = 600
      a.leases.renewAll()
      const deadline = Date.now() + 3000
      while (a.lost.length === 0 && Date.now() < deadline) await Bun.sleep(20)
      expect(a.lost).toEqual(['operator.q'])
    })

    test('leases - KV writes grow with claims, not with live leases: renewals write the node lease only', async () => {
      const a = await node('a', 'leases_many')
      const keys = Array.from({ length: 40 }, (_, i) => `conversation.m${i}`)
      for (const key of keys) expect(await a.leases.claim(key)).toBe(true)
      const revisions = await Promise.all(keys.map(async (k) => (await a.kv.get(k))?.revision))
      const afterClaims = a.leases.writes
      // One write per claim, plus the node lease's own.
      expect(afterClaims).toBe(keys.length + 1)
      a.leases.start()
      await Bun.sleep(TTL * 2)
      for (const key of keys) expect(a.leases.valid(key)).toBe(true)
      // Two TTLs at three renewals each: the node lease alone (a few, never one per key).
      expect(a.leases.writes - afterClaims).toBeGreaterThanOrEqual(4)
      expect(a.leases.writes - afterClaims).toBeLessThanOrEqual(8)
      expect(await Promise.all(keys.map(async (k) => (await a.kv.get(k))?.revision))).toEqual(
        revisions,
      )
      a.leases.stop()
    }, 15_000)

    test("leases - of two nodes taking a dead holder's key over at once, one gets it", async () => {
      const a = await node('a', 'leases_race')
      const b = await node('b', 'leases_race')
      const c = await node('c', 'leases_race')
      expect(await a.leases.claim('conversation.r')).toBe(true)
      // a stops renewing: once its node lease has expired in KV, both race for the stale key.
      const deadline = Date.now() + TTL * 3
      while (Date.now() < deadline && (await b.leases.holder('conversation.r')) !== null) {
        await Bun.sleep(50)
      }
      const won = await Promise.all([
        b.leases.claim('conversation.r'),
        c.leases.claim('conversation.r'),
      ])
      expect(won.filter(Boolean)).toHaveLength(1)
      expect(await a.leases.holder('conversation.r')).toBe(won[0] ? 'b' : 'c')
    }, 15_000)

    test('leases - a claim stored after its request timed out, and read as absent before it was, is still deleted at once', async () => {
      const { kv, nodes } = await node('a', 'leases_late')
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
        nodes,
        nodeId: 'a',
        ttlMs: TTL,
        ownerTtlMs: 60_000,
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
      await cluster.nats.stop()
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
      await cluster.nats.restart()
      const back = performance.now() + 10_000
      while (!a.link.connected && performance.now() < back) await Bun.sleep(50)
      expect(a.link.connected).toBe(true)
    }, 20_000)
  })
})
