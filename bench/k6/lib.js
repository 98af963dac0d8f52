// Shared by the k6 scenarios (k6 0.48 or newer; only k6's own modules, no npm imports).
// The wire protocol is docs/protocol.md: JSON frames over /ws, request/reply matched by `req`,
// per-conversation `seq` on every stored event, resume with `subscribe` + `afterSeq`.
import http from 'k6/http'
import ws from 'k6/ws'
import { fail, sleep } from 'k6'
import { Counter, Trend } from 'k6/metrics'

/** Visitor send -> the operator receives it (from the send time carried in the text). */
export const chatDeliveryMs = new Trend('chat_delivery_ms', true)
/** Operator send -> the visitor receives it. */
export const chatReplyMs = new Trend('chat_reply_ms', true)
/** Send -> durable ack (the message is committed). */
export const chatAckMs = new Trend('chat_ack_ms', true)
/** Visitor messages acked, and operator replies acked. */
export const chatMessages = new Counter('chat_messages')
export const chatReplies = new Counter('chat_replies')
/** Error replies and socket errors, tagged with the code. */
export const chatErrors = new Counter('chat_errors')
/** Conversations an operator subscribed to (all V of them must be). */
export const chatWatched = new Counter('chat_watched')
/** Reconnections that resumed a conversation by seq (visitors and operators). */
export const chatResumes = new Counter('chat_resumes')
/** Requests refused for now (overloaded, rate_limited) and sent again, same client id; tagged. */
export const chatRetried = new Counter('chat_retried')
/** Delivery checks: events never received, received twice, received after a higher seq. */
export const chatLost = new Counter('chat_lost')
export const chatDuplicated = new Counter('chat_duplicated')
export const chatOutOfOrder = new Counter('chat_out_of_order')

/** An -e variable, or its default. */
export function env(name, fallback) {
  const value = __ENV[name]
  return value === undefined || value === '' ? fallback : value
}

/** '45s', '2m', '90' (seconds) -> milliseconds. */
export function durationMs(text) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(String(text).trim())
  if (!m) fail(`bad DURATION ${text}`)
  const n = Number(m[1])
  return m[2] === 'ms' ? n : m[2] === 'm' ? n * 60000 : n * 1000
}

export function wsUrl(base) {
  return base.replace(/^http/, 'ws').replace(/\/$/, '') + '/ws'
}

const JSON_HEADERS = { 'content-type': 'application/json' }
const OK_OR_LIMITED = http.expectedStatuses({ min: 200, max: 299 }, 429)

/**
 * JSON over HTTP; a 429 is retried after its retryAfterMs (bounded), anything else non-2xx
 * fails the iteration. The visitor session limit is per client IP (30/min): for more visitors
 * than that, give k6 several loopback addresses with --local-ips (see bench/README.md).
 * @returns {any} the parsed JSON body
 */
export function api(base, method, path, body, token) {
  const headers = token
    ? Object.assign({ authorization: `Bearer ${token}` }, JSON_HEADERS)
    : JSON_HEADERS
  const params = {
    headers,
    responseCallback: OK_OR_LIMITED,
    tags: { name: path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ':id') },
  }
  for (let attempt = 0; attempt < 30; attempt++) {
    const res = http.request(
      method,
      base + path,
      body === undefined ? null : JSON.stringify(body),
      params,
    )
    if (res.status === 429) {
      let wait = 1000
      try {
        wait = /** @type {any} */ (res.json()).error.retryAfterMs || wait
      } catch (e) {
        // keep the default
      }
      sleep(Math.min(wait, 10000) / 1000)
      continue
    }
    if (res.status < 200 || res.status > 299) fail(`${method} ${path}: ${res.status} ${res.body}`)
    return /** @type {any} */ (res.json())
  }
  fail(`${method} ${path}: still rate limited`)
}

/**
 * The admin (from ADMIN_EMAIL / ADMIN_PASSWORD) creates an inbox for this run, with the highest
 * visitor message rate the product allows, and `operators` operators who are its only members,
 * each logged in.
 */
export function setupInbox(base, operators) {
  const email = env('ADMIN_EMAIL', '')
  const password = env('ADMIN_PASSWORD', '')
  if (!email || !password) fail('set -e ADMIN_EMAIL=... -e ADMIN_PASSWORD=... (the server admin)')
  const admin = api(base, 'POST', '/api/auth/login', { email, password })
  const tag = `${Date.now()}`
  const inbox = api(
    base,
    'POST',
    '/api/admin/inboxes',
    {
      name: `k6 ${tag}`,
      settings: { visitorMessagesPerMinute: 600, maxOpenPerOperator: 0, escalationMinutes: 60 },
    },
    admin.token,
  )
  const ops = []
  for (let i = 0; i < operators; i++) {
    const opEmail = `k6-${tag}-${i}@example.com`
    const opPassword = `k6-password-${tag}-${i}`
    const op = api(
      base,
      'POST',
      '/api/admin/operators',
      { email: opEmail, name: `k6 operator ${i}`, password: opPassword, inboxIds: [inbox.id] },
      admin.token,
    )
    const session = api(base, 'POST', '/api/auth/login', { email: opEmail, password: opPassword })
    ops.push({ id: op.id, token: session.token })
  }
  return { inboxId: inbox.id, adminToken: admin.token, operators: ops }
}

/** Deactivates the run's operators (their sessions end with them). */
export function teardownInbox(base, data) {
  for (const op of data.operators) {
    api(base, 'PATCH', `/api/admin/operators/${op.id}`, { active: false }, data.adminToken)
  }
}

/**
 * One subscriber's view of one conversation: each seq once, in order. What is still missing
 * at the end, against the server's last seq, is lost.
 */
export function newTracker() {
  return { last: 0, seen: {} }
}

export function accept(tracker, seq, counters) {
  if (tracker.seen[seq]) {
    counters.duplicated.add(1)
    return
  }
  tracker.seen[seq] = true
  if (seq < tracker.last) counters.outOfOrder.add(1)
  else tracker.last = seq
}

export function missing(tracker, serverLast) {
  let lost = 0
  for (let s = 1; s <= serverLast; s++) if (!tracker.seen[s]) lost++
  return lost
}

export const CHAT_COUNTERS = {
  duplicated: chatDuplicated,
  outOfOrder: chatOutOfOrder,
}

/** Message texts carry their send time: `t=<ms> ...`. */
export function stamp(rest) {
  return `t=${Date.now()} ${rest}`
}

export function sentAt(text) {
  return Number(text.slice(2, text.indexOf(' ')))
}

/**
 * A request/reply helper on a k6/ws socket: `request(frame, onReply)` sends with a fresh `req`
 * and calls onReply(frame) with the matching ack or error; other frames go to `onFrame`.
 */
export function protocol(socket, onFrame) {
  let next = 0
  const pending = {}
  socket.on('message', (raw) => {
    const f = JSON.parse(raw)
    if ((f.type === 'ack' || f.type === 'error' || f.type === 'pong') && f.req !== undefined) {
      const cb = pending[f.req]
      if (cb) {
        delete pending[f.req]
        cb(f)
        return
      }
    }
    // An operator feed batch: its frames, in order, as if they had come one by one.
    if (f.type === 'feed' && f.name === 'batch') {
      for (const inner of f.data.frames) onFrame(inner)
      return
    }
    onFrame(f)
  })
  return {
    request(frame, onReply) {
      next++
      frame.req = next
      pending[next] = onReply || (() => {})
      socket.send(JSON.stringify(frame))
    },
  }
}

/** Reads a conversation's last seq over HTTP. */
export function lastSeq(base, conversationId, token) {
  return api(base, 'GET', `/api/conversations/${conversationId}`, undefined, token).conversation
    .lastSeq
}

/**
 * The chat scenario, parameterized by where each side connects (chat.js: one URL; cluster.js:
 * visitors and operators on different nodes).
 *   visitorBase(i), operatorBase(i): base URL for visitor / operator number i.
 */
/**
 * Waits (at most `maxMs`, 5 s by default, polling every 100 ms on the socket's timers) until the
 * tracker has seen the server's last seq, counts what is still missing into `lostCounter`, then
 * closes.
 */
export function verifyThenClose(socket, tracker, serverLast, lostCounter, done, maxMs = 5000) {
  let waited = 0
  const check = () => {
    if (tracker.last >= serverLast || waited >= maxMs) {
      lostCounter.add(missing(tracker, serverLast))
      done()
      socket.close()
      return
    }
    waited += 100
    socket.setTimeout(check, 100)
  }
  check()
}

/**
 * Latency thresholds per store: `-e STORE=sqlite` (default) holds the product's targets
 * (bench/README.md: p99 delivery under 5 ms at 2k msgs/s); `-e STORE=postgres` allows a commit's
 * round trip to another process. Each can be set on its own: -e DELIVERY_P99_MS=..,
 * REPLY_P99_MS, ACK_P99_MS.
 */
const LATENCY_DEFAULTS = {
  sqlite: { delivery: '5', reply: '10', ack: '10' },
  postgres: { delivery: '25', reply: '30', ack: '30' },
}

export function chatOptions(V, O, durationS) {
  const total = `${Math.ceil(durationS + 90 + (2 * SETTLE_MS) / 1000)}s`
  const store = env('STORE', 'sqlite')
  const defaults = LATENCY_DEFAULTS[store]
  if (!defaults) fail(`STORE=${store}: use sqlite or postgres`)
  return {
    setupTimeout: '120s',
    teardownTimeout: '60s',
    scenarios: {
      operators: {
        executor: 'per-vu-iterations',
        exec: 'operator',
        vus: O,
        iterations: 1,
        maxDuration: total,
      },
      visitors: {
        executor: 'per-vu-iterations',
        exec: 'visitor',
        vus: V,
        iterations: 1,
        startTime: '2s',
        maxDuration: total,
      },
    },
    thresholds: {
      chat_delivery_ms: [`p(99)<${env('DELIVERY_P99_MS', defaults.delivery)}`],
      chat_reply_ms: [`p(99)<${env('REPLY_P99_MS', defaults.reply)}`],
      chat_ack_ms: [`p(99)<${env('ACK_P99_MS', defaults.ack)}`],
      chat_lost: ['count==0'],
      chat_duplicated: ['count==0'],
      chat_out_of_order: ['count==0'],
      chat_errors: ['count==0'],
      chat_messages: ['count>0'],
      chat_watched: [`count>=${V}`],
    },
  }
}

/**
 * How long, at most, a chat client waits at the end for its requests to be acked and its
 * streams to catch up with the server before it checks them: a server over capacity is behind
 * by seconds, which the latencies show; the check is about what arrives, not when.
 */
export const SETTLE_MS = 30000

/** Calls `then` once `done()` holds or SETTLE_MS passed, polling on the socket's timers. */
function settleThen(socket, done, then) {
  let waited = 0
  const check = () => {
    if (done() || waited >= SETTLE_MS) return then()
    waited += 100
    socket.setTimeout(check, 100)
  }
  check()
}

/** Timeline of one chat run, from setup: sending starts at `startAt` and stops at `endAt`. */
export function chatTimeline(durationMsValue) {
  const startAt = Date.now() + 6000
  return { startAt, endAt: startAt + durationMsValue }
}

/**
 * A visitor: session, one conversation, sends R messages/s from startAt to endAt (each with
 * a client id, resent with the same id after a reconnect), measures acks and operator replies,
 * resumes by seq after any drop, and at the end checks its stream against the server.
 */
export function runVisitor(base, data, rate) {
  const session = api(base, 'POST', '/api/visitor/session', { inboxId: data.inboxId })
  const tracker = newTracker()
  const unacked = {}
  let conversationId = null
  let n = 0
  let verified = false
  const stopAt = data.endAt
  const verifyAt = data.endAt + 3000
  let connections = 0
  while (!verified && Date.now() < verifyAt + 2 * SETTLE_MS + 10000) {
    connections++
    if (connections > 1) chatResumes.add(1, { side: 'visitor' })
    const res = ws.connect(wsUrl(base), {}, (socket) => {
      let sending = false
      const p = protocol(socket, (f) => {
        if (f.type !== 'event' || f.conversationId !== conversationId || typeof f.seq !== 'number')
          return
        accept(tracker, f.seq, CHAT_COUNTERS)
        if (f.name === 'message.created' && f.data.message.author.kind === 'operator') {
          chatReplyMs.add(Date.now() - sentAt(f.data.message.text))
        }
      })
      const send = (id) => {
        const text = unacked[id]
        p.request({ type: 'send', conversationId, clientMsgId: id, text }, (r) => {
          if (r.type === 'ack') {
            if (unacked[id] !== undefined) {
              chatAckMs.add(Date.now() - sentAt(text))
              chatMessages.add(1)
              delete unacked[id]
            }
          } else if (r.retryable) {
            chatRetried.add(1, { code: r.code })
            socket.setTimeout(() => send(id), r.retryAfterMs || 100)
          } else {
            chatErrors.add(1, { code: r.code })
            delete unacked[id]
          }
        })
      }
      const live = () => {
        if (sending) return
        sending = true
        for (const id of Object.keys(unacked)) send(id)
        socket.setInterval(() => {
          const now = Date.now()
          if (now < data.startAt || now >= stopAt) return
          n++
          const id = `v${n}`
          unacked[id] = stamp(id)
          send(id)
        }, 1000 / rate)
        socket.setTimeout(verify, Math.max(0, verifyAt - Date.now()))
      }
      // Every message acked first (bounded), then the stream against the server's last seq.
      const verify = () =>
        settleThen(
          socket,
          () => Object.keys(unacked).length === 0,
          () =>
            verifyThenClose(
              socket,
              tracker,
              lastSeq(base, conversationId, session.token),
              chatLost,
              () => {
                verified = true
              },
              SETTLE_MS,
            ),
        )
      socket.on('open', () => {
        p.request({ type: 'auth', token: session.token }, (r) => {
          if (r.type !== 'ack') return fail(`visitor auth: ${r.code}`)
          if (conversationId === null) {
            p.request({ type: 'start', clientMsgId: 'start' }, (s) => {
              if (s.type !== 'ack') return chatErrors.add(1, { code: s.code })
              conversationId = s.data.conversation.id
              p.request({ type: 'subscribe', conversationId, afterSeq: 0 }, live)
            })
          } else {
            p.request({ type: 'subscribe', conversationId, afterSeq: tracker.last }, live)
          }
        })
      })
      socket.on('error', (e) => chatErrors.add(1, { code: 'socket' }))
    })
    if (!res || res.status !== 101) chatErrors.add(1, { code: 'connect' })
    if (!verified) sleep(0.5 + Math.random())
  }
}

/** Replies an operator keeps in flight per socket (the server allows 64 requests). */
const REPLIES_IN_FLIGHT = 48

/**
 * An operator: watches its feed, subscribes to every conversation routing assigns to it,
 * answers every visitor message until endAt + 1 s, then checks each stream against the server.
 * A reply refused for now (overloaded, rate_limited) goes again after its retryAfterMs with the
 * same client id; a cut socket reconnects, finds conversations assigned meanwhile in its list,
 * resumes every stream after the last seq it holds and resends unacked replies, so the check
 * at the end covers every conversation however often the operator was cut.
 */
export function runOperator(base, data, index) {
  const me = data.operators[index % data.operators.length]
  /** Tracker per conversation watched; kept across connections. */
  const watching = {}
  let count = 0
  /** Replies not acked yet, by conversation and visitor client id: { conversationId, clientMsgId, text }. */
  const unacked = {}
  /** The visitor messages answered, same keys (a replayed one is not answered twice). */
  const answered = {}
  const replyUntil = data.endAt + 1000
  const verifyAt = data.endAt + 4000
  let verified = false
  let connections = 0
  while (!verified && Date.now() < verifyAt + 2 * SETTLE_MS + 10000) {
    connections++
    if (connections > 1) chatResumes.add(1, { side: 'operator' })
    const res = ws.connect(wsUrl(base), {}, (socket) => {
      const resubscribe = (id) => {
        p.request({ type: 'subscribe', conversationId: id, afterSeq: watching[id].last }, (r) => {
          if (r.type === 'ack') return
          if (r.retryable) {
            chatRetried.add(1, { code: r.code })
            socket.setTimeout(() => resubscribe(id), r.retryAfterMs || 100)
          } else chatErrors.add(1, { code: r.code })
        })
      }
      const watch = (c) => {
        if (c.assigneeId !== me.id || c.inboxId !== data.inboxId || watching[c.id]) return
        if (count >= 100) return chatErrors.add(1, { code: 'operator_subscriptions_full' })
        count++
        chatWatched.add(1)
        watching[c.id] = newTracker()
        resubscribe(c.id)
      }
      // At most REPLIES_IN_FLIGHT replies in flight on the socket (the server allows 64
      // requests per connection): the rest wait here rather than be refused and retried.
      let inFlight = 0
      const queued = []
      const settled = () => {
        inFlight--
        const next = queued.shift()
        if (next !== undefined) reply(next)
      }
      const reply = (key, retry) => {
        const u = unacked[key]
        if (!u) {
          if (retry) settled()
          return
        }
        if (!retry) {
          if (inFlight >= REPLIES_IN_FLIGHT) return void queued.push(key)
          inFlight++
        }
        p.request(
          {
            type: 'send',
            conversationId: u.conversationId,
            clientMsgId: u.clientMsgId,
            text: u.text,
          },
          (r) => {
            if (r.type === 'ack') {
              if (unacked[key]) chatReplies.add(1)
              delete unacked[key]
            } else if (r.retryable) {
              chatRetried.add(1, { code: r.code })
              return void socket.setTimeout(() => reply(key, true), r.retryAfterMs || 100)
            } else {
              chatErrors.add(1, { code: r.code })
              delete unacked[key]
            }
            settled()
          },
        )
      }
      const p = protocol(socket, (f) => {
        if (f.type === 'feed' && f.name === 'conversation') return watch(f.data.conversation)
        if (f.type !== 'event' || typeof f.seq !== 'number') return
        const tracker = watching[f.conversationId]
        if (!tracker) return
        accept(tracker, f.seq, CHAT_COUNTERS)
        if (f.name !== 'message.created') return
        const m = f.data.message
        if (m.author.kind !== 'visitor') return
        // Client ids are a visitor's own (v1, v2...): keyed with the conversation here.
        const key = `${f.conversationId} ${m.clientMsgId}`
        if (answered[key]) return
        chatDeliveryMs.add(Date.now() - sentAt(m.text))
        if (Date.now() >= replyUntil) return
        answered[key] = true
        unacked[key] = {
          conversationId: f.conversationId,
          clientMsgId: `r-${m.clientMsgId}`,
          text: stamp(`re ${m.clientMsgId}`),
        }
        reply(key)
      })
      socket.on('open', () => {
        p.request({ type: 'auth', token: me.token }, (r) => {
          if (r.type !== 'ack') return fail(`operator auth: ${r.code}`)
          p.request({ type: 'feed_subscribe' }, () => {
            for (const id of Object.keys(watching)) resubscribe(id)
            for (const key of Object.keys(unacked)) reply(key)
            // Assigned while this operator had no connection: no feed frame told it.
            if (connections > 1) for (const c of assignedTo(base, data.inboxId, me)) watch(c)
          })
        })
      })
      socket.on('error', () => chatErrors.add(1, { code: 'socket' }))
      // Every reply acked (bounded), then each stream until it holds the server's last seq
      // (bounded), then what is still missing counts as lost.
      const verify = () =>
        settleThen(
          socket,
          () => Object.keys(unacked).length === 0,
          () => {
            const lasts = {}
            for (const id of Object.keys(watching)) lasts[id] = lastSeq(base, id, me.token)
            settleThen(
              socket,
              () => Object.keys(watching).every((id) => watching[id].last >= lasts[id]),
              () => {
                for (const id of Object.keys(watching))
                  chatLost.add(missing(watching[id], lasts[id]))
                verified = true
                socket.close()
              },
            )
          },
        )
      socket.setTimeout(verify, Math.max(0, verifyAt - Date.now()))
    })
    if (!res || res.status !== 101) chatErrors.add(1, { code: 'connect' })
    if (!verified) sleep(0.5 + Math.random())
  }
  // Never verified (no connection at the end): everything it watched counts as unchecked.
  if (!verified) chatErrors.add(1, { code: 'operator_unverified' })
}

/** The open conversations of an inbox assigned to `me`, from the list (every page). */
function assignedTo(base, inboxId, me) {
  const found = []
  let cursor = null
  do {
    const query = `view=mine&inbox=${inboxId}&status=open&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
    const page = api(base, 'GET', `/api/inbox?${query}`, undefined, me.token)
    for (const item of page.items) found.push(item)
    cursor = page.nextCursor
  } while (cursor)
  return found
}
