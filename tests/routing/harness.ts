/**
 * The whole actor system of one node (conversation, inbox and operator actors) over a real
 * SQLite store, with a fake clock and a recording operator feed. No sockets: this is where
 * routing, presence, badges and escalation are specified.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  FakeClock,
  silentLogger,
  type ConversationPublisher,
  type InboxSettings,
  type OperatorFeed,
  type OperatorRole,
  type Principal,
  type Store,
} from '../../actors/index.ts'
import { openStore } from '../../db/index.ts'
import { createActorSystem, type ActorSystem } from '../../server/actors.ts'
import { loadConfig } from '../../server/config.ts'
import { newInbox } from '../../server/http/admin.ts'
import type { FeedFrame } from '../../protocol/index.ts'

export const MINUTE = 60_000

export class RecordingFeed implements OperatorFeed {
  readonly frames: Array<{ operatorId: string; frame: FeedFrame }> = []
  push(operatorId: string, frame: FeedFrame): void {
    this.frames.push({ operatorId, frame })
  }
  of(operatorId: string, name: FeedFrame['name']): FeedFrame[] {
    return this.frames
      .filter((f) => f.operatorId === operatorId && f.frame.name === name)
      .map((f) => f.frame)
  }
}

const quiet: ConversationPublisher = { publish: () => {} }

export interface RoutingHarness {
  store: Store
  system: ActorSystem
  clock: FakeClock
  feed: RecordingFeed
  inboxId: string
  /** Operator ids, created as members of the inbox, in id order. */
  ops: string[]
  connect(operatorId: string, connId?: string): Promise<void>
  disconnect(operatorId: string, connId?: string): Promise<void>
  setStatus(operatorId: string, status: 'online' | 'away' | 'busy'): Promise<void>
  /** A visitor starts a conversation with a first message; returns its id. */
  start(text?: string): Promise<string>
  assignee(conversationId: string): Promise<string | null>
  operator(id: string, role?: OperatorRole): Principal
  visitorOf(conversationId: string): Promise<Principal>
  /** Waits until every mailbox is empty and no announced change is still on its way. */
  settle(): Promise<void>
  /**
   * A new actor system on the same database and clock: what a restarted server has; `downMs`
   * passes on the clock while nothing runs.
   */
  restart(opts?: { downMs?: number }): Promise<void>
  close(): Promise<void>
}

export async function spawnRouting(
  opts: {
    operators?: number
    settings?: Partial<InboxSettings>
    roles?: OperatorRole[]
    /** The fake clock's start (ms since the epoch). */
    start?: number
  } = {},
): Promise<RoutingHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-routing-'))
  const url = `sqlite:${join(dir, 'routing.db')}`
  const clock = new FakeClock(opts.start)
  const feed = new RecordingFeed()
  const config = loadConfig({ DATA_DIR: dir })
  const open = async (store: Store) => {
    const system = createActorSystem({
      store,
      clock,
      log: silentLogger,
      config,
      publisher: quiet,
      feed,
    })
    await system.startInboxes()
    return system
  }
  const store = await openStore(url)
  const inbox = newInbox('Support', clock.now(), opts.settings)
  await store.inboxes.create(inbox)
  const ops: string[] = []
  const roles = new Map<string, OperatorRole>()
  for (let i = 0; i < (opts.operators ?? 3); i++) {
    const id = `op-${String.fromCharCode(97 + i)}` // op-a, op-b, ... sorts in creation order
    const role = opts.roles?.[i] ?? 'operator'
    roles.set(id, role)
    const now = clock.now()
    await store.operators.create({
      id,
      email: `${id}@example.com`,
      displayName: null,
      avatarId: null,
      name: id,
      role,
      canChat: true,
      active: true,
      status: 'online',
      passwordHash: 'x',
      createdAt: now,
      updatedAt: now,
    })
    await store.inboxes.addMember([inbox.id], id)
    ops.push(id)
  }
  let visitors = 0
  const h: RoutingHarness = {
    store,
    system: await open(store),
    clock,
    feed,
    inboxId: inbox.id,
    ops,
    async connect(operatorId, connId = 'tab-1') {
      await h.system.operators.ask(operatorId, { type: 'connected', connId })
      await h.settle()
    },
    async disconnect(operatorId, connId = 'tab-1') {
      await h.system.operators.ask(operatorId, { type: 'disconnected', connId })
      await h.settle()
    },
    async setStatus(operatorId, status) {
      await h.system.operators.ask(operatorId, { type: 'set_status', status })
      await h.settle()
    },
    async start(text = 'hello') {
      const visitor: Principal = { kind: 'visitor', id: `visitor-${++visitors}`, inboxId: inbox.id }
      const id = Bun.randomUUIDv7()
      await h.system.conversations.ask(id, {
        type: 'create',
        principal: visitor,
        first: { text, clientMsgId: 'first' },
      })
      await h.settle()
      return id
    },
    async assignee(conversationId) {
      const conv = await h.system.conversations.ask(conversationId, { type: 'peek' })
      return conv?.assigneeId ?? null
    },
    operator(id, role) {
      return { kind: 'operator', id, role: role ?? roles.get(id) ?? 'operator', canChat: true }
    },
    async visitorOf(conversationId) {
      const conv = await h.system.conversations.ask(conversationId, { type: 'peek' })
      if (!conv) throw new Error('no such conversation')
      return { kind: 'visitor', id: conv.visitorId, inboxId: conv.inboxId }
    },
    async settle() {
      // Effects and bus deliveries hop through setImmediate; idle must hold for a few rounds.
      let quietRounds = 0
      for (let i = 0; i < 10_000 && quietRounds < 5; i++) {
        await new Promise((r) => setImmediate(r))
        const depth =
          h.system.conversations.mailboxDepth() +
          h.system.inboxes.mailboxDepth() +
          h.system.operators.mailboxDepth()
        quietRounds = depth === 0 ? quietRounds + 1 : 0
      }
    },
    async restart({ downMs = 0 } = {}) {
      await h.system.shutdown()
      await h.store.close()
      await h.clock.advance(downMs)
      h.store = await openStore(url)
      h.system = await open(h.store)
      await h.clock.advance(0) // timers already due fire now, as they would in real time
      await h.settle()
    },
    async close() {
      await h.system.shutdown()
      await h.store.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
  return h
}
