// k6 reconnect storm: N visitors chat while an operator writes into every conversation; at one
// moment every visitor drops its socket and reconnects at once, resubscribes after the last
// seq it saw and resends its unacked message with the same client id. Each must then hold
// every event of its conversation exactly once, in order: checked against the server's last
// seq, not assumed.
//
//   k6 run -e BASE_URL=http://127.0.0.1:3000 -e ADMIN_EMAIL=... -e ADMIN_PASSWORD=... \
//          [-e N=25 -e RATE=50] bench/k6/reconnect-storm.js
//
// More than 30 visitors need --local-ips (per-IP session limit), e.g.
//   k6 run --local-ips=127.0.0.1-127.0.0.40 -e N=1000 ...
import ws from 'k6/ws'
import { sleep } from 'k6'
import { Counter, Trend } from 'k6/metrics'
import {
  accept,
  api,
  env,
  lastSeq,
  newTracker,
  protocol,
  setupInbox,
  stamp,
  teardownInbox,
  verifyThenClose,
  wsUrl,
} from './lib.js'

const BASE_URL = env('BASE_URL', 'http://127.0.0.1:3000').replace(/\/$/, '')
const N = Number(env('N', '25'))
const RATE = Number(env('RATE', '50'))

/** Drop -> subscribed again with every missed event replayed (the subscribe ack). */
const resumeMs = new Trend('storm_resume_ms', true)
const resumed = new Counter('storm_resumed')
const resumeFailed = new Counter('storm_resume_failed')
/** Events received during the resume: what the visitor missed while away. */
const replayed = new Counter('storm_replayed')
const lost = new Counter('storm_lost')
const duplicated = new Counter('storm_duplicated')
const outOfOrder = new Counter('storm_out_of_order')
/** One client id stored under two seqs (a resent message landed twice). */
const storedTwice = new Counter('storm_stored_twice')
const errors = new Counter('storm_errors')
const COUNTERS = { duplicated, outOfOrder }

export const options = {
  setupTimeout: '60s',
  scenarios: {
    operator: {
      executor: 'per-vu-iterations',
      exec: 'operator',
      vus: 1,
      iterations: 1,
      maxDuration: '3m',
    },
    visitors: {
      executor: 'per-vu-iterations',
      exec: 'visitor',
      vus: N,
      iterations: 1,
      maxDuration: '3m',
    },
  },
  thresholds: {
    storm_resumed: [`count>=${N}`],
    storm_resume_failed: ['count==0'],
    storm_lost: ['count==0'],
    storm_duplicated: ['count==0'],
    storm_out_of_order: ['count==0'],
    storm_stored_twice: ['count==0'],
    storm_resume_ms: ['p(99)<2000'],
  },
}

export function setup() {
  const data = setupInbox(BASE_URL, 1)
  // Visitors need time to get sessions and connect (session limit: 30 per IP and minute).
  const startAt = Date.now() + 8000 + Math.ceil(N / 100) * 1000
  data.startAt = startAt
  data.stormAt = startAt + 5000
  data.stopAt = data.stormAt + 5000
  data.verifyAt = data.stopAt + 2000
  return data
}

/** Writes RATE messages/s round-robin into every conversation of the inbox it hears of. */
export function operator(data) {
  const me = data.operators[0]
  const conversations = []
  const known = {}
  let n = 0
  ws.connect(wsUrl(BASE_URL), {}, (socket) => {
    const p = protocol(socket, (f) => {
      if (f.type !== 'feed' || f.name !== 'conversation') return
      const c = f.data.conversation
      if (c.inboxId !== data.inboxId || known[c.id]) return
      known[c.id] = true
      conversations.push(c.id)
    })
    socket.on('open', () => {
      p.request({ type: 'auth', token: me.token }, () => p.request({ type: 'feed_subscribe' }))
    })
    socket.setInterval(() => {
      const now = Date.now()
      if (now < data.startAt || now >= data.stopAt || conversations.length === 0) return
      n++
      const conversationId = conversations[n % conversations.length]
      p.request(
        { type: 'send', conversationId, clientMsgId: `op-${n}`, text: stamp(`storm ${n}`) },
        (r) => {
          if (r.type !== 'ack') errors.add(1, { code: r.code })
        },
      )
    }, 1000 / RATE)
    socket.setTimeout(() => socket.close(), Math.max(0, data.stopAt + 500 - Date.now()))
  })
}

export function visitor(data) {
  const session = api(BASE_URL, 'POST', '/api/visitor/session', { inboxId: data.inboxId })
  const tracker = newTracker()
  const own = {}
  const unacked = {}
  let conversationId = null
  let droppedAt = 0
  let resumedOnce = false
  let verified = false

  const onEvent = (f) => {
    if (f.type !== 'event' || f.conversationId !== conversationId || typeof f.seq !== 'number')
      return
    accept(tracker, f.seq, COUNTERS)
    if (f.name !== 'message.created') return
    const m = f.data.message
    if (m.author.kind !== 'visitor' || !m.clientMsgId) return
    if (own[m.clientMsgId] !== undefined && own[m.clientMsgId] !== m.seq) storedTwice.add(1)
    own[m.clientMsgId] = m.seq
  }
  const send = (p, socket, id) => {
    p.request({ type: 'send', conversationId, clientMsgId: id, text: unacked[id] }, (r) => {
      if (r.type === 'ack') delete unacked[id]
      else if (r.retryable) socket.setTimeout(() => send(p, socket, id), r.retryAfterMs || 100)
      else errors.add(1, { code: r.code })
    })
  }

  // First connection: start, subscribe, and drop at stormAt with a message still on its way.
  ws.connect(wsUrl(BASE_URL), {}, (socket) => {
    const p = protocol(socket, onEvent)
    socket.on('open', () => {
      p.request({ type: 'auth', token: session.token }, () => {
        p.request({ type: 'start', clientMsgId: 'start' }, (s) => {
          if (s.type !== 'ack') return errors.add(1, { code: s.code })
          conversationId = s.data.conversation.id
          p.request({ type: 'subscribe', conversationId, afterSeq: 0 })
        })
      })
    })
    socket.setTimeout(
      () => {
        if (conversationId === null) return socket.close()
        unacked.last = stamp('last words')
        send(p, socket, 'last')
        droppedAt = Date.now()
        socket.close()
      },
      Math.max(0, data.stormAt - Date.now()),
    )
  })
  if (conversationId === null) {
    errors.add(1, { code: 'no_conversation' })
    resumeFailed.add(1)
    return
  }

  // Everyone reconnects at once, until resumed and verified (bounded by verifyAt + 20 s).
  while (!verified && Date.now() < data.verifyAt + 20000) {
    ws.connect(wsUrl(BASE_URL), {}, (socket) => {
      const p = protocol(socket, onEvent)
      socket.on('open', () => {
        p.request({ type: 'auth', token: session.token }, (a) => {
          if (a.type !== 'ack') return socket.close()
          const before = tracker.last
          p.request({ type: 'subscribe', conversationId, afterSeq: tracker.last }, (r) => {
            if (r.type !== 'ack') return socket.close()
            if (!resumedOnce) {
              resumedOnce = true
              resumed.add(1)
              resumeMs.add(Date.now() - droppedAt)
              replayed.add(tracker.last - before)
            }
            for (const id of Object.keys(unacked)) send(p, socket, id)
            socket.setTimeout(
              () =>
                verifyThenClose(
                  socket,
                  tracker,
                  lastSeq(BASE_URL, conversationId, session.token),
                  lost,
                  () => {
                    verified = true
                  },
                ),
              Math.max(0, data.verifyAt - Date.now()),
            )
          })
        })
      })
      socket.on('error', () => errors.add(1, { code: 'socket' }))
    })
    if (!verified) sleep(0.2 + Math.random() * 0.3)
  }
  if (!resumedOnce) resumeFailed.add(1)
}

export function teardown(data) {
  teardownInbox(BASE_URL, data)
}
