/**
 * Conversation actors over a store, without sockets or a bus: what the store benchmarks drive
 * (bench/store-throughput.ts, bench/search.ts) to measure writes as the product makes them.
 */
import {
  ActorRegistry,
  ConversationActor,
  silentLogger,
  systemClock,
  type ConversationCommand,
  type ConversationReplies,
  type InboxBus,
  type Store,
} from '../../actors/index.ts'

const noBus: InboxBus = { publish() {}, subscribe: () => () => {} }

/** A registry of conversation actors writing to `store` (call shutdown() when done). */
export function conversationActors(store: Store) {
  return new ActorRegistry<ConversationCommand, ConversationReplies, ConversationActor>({
    kind: 'conversation',
    clock: systemClock,
    log: silentLogger,
    idleMs: 60_000,
    create: (key) =>
      new ConversationActor(
        key,
        { clock: systemClock, log: silentLogger, mailboxLimit: 1000 },
        {
          store: store.conversations,
          publisher: { publish() {} },
          inboxBus: noBus,
          typingTtlMs: 8000,
        },
      ),
  })
}
