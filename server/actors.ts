/**
 * Builds this node's actor system: one registry per actor kind, wired through ports. Actors
 * reach each other only through registries (mailboxes) and the inbox bus, never by reference.
 */
import {
  ActorRegistry,
  ConversationActor,
  InboxActor,
  LocalInboxBus,
  OperatorActor,
  PresenceBoard,
  type ActorContext,
  type Clock,
  type ConversationPublisher,
  type Logger,
  type OperatorFeed,
  type Store,
} from '../actors/index.ts'
import type { ConversationRegistry, InboxRegistry, OperatorRegistry } from './chat.ts'
import type { Config } from './config.ts'

/** Presence outlives the last connection by this long (a reload, a network blip). */
export const PRESENCE_GRACE_MS = 15_000

export interface ActorSystem {
  conversations: ConversationRegistry
  operators: OperatorRegistry
  inboxes: InboxRegistry
  board: PresenceBoard
  /** Activates every inbox actor so routing queues drain and escalation timers are armed. */
  startInboxes(): Promise<void>
  shutdown(): Promise<void>
}

export function createActorSystem(deps: {
  store: Store
  clock: Clock
  log: Logger
  config: Config
  publisher: ConversationPublisher
  feed: OperatorFeed
}): ActorSystem {
  const { store, clock, log, config } = deps
  const ctx: ActorContext = { clock, log, mailboxLimit: config.mailboxLimit }
  const bus = new LocalInboxBus()
  const board = new PresenceBoard()

  const conversations: ConversationRegistry = new ActorRegistry({
    kind: 'conversation',
    clock,
    log,
    idleMs: config.actorIdleMs,
    create: (key) =>
      new ConversationActor(key, ctx, {
        store: store.conversations,
        publisher: deps.publisher,
        inboxBus: bus,
        typingTtlMs: config.typingTtlMs,
      }),
  })
  const inboxes: InboxRegistry = new ActorRegistry({
    kind: 'inbox',
    clock,
    log,
    idleMs: config.actorIdleMs,
    create: (key) =>
      new InboxActor(key, ctx, {
        inboxes: store.inboxes,
        operators: store.operators,
        queries: store.queries,
        board,
        bus,
        conversations: {
          assign: (id, cmd) => conversations.ask(id, { type: 'assign', ...cmd }),
          peek: (id) => conversations.ask(id, { type: 'peek' }),
        },
      }),
  })
  const operators: OperatorRegistry = new ActorRegistry({
    kind: 'operator',
    clock,
    log,
    idleMs: config.actorIdleMs,
    create: (key) =>
      new OperatorActor(key, ctx, {
        operators: store.operators,
        inboxes: store.inboxes,
        queries: store.queries,
        board,
        bus,
        feed: deps.feed,
        available: (inboxId, operatorId) =>
          inboxes.tell(inboxId, { type: 'operator_available', operatorId }),
        graceMs: PRESENCE_GRACE_MS,
      }),
  })
  for (const registry of [conversations, inboxes, operators]) registry.startSweeping()

  return {
    conversations,
    operators,
    inboxes,
    board,
    async startInboxes() {
      for (const inbox of await store.inboxes.list()) {
        await inboxes.ask(inbox.id, { type: 'route_queue' })
      }
    },
    async shutdown() {
      // Routing first (it asks conversations), then operators, then conversations.
      await inboxes.shutdown()
      await operators.shutdown()
      await conversations.shutdown()
    },
  }
}
