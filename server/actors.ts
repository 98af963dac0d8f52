/**
 * Builds this node's actor system: one registry per actor kind, wired through ports. Actors
 * reach each other only through registries (mailboxes) and the inbox bus, never by reference.
 */
import { slaClock } from './sla-clock.ts'
import type { InboxChange } from '../actors/bus.ts'
import {
  ActorRegistry,
  type Actor,
  type Command,
  type InboxCommand,
  type InboxReplies,
  type Registry,
  type Replies,
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
import type { ConversationEvent } from '../protocol/index.ts'
import type { ConversationRegistry, InboxRegistry, OperatorRegistry } from './chat.ts'
import type { Cluster, ClusteredRegistry } from './cluster/index.ts'
import type { Config } from './config.ts'

/** Presence outlives the last connection by this long (a reload, a network blip). */
export const PRESENCE_GRACE_MS = 15_000
/** How often an operator's connected time going on is confirmed for analytics. */
export const PRESENCE_CONFIRM_MS = 60_000

export interface ActorSystem {
  conversations: ConversationRegistry
  operators: OperatorRegistry
  inboxes: InboxRegistry
  board: PresenceBoard
  /**
   * Activates every inbox actor so routing queues drain and escalation timers are armed. In a
   * cluster, keeps checking that each inbox is live on some node (its owner may die).
   */
  startInboxes(): Promise<void>
  shutdown(): Promise<void>
}

/** In a cluster, connections are re-announced this often to their operator's actor. */
export const CONNECTION_ANNOUNCE_MS = 5_000
/** How long the nodes' announcements, asked for by a starting operator actor, may take. */
const ANNOUNCE_WAIT_MS = 2_000

export function createActorSystem(deps: {
  store: Store
  clock: Clock
  log: Logger
  config: Config
  publisher: ConversationPublisher
  feed: OperatorFeed
  /** Set when NATS_URL is: actors are placed on one node of the cluster each. */
  cluster?: Cluster | null
  /** Whether a write's events go into the webhook outbox (server/webhooks/directory.ts). */
  outbox?: (inboxId: string, events: readonly ConversationEvent[]) => boolean
  /** Whether these events go into the automation rules' outbox (issue 20). */
  ruleMarks?: (inboxId: string, events: readonly ConversationEvent[]) => boolean
  /** Each inbox change, once in the cluster (its inbox actor): Web Push (issue 20). */
  observeInbox?: (change: InboxChange) => void
  /** Cluster: every node announces this operator's connections now (see OperatorDeps). */
  announceConnections?: (operatorId: string) => void
}): ActorSystem {
  const { store, clock, log, config } = deps
  const sla = slaClock(store.branches, clock)
  const cluster = deps.cluster ?? null
  const contextOf = (kind: string): ActorContext => ({
    clock,
    log,
    mailboxLimit: config.mailboxLimit,
    owns: cluster ? (key) => cluster.owns(kind, key) : undefined,
  })
  const bus = new LocalInboxBus(cluster?.relay ?? null)
  const board = cluster?.presence ?? new PresenceBoard()
  /** Local registries go behind placement in a cluster; `stopped` tells it an actor ended. */
  const placed = new Map<string, ClusteredRegistry<never, never, never>>()
  const onStopped = (kind: string) => (key: string) => placed.get(kind)?.stopped(key)
  function place<C extends Command, R extends Replies<C>, A extends Actor<C, R>>(
    local: ActorRegistry<C, R, A>,
  ): Registry<C, R> {
    if (!cluster) return local
    const registry = cluster.place(local)
    placed.set(local.kind, registry as unknown as ClusteredRegistry<never, never, never>)
    return registry
  }

  const conversationCtx = contextOf('conversation')
  const conversationStore = withFailpoint(store.conversations, config.failpoint)
  const conversations: ConversationRegistry = place(
    new ActorRegistry({
      kind: 'conversation',
      clock,
      log,
      idleMs: config.actorIdleMs,
      onStopped: onStopped('conversation'),
      create: (key) =>
        new ConversationActor(key, conversationCtx, {
          store: conversationStore,
          publisher: deps.publisher,
          inboxBus: bus,
          typingTtlMs: config.typingTtlMs,
          fenced: cluster !== null,
          attachments: store.attachments,
          inboxes: store.inboxes,
          attachmentGraceMs: config.attachments.graceMs,
          ...(deps.outbox ? { outbox: deps.outbox } : {}),
          ...(deps.ruleMarks ? { ruleMarks: deps.ruleMarks } : {}),
          slaClock: sla,
        }),
    }),
  )
  const inboxCtx = contextOf('inbox')
  const inboxes: InboxRegistry = place(
    new ActorRegistry({
      kind: 'inbox',
      clock,
      log,
      idleMs: config.actorIdleMs,
      onStopped: onStopped('inbox'),
      create: (key) =>
        new InboxActor(key, inboxCtx, {
          inboxes: store.inboxes,
          branches: store.branches,
          operators: store.operators,
          queries: store.queries,
          board,
          bus,
          queue: deps.publisher,
          ...(deps.observeInbox ? { observe: deps.observeInbox } : {}),
          conversations: {
            assign: (id, cmd) => conversations.ask(id, { type: 'assign', ...cmd }),
            peek: (id) => conversations.ask(id, { type: 'peek' }),
            wake: (id, until) => conversations.ask(id, { type: 'wake', until }),
            slaCheck: (id) => conversations.ask(id, { type: 'sla_check' }),
            waitingReply: (id, cmd) => conversations.ask(id, { type: 'waiting_reply', ...cmd }),
          },
        }),
    }),
  )
  const operatorCtx = contextOf('operator')
  const operators: OperatorRegistry = place(
    new ActorRegistry({
      kind: 'operator',
      clock,
      log,
      idleMs: config.actorIdleMs,
      onStopped: onStopped('operator'),
      create: (key) =>
        new OperatorActor(key, operatorCtx, {
          operators: store.operators,
          inboxes: store.inboxes,
          queries: store.queries,
          board,
          bus,
          feed: deps.feed,
          available: (inboxId, operatorId) =>
            inboxes.tell(inboxId, { type: 'operator_available', operatorId }),
          graceMs: PRESENCE_GRACE_MS,
          presence: store.analytics,
          presenceConfirmMs: PRESENCE_CONFIRM_MS,
          elevatedSeeAll: config.elevatedScope === 'all',
          connectionTtlMs: cluster ? CONNECTION_ANNOUNCE_MS * 3 : undefined,
          nodeId: cluster?.link.nodeId,
          announceConnections: deps.announceConnections,
          announceWaitMs: ANNOUNCE_WAIT_MS,
        }),
    }),
  )
  for (const registry of [conversations, inboxes, operators]) registry.startSweeping()
  let ensureTimer: ReturnType<typeof setInterval> | null = null
  let closed = false

  /** Each inbox live somewhere: a probe when it is, activation here when nobody answers. */
  async function ensureInboxes(): Promise<void> {
    const placedInboxes = placed.get('inbox') as unknown as ClusteredRegistry<
      InboxCommand,
      InboxReplies,
      InboxActor
    >
    for (const inbox of await store.inboxes.list()) {
      if (closed) return
      await placedInboxes.ensure(inbox.id, { type: 'route_queue' }).catch((error) => {
        log.warn('inbox placement check failed', { inboxId: inbox.id, error })
      })
    }
  }

  return {
    conversations,
    operators,
    inboxes,
    board,
    async startInboxes() {
      if (cluster) {
        await ensureInboxes()
        let running = false
        ensureTimer = setInterval(() => {
          if (running || closed || !cluster.link.connected) return
          running = true
          // A store or NATS fault here is retried on the next round, never left unhandled (an
          // unhandled rejection ends the process).
          ensureInboxes()
            .catch((error) => log.warn('inbox placement round failed', { error }))
            .finally(() => (running = false))
        }, cluster.leaseTtlMs)
        return
      }
      for (const inbox of await store.inboxes.list()) {
        await inboxes.ask(inbox.id, { type: 'route_queue' })
      }
    },
    async shutdown() {
      closed = true
      if (ensureTimer) clearInterval(ensureTimer)
      // Routing first (it asks conversations), then operators, then conversations.
      await inboxes.shutdown()
      await operators.shutdown()
      await conversations.shutdown()
    },
  }
}

/**
 * PARLEY_FAILPOINT (cluster tests only): the process stops itself right before storing a message
 * with the given text, after the actor checked its lease: the moment a paused node is most
 * dangerous. The fence in the store must refuse that write once it resumes.
 */
function withFailpoint(
  conversations: Store['conversations'],
  failpoint: Config['failpoint'],
): Store['conversations'] {
  if (!failpoint) return conversations
  let fired = false
  const write: Store['conversations']['write'] = (w) => {
    if (
      !fired &&
      w.events.some(
        (e) => e.name === 'message.created' && e.data.message.text === failpoint.pauseBeforeWrite,
      )
    ) {
      fired = true
      process.kill(process.pid, 'SIGSTOP')
    }
    return conversations.write(w)
  }
  return new Proxy(conversations, {
    get(target, prop) {
      if (prop === 'write') return write
      const value = Reflect.get(target, prop, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}
