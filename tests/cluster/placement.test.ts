/**
 * Placement against a real nats-server of the test's own, with two registries in this process:
 * a command published while the actor's subject had only a silent subscriber (a frozen old
 * owner) must not wait for its deadline once a new owner subscribes; the asker's probe finds
 * the new owner never received it, and the command is sent again, once.
 */
import { describe, expect, test } from 'bun:test'
import { Actor, ActorRegistry, silentLogger, systemClock } from '../../actors/index.ts'
import { Leases } from '../../server/cluster/leases.ts'
import { ClusteredRegistry } from '../../server/cluster/placement.ts'
import { useNats, waitUntil, withClusterServices } from '../helpers/cluster.ts'

type EchoCmd = { type: 'echo'; n: number }
type EchoReplies = { echo: { node: string; n: number } }

/** Answers with the node it runs on; counts what it ran; a command with a gate waits for it. */
class EchoActor extends Actor<EchoCmd, EchoReplies> {
  constructor(
    key: string,
    private readonly node: string,
    private readonly ran: number[],
    private readonly gates: Map<number, Promise<void>>,
  ) {
    super(key, { clock: systemClock, log: silentLogger, mailboxLimit: 100 })
  }

  protected async receive(cmd: EchoCmd): Promise<{ node: string; n: number }> {
    this.ran.push(cmd.n)
    await this.gates.get(cmd.n)
    return { node: this.node, n: cmd.n }
  }
}

await withClusterServices('placement', {}, () => {
  const cluster = useNats()
  const TTL = 3000
  const ASK_DEADLINE = 6000

  async function node(name: string, bucket: string) {
    const link = await cluster.link(name)
    const ran: number[] = []
    const gates = new Map<number, Promise<void>>()
    let placed: ClusteredRegistry<EchoCmd, EchoReplies, EchoActor> | null = null
    const leases = await Leases.open(link, bucket, {
      nodeId: name,
      ttlMs: TTL,
      log: silentLogger,
      onLost: (key) => placed?.lost(key.slice('echo.'.length)),
    })
    leases.start()
    const local = new ActorRegistry<EchoCmd, EchoReplies, EchoActor>({
      kind: 'echo',
      create: (key) => new EchoActor(key, name, ran, gates),
      clock: systemClock,
      log: silentLogger,
      idleMs: 60_000,
      onStopped: (key) => placed?.stopped(key),
    })
    placed = new ClusteredRegistry(local, {
      link,
      leases,
      log: silentLogger,
      probeAfterMs: 300,
      probeTimeoutMs: 300,
      askDeadlineMs: ASK_DEADLINE,
    })
    return { link, leases, placed, ran, gates }
  }

  describe('placement', () => {
    test('placement - a command that reached only a frozen subscriber is sent again to the new owner, once', async () => {
      const asker = await node('asker', 'placement_unseen')
      const owner = await node('owner', 'placement_unseen')
      const key = 'c1'
      // A subscriber that never answers: the old owner, frozen, its lease already lapsed.
      const zombieLink = await cluster.link('zombie')
      let zombieGot = 0
      const zombie = zombieLink.nc.subscribe(`parley.actor.echo.${key}`, {
        callback: () => {
          zombieGot++
        },
      })
      await zombieLink.nc.flush()

      const began = performance.now()
      const asked = asker.placed.ask(key, { type: 'echo', n: 1 })
      // The command reaches the zombie (and only it) before the new owner exists. The asker may
      // look its owner up before it publishes, so a flush alone does not prove it arrived.
      await waitUntil('the command reached the frozen subscriber', () => zombieGot >= 1, {
        timeoutMs: 5_000,
        intervalMs: 5,
      })
      // Its connection then goes quiet for good (as a frozen node's is cut at last), and a new
      // owner takes the actor: the command it never received must still run there.
      zombie.unsubscribe()
      await zombieLink.nc.flush()
      const ownerReply = await owner.placed.ask(key, { type: 'echo', n: 0 })
      expect(ownerReply).toEqual({ node: 'owner', n: 0 })

      const reply = await asked
      const tookMs = performance.now() - began
      console.log(`placement: re-sent command answered after ${Math.round(tookMs)} ms`)
      expect(reply).toEqual({ node: 'owner', n: 1 })
      expect(zombieGot).toBeGreaterThanOrEqual(1)
      // Ran once on the new owner, never on the asker; well before the ask deadline.
      expect(owner.ran).toEqual([0, 1])
      expect(asker.ran).toEqual([])
      expect(tookMs).toBeLessThan(ASK_DEADLINE / 2)
    }, 30_000)

    test('placement - a live owner slow to answer is probed, not sent the command twice', async () => {
      const asker = await node('asker2', 'placement_slow')
      const owner = await node('owner2', 'placement_slow')
      const key = 'c2'
      expect(await owner.placed.ask(key, { type: 'echo', n: 0 })).toEqual({ node: 'owner2', n: 0 })
      // The command runs for 1.5 s: several probe rounds, each answered "seen".
      let open = () => {}
      owner.gates.set(1, new Promise<void>((resolve) => (open = resolve)))
      const asked = asker.placed.ask(key, { type: 'echo', n: 1 })
      await Bun.sleep(1_500)
      open()
      expect(await asked).toEqual({ node: 'owner2', n: 1 })
      expect(owner.ran).toEqual([0, 1])
      expect(asker.ran).toEqual([])
    }, 30_000)
  })
})
