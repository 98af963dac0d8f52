/**
 * Spawns conversation actors over a real SQLite store with a fake clock and a recording
 * publisher: unit-level tests of the actor without sockets, but with real persistence.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  ActorRegistry,
  ConversationActor,
  FakeClock,
  LocalInboxBus,
  silentLogger,
  type InboxChange,
  type ConversationCommand,
  type ConversationPublisher,
  type ConversationReplies,
  type Principal,
  type Store,
} from '../../actors/index.ts'
import { openStore } from '../../db/index.ts'
import type { EventFrame, TypingEventFrame } from '../../protocol/index.ts'

export const TYPING_TTL_MS = 8000

export class RecordingPublisher implements ConversationPublisher {
  readonly frames: Array<EventFrame | TypingEventFrame> = []
  /** Called on each publish; lets a test check what was durable at that moment. */
  onPublish: ((frame: EventFrame | TypingEventFrame) => void) | null = null
  publish(frame: EventFrame | TypingEventFrame): void {
    this.onPublish?.(frame)
    this.frames.push(frame)
  }
  names(conversationId: string): string[] {
    return this.frames.filter((f) => f.conversationId === conversationId).map((f) => f.name)
  }
}

export type Registry = ActorRegistry<ConversationCommand, ConversationReplies, ConversationActor>

export interface Harness {
  store: Store
  clock: FakeClock
  publisher: RecordingPublisher
  registry: Registry
  /** A fresh registry on the same store: what a restarted server would have. */
  restart(): Promise<void>
  /** Changes announced on inbox-1's bus, in order. */
  changes: InboxChange[]
  close(): Promise<void>
  dbPath: string
}

export async function spawnHarness(
  opts: { idleMs?: number; wrapStore?: (s: Store) => Store } = {},
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-actor-'))
  const dbPath = join(dir, 'test.db')
  const clock = new FakeClock()
  const publisher = new RecordingPublisher()
  const bus = new LocalInboxBus()
  const changes: InboxChange[] = []
  bus.subscribe('inbox-1', (change) => changes.push(change))
  const make = (store: Store): Registry =>
    new ActorRegistry({
      kind: 'conversation',
      clock,
      log: silentLogger,
      idleMs: opts.idleMs ?? 60_000,
      create: (key) =>
        new ConversationActor(
          key,
          { clock, log: silentLogger, mailboxLimit: 1000 },
          {
            store: store.conversations,
            publisher,
            inboxBus: bus,
            typingTtlMs: TYPING_TTL_MS,
          },
        ),
    })
  const wrap = opts.wrapStore ?? ((s: Store) => s)
  const h: Harness = {
    store: wrap(await openStore(`sqlite:${dbPath}`)),
    clock,
    publisher,
    changes,
    registry: null as unknown as Registry,
    dbPath,
    async restart() {
      await h.registry.shutdown()
      await h.store.close()
      h.store = wrap(await openStore(`sqlite:${dbPath}`))
      h.registry = make(h.store)
    },
    async close() {
      await h.registry.shutdown()
      await h.store.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
  h.registry = make(h.store)
  return h
}

export const visitor = (id = 'visitor-1', inboxId = 'inbox-1'): Principal => ({
  kind: 'visitor',
  id,
  inboxId,
})
export const operator = (
  id = 'op-1',
  opts: { canChat?: boolean; role?: 'operator' | 'supervisor' | 'admin' } = {},
): Principal => ({
  kind: 'operator',
  id,
  role: opts.role ?? 'operator',
  canChat: opts.canChat ?? true,
})

/** Creates a conversation for the visitor and returns its id. */
export async function startConversation(
  h: Harness,
  who: Principal = visitor(),
  text?: string,
): Promise<string> {
  const id = Bun.randomUUIDv7()
  await h.registry.ask(id, {
    type: 'create',
    principal: who,
    first: text ? { text, clientMsgId: 'first' } : undefined,
  })
  return id
}
