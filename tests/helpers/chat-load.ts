/**
 * Steady chat traffic for fault tests: visitors, each in its own conversation, send numbered
 * messages at a fixed total rate, one in flight each, and retry every unanswered or retryable
 * send with the same client message id (reconnecting, to another node if given several), as a
 * real client does. What was acknowledged is kept, so a test can compare it with the store.
 * Every loop is bounded by the load's own deadline.
 */
import { TestClient, type Frame } from './ws.ts'

/** One visitor's way in: its token, and the WebSocket URLs it may (re)connect to, in turn. */
export interface LoadVisitor {
  token: string
  urls: string[]
}

/** A send the server acknowledged. */
export interface Acked {
  conversationId: string
  clientMsgId: string
  text: string
  messageId: string
  seq: number
  /** performance.now() when the ack arrived. */
  at: number
}

export interface ChatLoad {
  /** Conversation of each visitor, by visitor index. */
  conversationIds: string[]
  /** Acks so far, in arrival order. */
  readonly acked: Acked[]
  /** Error replies so far, by code (retried ones included). */
  readonly errors: Map<string, number>
  /** Sends that got no reply in time or lost their connection (then retried). */
  readonly lost: number
  /** Sends that took longer than a second to be acked, with what each attempt got. */
  readonly slow: Array<{ clientMsgId: string; attempts: string[] }>
  /** Stops sending; resolves once every sender has finished its send in flight (bounded). */
  stop(): Promise<void>
  /** Longest time without any ack between `from` and `to` (performance.now() values). */
  longestGap(from: number, to: number): number
  /** The first ack at or after `t`, or null. */
  firstAckAfter(t: number): Acked | null
}

export interface LoadOptions {
  visitors: LoadVisitor[]
  /** Messages per second over all visitors. */
  ratePerSec: number
  /** Longest the whole load may run (it stops itself then). */
  maxMs: number
  /** A send unanswered this long is given up on this connection and retried. Default 3000. */
  replyTimeoutMs?: number
}

/** Starts every visitor's conversation, then keeps sending until stop() or maxMs. */
export async function startChatLoad(opts: LoadOptions): Promise<ChatLoad> {
  const deadline = performance.now() + opts.maxMs
  const replyTimeoutMs = opts.replyTimeoutMs ?? 3000
  const acked: Acked[] = []
  const errors = new Map<string, number>()
  let lost = 0
  const slow: Array<{ clientMsgId: string; attempts: string[] }> = []
  let stopping = false
  const intervalMs = (1000 * opts.visitors.length) / opts.ratePerSec

  const senders = await Promise.all(
    opts.visitors.map(async (visitor, index) => {
      let turn = 0
      let ws = await TestClient.connect(visitor.urls[0] as string, { token: visitor.token })
      /** Sends frame until it is acked: retries the same frame, reconnecting when needed. */
      const untilAcked = async (frame: Frame): Promise<Frame | null> => {
        const began = performance.now()
        const attempts: string[] = []
        while (!stopping && performance.now() < deadline) {
          const sent = performance.now()
          const reply = await ws.request(frame, replyTimeoutMs).catch(() => null)
          attempts.push(
            `${Math.round(sent - began)}ms: ${reply ? (reply.code ?? reply.type) : 'no reply'} after ${Math.round(performance.now() - sent)}ms`,
          )
          if (reply?.type === 'ack') {
            if (performance.now() - began > 1000) {
              slow.push({ clientMsgId: String(frame.clientMsgId), attempts })
            }
            return reply
          }
          if (reply?.type === 'error') {
            errors.set(reply.code, (errors.get(reply.code) ?? 0) + 1)
            if (!reply.retryable) throw new Error(`refused: ${JSON.stringify(reply)}`)
          } else lost++
          if (!reply || ws.closedWith) {
            ws.close()
            turn++
            const url = visitor.urls[turn % visitor.urls.length] as string
            ws = await TestClient.connect(url, { token: visitor.token }).catch(() => ws)
          }
          await Bun.sleep(Math.min(Number(reply?.retryAfterMs ?? 100), 200))
        }
        return null
      }
      const started = await untilAcked({ type: 'start', clientMsgId: `start-${index}` })
      if (!started) throw new Error(`visitor ${index}: no conversation before the deadline`)
      const conversationId = started.data.conversation.id as string
      const run = async () => {
        for (let i = 0; !stopping && performance.now() < deadline; i++) {
          const began = performance.now()
          const clientMsgId = `v${index}-m${i}`
          const text = `load ${index}/${i}`
          const frame = { type: 'send', conversationId, clientMsgId, text }
          const reply = await untilAcked(frame)
          if (!reply) return
          acked.push({
            conversationId,
            clientMsgId,
            text,
            messageId: reply.data.messageId,
            seq: reply.data.seq,
            at: performance.now(),
          })
          const wait = intervalMs - (performance.now() - began)
          if (wait > 0) await Bun.sleep(wait)
        }
      }
      return { conversationId, done: run(), close: () => ws.close() }
    }),
  )

  return {
    conversationIds: senders.map((s) => s.conversationId),
    acked,
    errors,
    get lost() {
      return lost
    },
    slow,
    async stop() {
      stopping = true
      await Promise.all(senders.map((s) => s.done))
      for (const s of senders) s.close()
    },
    longestGap(from, to) {
      let last = from
      let longest = 0
      for (const a of acked) {
        if (a.at < from || a.at > to) continue
        longest = Math.max(longest, a.at - last)
        last = a.at
      }
      return Math.max(longest, to - last)
    },
    firstAckAfter(t) {
      return acked.find((a) => a.at >= t) ?? null
    },
  }
}

/** A message row as the store has it. */
export interface StoredMessage {
  id: string
  conversationId: string
  seq: number
  clientMsgId: string | null
  text: string
}

/**
 * The delivery contract checked against the store: every acked message is stored once, under
 * the acked id and seq, with its text; no client message id is stored twice; each
 * conversation's acked seqs rise in send order. Returns the problems found (none: []).
 */
export function contractViolations(acked: Acked[], stored: StoredMessage[]): string[] {
  const problems: string[] = []
  const byId = new Map(stored.map((m) => [m.id, m]))
  const seen = new Map<string, number>()
  for (const m of stored) {
    if (m.clientMsgId === null) continue
    const key = `${m.conversationId}/${m.clientMsgId}`
    seen.set(key, (seen.get(key) ?? 0) + 1)
  }
  for (const [key, n] of seen) if (n > 1) problems.push(`${key} stored ${n} times`)
  const lastSeq = new Map<string, number>()
  for (const a of acked) {
    const row = byId.get(a.messageId)
    if (!row) problems.push(`acked ${a.clientMsgId} (${a.messageId}) is not stored`)
    else if (row.seq !== a.seq || row.text !== a.text || row.clientMsgId !== a.clientMsgId)
      problems.push(`acked ${a.clientMsgId} stored as ${JSON.stringify(row)}`)
    const previous = lastSeq.get(a.conversationId) ?? 0
    if (a.seq <= previous) problems.push(`${a.clientMsgId}: seq ${a.seq} after ${previous}`)
    lastSeq.set(a.conversationId, a.seq)
  }
  return problems
}
