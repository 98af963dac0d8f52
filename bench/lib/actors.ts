/**
 * Simulated visitors and operators speaking the real protocol over WebSockets. A visitor owns
 * one conversation and resumes it by seq after any drop, resending unacked messages with the
 * same client id. An operator watches its feed, subscribes to every conversation routing gives
 * it (at most 90 per connection), and may answer every visitor message. Message texts carry
 * their send time (`t=<ms> ...`) so the receiving side measures delivery.
 */
import { call, Conn, ErrorReply, jsonCodec, RequestFailed, type Frame } from './client.ts'
import { nowMs, Samples, SeqTracker, type Delivery } from './stats.ts'
import type { OperatorSession, VisitorSession } from './parley.ts'

/** What one chat scenario measures; samples only while `recording`. */
export class ChatMetrics {
  recording = false
  /** Visitor send -> the operator receives the event. */
  readonly delivery = new Samples()
  /** Operator send -> the visitor receives the event. */
  readonly reply = new Samples()
  /** Visitor send -> durable ack. */
  readonly ack = new Samples()
  sent = 0
  acked = 0
  replies = 0
  rateLimited = 0
  /** Retryable `overloaded` refusals (retried). */
  overloaded = 0
  resumes = 0
  errors = 0
  readonly errorCodes: Record<string, number> = {}
  /** The same visitor message stored twice (seen under two seqs). */
  storedTwice = 0

  error(code: string): void {
    this.errors++
    this.errorCodes[code] = (this.errorCodes[code] ?? 0) + 1
  }
}

interface MessageData {
  message: { author: { kind: string }; text: string; clientMsgId: string | null; seq: number }
}

function sentAt(text: string): number {
  return Number(text.slice(2, text.indexOf(' ')))
}

const SUBS_PER_CONN = 90
/** Replies an operator keeps in flight per socket (the server allows 64 requests). */
const REPLIES_IN_FLIGHT = 48
/** How long a refused reply is retried before it counts as an error. */
const REPLY_RETRY_MS = 30_000

export class Visitor {
  conn: Conn | null = null
  conversationId = ''
  tracker = new SeqTracker()
  /** Sends not acked yet, by client id: resent after a resume. */
  readonly unacked = new Map<string, string>()
  private n = 0
  /** This visitor's messages seen, client id -> seq: one client id must have one seq. */
  private readonly own = new Map<string, number>()
  /** Set while a resume is running, so sends wait for it. */
  private resuming: Promise<void> | null = null

  constructor(
    readonly url: string,
    readonly session: VisitorSession,
    readonly m: ChatMetrics,
  ) {}

  async connect(): Promise<void> {
    const conn = await Conn.open(this.url, jsonCodec())
    conn.onEvent = (f) => this.onEvent(f)
    await call(conn, { type: 'auth', token: this.session.token })
    this.conn = conn
  }

  async start(): Promise<void> {
    const data = await call<{ conversation: { id: string } }>(this.conn!, {
      type: 'start',
      clientMsgId: 'start',
    })
    this.conversationId = data.conversation.id
    await call(this.conn!, { type: 'subscribe', conversationId: this.conversationId, afterSeq: 0 })
  }

  /** Reconnects and resumes after the last seq seen; returns the ms it took. */
  resume(): Promise<number> {
    const t0 = nowMs()
    const run = (async () => {
      await this.connect()
      await call(this.conn!, {
        type: 'subscribe',
        conversationId: this.conversationId,
        afterSeq: this.tracker.last,
      })
      this.m.resumes++
    })()
    this.resuming = run.finally(() => (this.resuming = null))
    return run.then(() => nowMs() - t0)
  }

  /** Resends every unacked message with its original client id (after a resume). */
  async resendUnacked(deadline: number): Promise<void> {
    await Promise.all([...this.unacked].map(([id, text]) => this.deliver(id, text, deadline)))
  }

  /** One new message; resolves when acked (or the deadline passes / the socket drops). */
  send(deadline: number): Promise<void> {
    const id = `v${++this.n}`
    const text = `t=${nowMs()} ${id}`
    this.unacked.set(id, text)
    if (this.m.recording) this.m.sent++
    return this.deliver(id, text, deadline)
  }

  private async deliver(id: string, text: string, deadline: number): Promise<void> {
    const t0 = sentAt(text)
    while (nowMs() < deadline) {
      if (this.resuming) await this.resuming.catch(() => {})
      const conn = this.conn
      if (!conn?.isOpen) return
      try {
        await call(conn, {
          type: 'send',
          conversationId: this.conversationId,
          clientMsgId: id,
          text,
        })
        if (this.unacked.delete(id) && this.m.recording) {
          this.m.acked++
          this.m.ack.add(nowMs() - t0)
        }
        return
      } catch (error) {
        if (error instanceof ErrorReply && error.frame.retryable === true) {
          if (error.code === 'rate_limited') this.m.rateLimited++
          if (error.code === 'overloaded') this.m.overloaded++
          await Bun.sleep(error.retryAfterMs)
          continue
        }
        // A dropped socket: the message stays unacked and goes again after the resume.
        if (error instanceof RequestFailed) return
        this.m.error(error instanceof ErrorReply ? error.code : 'client')
        return
      }
    }
  }

  private onEvent(f: Frame): void {
    if (f.type !== 'event' || f.conversationId !== this.conversationId) return
    if (typeof f.seq !== 'number') return
    this.tracker.accept(f.seq)
    if (f.name !== 'message.created') return
    const { message } = f.data as MessageData
    if (message.author.kind === 'visitor' && message.clientMsgId !== null) {
      const before = this.own.get(message.clientMsgId)
      if (before !== undefined && before !== message.seq) this.m.storedTwice++
      this.own.set(message.clientMsgId, message.seq)
    }
    if (message.author.kind === 'operator' && this.m.recording) {
      this.m.reply.add(nowMs() - sentAt(message.text))
    }
  }
}

interface Watch {
  conn: Conn
  tracker: SeqTracker
  /** Visitor client ids seen, with the seq they came under. */
  seen: Map<string, number>
}

export class Operator {
  readonly conns: Conn[] = []
  readonly watching = new Map<string, Watch>()
  private readonly load = new Map<Conn, number>()
  /** Answer every visitor message. */
  replying = true
  private replyDeadline = 0
  /** Replies sent and not yet acked. */
  pendingReplies = 0

  constructor(
    readonly url: string,
    readonly session: OperatorSession,
    readonly inboxId: string,
    readonly m: ChatMetrics,
  ) {}

  /** Opens `conns` sockets (enough for the expected conversations) and subscribes the feed. */
  async connect(conns: number): Promise<void> {
    for (let i = 0; i < conns; i++) {
      const conn = await Conn.open(this.url, jsonCodec())
      conn.onEvent = (f) => this.onEvent(conn, f)
      await call(conn, { type: 'auth', token: this.session.token })
      this.conns.push(conn)
      this.load.set(conn, 0)
    }
    await call(this.conns[0]!, { type: 'feed_subscribe' })
  }

  /** Replies go out until this time. */
  replyUntil(deadline: number): void {
    this.replyDeadline = deadline
  }

  close(): void {
    for (const c of this.conns) c.close()
  }

  private onEvent(conn: Conn, f: Frame): void {
    if (f.type === 'feed' && f.name === 'conversation') {
      const c = (f.data as { conversation: { id: string; inboxId: string; assigneeId: string } })
        .conversation
      if (c.assigneeId === this.session.id && c.inboxId === this.inboxId) this.watch(c.id)
      return
    }
    if (f.type !== 'event' || typeof f.seq !== 'number') return
    const w = this.watching.get(String(f.conversationId))
    if (!w) return
    w.tracker.accept(f.seq)
    if (f.name !== 'message.created') return
    const { message } = f.data as MessageData
    if (message.author.kind !== 'visitor' || message.clientMsgId === null) return
    const before = w.seen.get(message.clientMsgId)
    if (before !== undefined && before !== message.seq) this.m.storedTwice++
    w.seen.set(message.clientMsgId, message.seq)
    if (this.m.recording) this.m.delivery.add(nowMs() - sentAt(message.text))
    if (this.replying && nowMs() < this.replyDeadline) {
      void this.reply(conn, String(f.conversationId), message.clientMsgId)
    }
  }

  /** Subscribes to a conversation on the least loaded socket, from its first event. */
  watch(conversationId: string): void {
    if (this.watching.has(conversationId)) return
    const conn = [...this.load].sort((a, b) => a[1] - b[1])[0]
    if (!conn || conn[1] >= SUBS_PER_CONN) {
      this.m.error('operator_out_of_sockets')
      return
    }
    this.load.set(conn[0], conn[1] + 1)
    this.watching.set(conversationId, { conn: conn[0], tracker: new SeqTracker(), seen: new Map() })
    call(conn[0], { type: 'subscribe', conversationId, afterSeq: 0 }).catch((error) =>
      this.m.error(error instanceof ErrorReply ? error.code : 'subscribe'),
    )
  }

  /**
   * Replies in flight per socket are kept under the server's limit (64 per connection), as a
   * client that knows it does: the rest wait their turn here instead of being refused
   * `overloaded` and retried, which costs the server a refusal each.
   */
  private readonly inflight = new Map<Conn, { count: number; waiting: Array<() => void> }>()

  private async slot(conn: Conn): Promise<void> {
    let state = this.inflight.get(conn)
    if (!state) this.inflight.set(conn, (state = { count: 0, waiting: [] }))
    if (state.count < REPLIES_IN_FLIGHT) {
      state.count++
      return
    }
    await new Promise<void>((resolve) => state.waiting.push(resolve))
  }

  private release(conn: Conn): void {
    const state = this.inflight.get(conn)
    if (!state) return
    const next = state.waiting.shift()
    if (next) next()
    else state.count--
  }

  private async reply(conn: Conn, conversationId: string, to: string): Promise<void> {
    this.pendingReplies++
    await this.slot(conn)
    const text = `t=${nowMs()} re ${to}`
    const giveUpAt = nowMs() + REPLY_RETRY_MS
    try {
      // Retryable refusals (overloaded) are retried with the same client id, as a client must.
      for (;;) {
        try {
          await call(conn, { type: 'send', conversationId, clientMsgId: `r-${to}`, text })
          break
        } catch (error) {
          if (
            !(error instanceof ErrorReply) ||
            error.frame.retryable !== true ||
            nowMs() > giveUpAt
          )
            throw error
          if (error.code === 'overloaded') this.m.overloaded++
          await Bun.sleep(error.retryAfterMs)
        }
      }
      if (this.m.recording) this.m.replies++
    } catch (error) {
      this.m.error(error instanceof ErrorReply ? error.code : 'client')
    } finally {
      this.release(conn)
      this.pendingReplies--
    }
  }
}

/**
 * The check every chat scenario ends with: each conversation's last seq from the server (HTTP,
 * as its visitor), then every visitor and operator stream must hold each seq up to it exactly
 * once. Run after traffic stopped and settled.
 */
export async function verifyDelivery(
  url: string,
  visitors: Visitor[],
  operators: Operator[],
): Promise<Delivery & { unwatched: number }> {
  const total: Delivery & { unwatched: number } = {
    lost: 0,
    duplicated: 0,
    outOfOrder: 0,
    unwatched: 0,
  }
  const watchOf = new Map<string, Watch>()
  for (const op of operators) for (const [id, w] of op.watching) watchOf.set(id, w)
  let next = 0
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < visitors.length) {
        const v = visitors[next++]!
        if (!v.conversationId) continue
        const res = await fetch(`${v.url}/api/conversations/${v.conversationId}`, {
          headers: { authorization: `Bearer ${v.session.token}` },
        })
        const body = (await res.json()) as { conversation: { lastSeq: number } }
        const last = body.conversation.lastSeq
        await caughtUp(v.tracker, last)
        const mine = v.tracker.check(last)
        total.lost += mine.lost
        total.duplicated += mine.duplicated
        total.outOfOrder += mine.outOfOrder
        const w = watchOf.get(v.conversationId)
        if (operators.length === 0) continue
        if (!w) {
          total.unwatched++
          total.lost += last
          continue
        }
        await caughtUp(w.tracker, last)
        const theirs = w.tracker.check(last)
        total.lost += theirs.lost
        total.duplicated += theirs.duplicated
        total.outOfOrder += theirs.outOfOrder
      }
    }),
  )
  return total
}

/**
 * Waits (bounded, CATCH_UP_MS) until `tracker` holds every seq up to `last`. Quiet traffic can
 * still have a last event on its way: a delivery receipt the client sent for the message before
 * it makes one more event, which reaches the stream after the server's last seq was read. A
 * seq still missing at the bound counts as lost.
 */
async function caughtUp(tracker: SeqTracker, last: number): Promise<void> {
  const deadline = nowMs() + CATCH_UP_MS
  while (tracker.check(last).lost > 0 && nowMs() < deadline) await Bun.sleep(50)
}
const CATCH_UP_MS = 5000

/** Waits (bounded) until no message or reply is unacked, then lets traffic go quiet. */
export async function settle(
  visitors: Visitor[],
  operators: Operator[],
  maxMs: number,
): Promise<void> {
  const deadline = nowMs() + maxMs
  const busy = () =>
    visitors.some((v) => v.unacked.size > 0) || operators.some((o) => o.pendingReplies > 0)
  while (nowMs() < deadline && busy()) await Bun.sleep(20)
  await Bun.sleep(Math.min(500, Math.max(0, deadline - nowMs())))
}
