/**
 * Routing, presence and escalation through the real server: operators signed in with a live
 * feed, and an observer outside every inbox who reads conversations without taking part (its
 * reads never count as an assignee's open, so they never stop an escalation).
 *
 * Proving that something did NOT happen needs a barrier instead of a sleep: `settled()` sends a
 * request that passes through the inbox actor's mailbox (an assign the observer may not make),
 * so its reply comes only after every routing or escalation decision queued before it.
 */
import { expect } from 'bun:test'
import { httpStart } from './http.ts'
import type { useServers } from './lifecycle.ts'
import type { TestServer } from './server.ts'
import type { Frame, TestClient } from './ws.ts'

export const SECOND = 1000
export const MINUTE = 60 * SECOND

type Servers = ReturnType<typeof useServers>
type OperatorOpts = NonNullable<Parameters<TestServer['operator']>[0]>

/** An operator signed in on one tab whose feed is subscribed. */
export interface Desk {
  id: string
  token: string
  tab: TestClient
}

/** Creates an operator of the default inbox (unless inboxIds says otherwise). */
export async function member(s: TestServer, opts: OperatorOpts = {}) {
  return s.operator({ inboxIds: [await s.defaultInboxId()], ...opts })
}

/**
 * Opens a tab and subscribes it to the operator's feed. The ack is the operator actor's answer
 * after it counted this connection, so from then on the operator is present.
 */
export async function openTab(u: Servers, s: TestServer, token: string) {
  const tab = await u.client(s, token)
  const snapshot = await tab.ok({ type: 'feed_subscribe' })
  return { tab, snapshot }
}

/** A new member of the default inbox, signed in on one tab with its feed. */
export async function signIn(u: Servers, s: TestServer, opts: OperatorOpts = {}): Promise<Desk> {
  const op = await member(s, opts)
  const { tab } = await openTab(u, s, op.token)
  return { ...op, tab }
}

/** Several members signed in, in id order (the order round-robin follows). */
export async function signInMany(u: Servers, s: TestServer, n: number): Promise<Desk[]> {
  const desks: Desk[] = []
  for (let i = 0; i < n; i++) desks.push(await signIn(u, s))
  return desks.sort((a, b) => (a.id < b.id ? -1 : 1))
}

/** A visitor starts a conversation with a first message; returns its id and the visitor token. */
export function visitorStarts(s: TestServer, text = 'hello') {
  return httpStart(s, undefined, text)
}

/** The first feed frame named `name` received at or after index `since` of tab.frames. */
export function nextFeed(
  tab: TestClient,
  name: 'conversation' | 'badges' | 'status' | 'alert',
  since = 0,
  match: (data: Frame) => boolean = () => true,
): Promise<Frame> {
  return tab.next(
    (f) => f.type === 'feed' && f.name === name && tab.frames.indexOf(f) >= since && match(f.data),
  )
}

/** Feed frames named `name` received so far at or after index `since`. */
export function feedFrames(tab: TestClient, name: string, since = 0): Frame[] {
  return tab.frames.filter((f, i) => i >= since && f.type === 'feed' && f.name === name)
}

/** A supervisor outside every inbox: may view and subscribe, is never routed anything. */
export class Observer {
  private readonly watching = new Set<string>()

  private constructor(
    private readonly s: TestServer,
    private readonly u: Servers,
    readonly token: string,
    readonly tab: TestClient,
  ) {}

  static async create(u: Servers, s: TestServer): Promise<Observer> {
    // A supervisor without the chat permission: sees every inbox, may take part in none.
    const op = await s.operator({ inboxIds: [], role: 'supervisor', canChat: false })
    return new Observer(s, u, op.token, await u.client(s, op.token))
  }

  /** The conversation as stored now. */
  async conversation(id: string): Promise<Frame> {
    const res = await this.s.http(`/api/conversations/${id}`, { token: this.token })
    expect(res.status).toBe(200)
    return res.body.conversation
  }

  /** Waits until every decision the conversation's inbox actor had queued is made. */
  async settled(id: string): Promise<void> {
    const reply = await this.tab.request({ type: 'assign', conversationId: id, operatorId: null })
    expect(reply).toMatchObject({ type: 'error', code: 'forbidden' })
  }

  /** The assignee once the inbox actor has handled everything queued before this call. */
  async assigneeNow(id: string): Promise<string | null> {
    await this.settled(id)
    return (await this.conversation(id)).assigneeId
  }

  /**
   * Waits for the `conversation.assigned` event that gives the conversation to assigneeId (for
   * that reason, when given).
   */
  async assigned(id: string, assigneeId: string | null, reason?: string): Promise<Frame> {
    const event = await this.nextAssigned(
      id,
      (data) => data.assigneeId === assigneeId && (reason === undefined || data.reason === reason),
    )
    // The inbox actor hears of the change after the event is out; once it has (the escalation
    // timer armed), a test may move a FakeClock.
    await this.settled(id)
    return event
  }

  /** Waits for the conversation's first assignment; returns the operator it went to. */
  async routed(id: string): Promise<string> {
    const event = await this.nextAssigned(id, () => true)
    await this.settled(id)
    return event.data.assigneeId
  }

  private async nextAssigned(id: string, match: (data: Frame) => boolean): Promise<Frame> {
    if (!this.watching.has(id)) {
      this.watching.add(id)
      await this.tab.ok({ type: 'subscribe', conversationId: id, afterSeq: 0 })
    }
    return this.tab.next(
      (f) =>
        f.type === 'event' &&
        f.name === 'conversation.assigned' &&
        f.conversationId === id &&
        match(f.data),
    )
  }

  /** Every stored event of the conversation, read on a fresh connection from seq 1. */
  async log(id: string): Promise<Frame[]> {
    const c = await this.u.client(this.s, this.token)
    await c.ok({ type: 'subscribe', conversationId: id, afterSeq: 0 })
    c.close()
    return c.events(id)
  }
}
