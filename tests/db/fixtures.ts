/**
 * Builders for the repository suite. Every builder takes overrides so a test states only what
 * it is about; defaults describe an open, quiet conversation in inbox `inbox-1`.
 */
import { afterEach, beforeEach } from 'bun:test'
import {
  DEFAULT_INBOX_SETTINGS,
  type ConversationRecord,
  type ConversationWrite,
  type InboxRecord,
  type OperatorRecord,
  type Store,
} from '../../actors/ports.ts'
import type { ConversationEvent, Message, Party } from '../../protocol/index.ts'

/** Opens an empty store. */
export type StoreFactory = () => Promise<Store>

/** What the repository suite needs from a dialect's test file. */
export interface DialectHarness {
  name: string
  /** Opens a store on an empty database. */
  fresh: StoreFactory
  /** Closes the store and opens the same database again, as a restarted server would. */
  reopen(store: Store): Promise<Store>
  /**
   * Opens a second store on the store's database, with connections of its own, as another
   * node of a cluster would. The caller closes it.
   */
  twin(store: Store): Promise<Store>
}

export const T0 = 1_700_000_000_000
export const visitorParty = (id = 'visitor-1'): Party => ({ kind: 'visitor', id })
export const operatorParty = (id = 'op-1'): Party => ({ kind: 'operator', id })

/**
 * The error `promise` rejects with; fails the test when it fulfils. Used instead of
 * `expect(promise).rejects`, which on this Bun version waits for the promise in a nested event
 * loop: hundreds of milliseconds per call when the promise settles on a socket (Postgres), and
 * forever when it settles on a worker's message (the SQLite writer thread), which that loop
 * never delivers.
 */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection, but the promise fulfilled')
    },
    (error: unknown) => error,
  )
}

/** A fresh store per test, closed after it; read it inside tests through the returned getter. */
export function useStore(factory: StoreFactory): () => Store {
  let store: Store | null = null
  beforeEach(async () => {
    store = await factory()
  })
  afterEach(async () => {
    await store?.close()
    store = null
  })
  return () => {
    if (!store) throw new Error('store used outside a test')
    return store
  }
}

export function conversation(
  id: string,
  overrides: Partial<ConversationRecord> = {},
): ConversationRecord {
  return {
    id,
    inboxId: 'inbox-1',
    visitorId: 'visitor-1',
    status: 'open',
    assigneeId: null,
    lastSeq: 1,
    hasUnansweredIncoming: false,
    waitingSince: null,
    lastMessageAt: null,
    escalationAt: null,
    createdAt: T0,
    updatedAt: T0,
    ownerEpoch: 0,
    branchId: overrides.inboxId ?? 'inbox-1',
    location: null,
    offline: false,
    locale: null,
    ...overrides,
  }
}

/** The first write of a conversation: its row plus its `conversation.created` event. */
export function createWrite(record: ConversationRecord): ConversationWrite {
  const { ownerEpoch: _epoch, ...wire } = record
  return {
    conversationId: record.id,
    create: record,
    events: [
      {
        name: 'conversation.created',
        data: { conversation: wire },
        conversationId: record.id,
        seq: 1,
        at: record.createdAt,
      },
    ],
  }
}

export function message(
  conversationId: string,
  seq: number,
  overrides: Partial<Message> = {},
): Message {
  return {
    id: `${conversationId}-m${seq}`,
    conversationId,
    seq,
    author: visitorParty(),
    text: `text ${seq}`,
    clientMsgId: `client-${seq}`,
    createdAt: T0 + seq * 1000,
    editedAt: null,
    deletedAt: null,
    deletedBy: null,
    ...overrides,
  }
}

export function messageCreated(m: Message): ConversationEvent {
  return {
    name: 'message.created',
    data: { message: m },
    conversationId: m.conversationId,
    seq: m.seq,
    at: m.createdAt,
  }
}

/** A write that posts `m` as the conversation's newest event, as the actor would. */
export function postWrite(m: Message): ConversationWrite {
  return {
    conversationId: m.conversationId,
    update: {
      lastSeq: m.seq,
      lastMessageAt: m.createdAt,
      hasUnansweredIncoming: m.author.kind === 'visitor',
      updatedAt: m.createdAt,
    },
    events: [messageCreated(m)],
  }
}

/** Creates a conversation and posts messages with seq 2..count+1; returns them. */
export async function seedMessages(
  store: Store,
  conversationId: string,
  count: number,
): Promise<Message[]> {
  await store.conversations.write(createWrite(conversation(conversationId)))
  const messages: Message[] = []
  for (let seq = 2; seq < count + 2; seq++) {
    const m = message(conversationId, seq)
    await store.conversations.write(postWrite(m))
    messages.push(m)
  }
  return messages
}

export function operator(id: string, overrides: Partial<OperatorRecord> = {}): OperatorRecord {
  return {
    id,
    email: `${id}@example.com`,
    name: `Operator ${id}`,
    displayName: null,
    avatarId: null,
    role: 'operator',
    canChat: true,
    active: true,
    status: 'online',
    locale: null,
    passwordHash: '$argon2id$v=19$fake',
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  }
}

export function inbox(id: string, overrides: Partial<InboxRecord> = {}): InboxRecord {
  return {
    id,
    name: `Inbox ${id}`,
    identitySecret: `secret-${id}`,
    settings: {
      ...DEFAULT_INBOX_SETTINGS,
      escalationMinutes: 5,
      maxOpenPerOperator: 0,
      visitorMessagesPerMinute: 20,
    },
    createdAt: T0,
    updatedAt: T0,
    visitorsSignedOutAt: 0,
    identityRotatedAt: 0,
    defaultBranchId: id,
    geoRules: [],
    ...overrides,
  }
}
