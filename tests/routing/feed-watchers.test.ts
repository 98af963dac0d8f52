/**
 * In a cluster an operator actor tells its node's feed whether a connection on another node may
 * be watching (issue 23): only then is the feed published to NATS. The actor over a real store
 * and a fake clock; the cluster test (tests/cluster/chat.test.ts) checks the same over NATS.
 */
import { afterEach, expect, test } from 'bun:test'
import {
  ActorRegistry,
  LocalInboxBus,
  OperatorActor,
  PresenceBoard,
  silentLogger,
  type OperatorCommand,
  type OperatorFeed,
  type OperatorReplies,
} from '../../actors/index.ts'
import type { FeedFrame } from '../../protocol/index.ts'
import { spawnRouting, type RoutingHarness } from './harness.ts'

const TTL = 15_000
const WAIT = 2_000

let h: RoutingHarness
afterEach(async () => {
  await h?.close()
})

class WatchFeed implements OperatorFeed {
  frames = 0
  /** The last thing each operator's feed was told, and every call in order. */
  readonly elsewhere = new Map<string, boolean>()
  readonly calls: Array<[string, boolean]> = []
  push(_operatorId: string, _frame: FeedFrame): void {
    this.frames++
  }
  watchedElsewhere(operatorId: string, elsewhere: boolean): void {
    this.elsewhere.set(operatorId, elsewhere)
    this.calls.push([operatorId, elsewhere])
  }
}

async function nodeA() {
  h = await spawnRouting({ operators: 1 })
  const feed = new WatchFeed()
  const announced: string[] = []
  const ctx = { clock: h.clock, log: silentLogger, mailboxLimit: 1000 }
  const registry = new ActorRegistry<OperatorCommand, OperatorReplies, OperatorActor>({
    kind: 'operator',
    clock: h.clock,
    log: silentLogger,
    idleMs: 60 * 60_000,
    create: (key) =>
      new OperatorActor(key, ctx, {
        operators: h.store.operators,
        inboxes: h.store.inboxes,
        queries: h.store.queries,
        board: new PresenceBoard(),
        bus: new LocalInboxBus(),
        feed,
        available: () => {},
        graceMs: 30_000,
        presenceConfirmMs: 60_000,
        connectionTtlMs: TTL,
        nodeId: 'node-a',
        announceConnections: (id) => announced.push(id),
        announceWaitMs: WAIT,
      }),
  })
  const op = h.ops[0]!
  const ask = <K extends OperatorCommand['type']>(cmd: Extract<OperatorCommand, { type: K }>) =>
    registry.ask(op, cmd)
  /** Moves the fake clock and lets the timers' commands run. */
  const advance = async (ms: number) => {
    h.clock.advance(ms)
    await ask({ type: 'snapshot', node: 'node-a' })
  }
  return { feed, announced, registry, op, ask, advance }
}

test('a starting actor asks for announcements and assumes other nodes watch until they are in', async () => {
  const a = await nodeA()
  await a.ask({ type: 'connected', connId: 'tab-1', node: 'node-a' })
  expect(a.announced).toEqual([a.op])
  expect(a.feed.elsewhere.get(a.op)).toBe(true)
  await a.advance(WAIT)
  expect(a.feed.elsewhere.get(a.op)).toBe(false)
  await a.registry.shutdown()
})

test('connections and feeds on other nodes turn publishing on; their end turns it off', async () => {
  const a = await nodeA()
  await a.ask({ type: 'connected', connId: 'tab-1', node: 'node-a' })
  await a.advance(WAIT)
  expect(a.feed.elsewhere.get(a.op)).toBe(false)

  // A tab on node B.
  await a.ask({ type: 'connected', connId: 'tab-2', node: 'node-b' })
  expect(a.feed.elsewhere.get(a.op)).toBe(true)
  await a.ask({ type: 'disconnected', connId: 'tab-2' })
  expect(a.feed.elsewhere.get(a.op)).toBe(false)

  // A feed started on node C before its connection was heard of: watched from then on, and
  // over once that node's last connection closes.
  await a.ask({ type: 'snapshot', node: 'node-c' })
  expect(a.feed.elsewhere.get(a.op)).toBe(true)
  await a.ask({ type: 'connected', connId: 'tab-3', node: 'node-c' })
  await a.ask({ type: 'disconnected', connId: 'tab-3' })
  expect(a.feed.elsewhere.get(a.op)).toBe(false)

  // A snapshot whose connection never shows up (it closed at once): watched for one TTL.
  await a.ask({ type: 'snapshot', node: 'node-d' })
  expect(a.feed.elsewhere.get(a.op)).toBe(true)
  await a.ask({ type: 'connected', connId: 'tab-1', node: 'node-a' })
  await a.advance(TTL / 2)
  expect(a.feed.elsewhere.get(a.op)).toBe(true)
  await a.ask({ type: 'connected', connId: 'tab-1', node: 'node-a' })
  await a.advance(TTL / 2 + 1)
  expect(a.feed.elsewhere.get(a.op)).toBe(false)

  // A node of an older release does not say where its connection is: assume elsewhere.
  await a.ask({ type: 'connected', connId: 'tab-5' })
  expect(a.feed.elsewhere.get(a.op)).toBe(true)
  await a.ask({ type: 'disconnected', connId: 'tab-5' })
  expect(a.feed.elsewhere.get(a.op)).toBe(false)

  // A node that died without a word: its connection is dropped after the TTL.
  await a.ask({ type: 'connected', connId: 'tab-6', node: 'node-e' })
  expect(a.feed.elsewhere.get(a.op)).toBe(true)
  for (let i = 0; i < 3; i++) {
    await a.ask({ type: 'connected', connId: 'tab-1', node: 'node-a' })
    await a.advance(TTL / 2)
  }
  expect(a.feed.elsewhere.get(a.op)).toBe(false)

  // Stopping clears it for the node's feed.
  await a.ask({ type: 'connected', connId: 'tab-7', node: 'node-b' })
  expect(a.feed.elsewhere.get(a.op)).toBe(true)
  await a.registry.shutdown()
  expect(a.feed.elsewhere.get(a.op)).toBe(false)
  // Only changes were reported.
  for (let i = 1; i < a.feed.calls.length; i++) {
    expect(a.feed.calls[i]![1]).not.toBe(a.feed.calls[i - 1]![1])
  }
})
