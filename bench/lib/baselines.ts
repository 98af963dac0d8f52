/**
 * The ceilings and the figures measured against them: bare Bun echo, Socket.IO echo on Node,
 * fan-out against Bun's topic publish, memory per idle connection and per passivated
 * conversation, start-up to ready.
 */
import { call, Conn, jsonCodec, socketIoCodec, type Codec } from './client.ts'
import { closeAll, closedLoop, openLoop, openMany, type LoopResult } from './load.ts'
import { memoryOf, metric, setupInbox, visitorSessions, type ParleyServer } from './parley.ts'
import {
  BUN,
  freePort,
  startProcess,
  stopProcess,
  tempDir,
  waitReady,
  type Pinning,
  type Proc,
} from './procs.ts'
import { addDelivery, emptyDelivery, nowMs, SeqTracker, type Delivery } from './stats.ts'

export type EchoKind = 'bun' | 'socketio'

/** A started echo server (bare Bun or Socket.IO on Node). */
export interface EchoServer {
  url: string
  codec: Codec
  proc: Proc
  stop(): Promise<void>
}

export async function startEcho(kind: EchoKind, pin: Pinning): Promise<EchoServer> {
  const port = freePort()
  const cmd =
    kind === 'bun'
      ? [BUN, 'bench/lib/echo-server.ts']
      : ['node', '--expose-gc', 'bench/lib/socketio-echo.mjs']
  const proc = startProcess(`${kind} echo`, cmd, { pin, env: { ECHO_PORT: String(port) } })
  const url = `http://127.0.0.1:${port}`
  try {
    await waitReady(proc, `${url}/readyz`)
  } catch (error) {
    await stopProcess(proc)
    throw error
  }
  return {
    url,
    codec: kind === 'bun' ? jsonCodec('/ws') : socketIoCodec,
    proc,
    stop: () => stopProcess(proc),
  }
}

export interface EchoResult {
  connections: number
  inflight1: LoopResult
  inflight16: LoopResult
  /** Open loop at the chat latency rate. */
  atRate: LoopResult
}

/** Echo throughput with 1 and 16 in flight per connection, and latency at `rate` msgs/s. */
export async function runEcho(
  echo: EchoServer,
  connections: number,
  rate: number,
  warmupMs: number,
  seconds: number,
): Promise<EchoResult> {
  const conns = await openMany(connections, () => Conn.open(echo.url, echo.codec))
  try {
    const inflight1 = await closedLoop(conns, 1, warmupMs, seconds)
    const inflight16 = await closedLoop(conns, 16, warmupMs, seconds)
    const atRate = await openLoop(conns, rate, warmupMs, seconds)
    return { connections, inflight1, inflight16, atRate }
  } finally {
    await closeAll(conns)
  }
}

export interface FanoutResult {
  watchers: number
  /** Messages the sender got acked per second. */
  messagesPerSecond: number
  /** Events received by all watchers per second. */
  deliveriesPerSecond: number
  delivery?: Delivery
}

/**
 * One sender keeps `inflight` requests going; `counts(frame)` says whether a frame a watcher
 * got is a delivery. Returns rates in the window, and per-watcher totals for the checks.
 */
async function fanoutLoad(
  sender: Conn,
  watchers: Conn[],
  frame: (i: number) => Parameters<Conn['request']>[0],
  inflight: number,
  warmupMs: number,
  seconds: number,
  counts: (f: Record<string, unknown>) => boolean,
): Promise<{
  messagesPerSecond: number
  deliveriesPerSecond: number
  sent: number
  got: number[]
}> {
  let counting = false
  let deliveries = 0
  let sent = 0
  const got = watchers.map(() => 0)
  watchers.forEach((w, i) => {
    const before = w.onEvent
    w.onEvent = (f) => {
      before(f)
      if (!counts(f)) return
      got[i]!++
      if (counting) deliveries++
    }
  })
  const recorder = (async () => {
    await Bun.sleep(warmupMs)
    counting = true
    await Bun.sleep(seconds * 1000)
    counting = false
  })()
  const loop = await closedLoop([sender], inflight, warmupMs, seconds, (i) => {
    sent++
    return frame(i)
  })
  await recorder
  await Bun.sleep(500)
  return {
    messagesPerSecond: loop.rate,
    deliveriesPerSecond: deliveries / seconds,
    sent: sent - loop.failed,
    got,
  }
}

/** Every watcher must get each published event once. */
function fanoutDelivery(sent: number, got: number[]): Delivery {
  const d: Delivery = { lost: 0, duplicated: 0, outOfOrder: 0 }
  for (const g of got) {
    d.lost += Math.max(0, sent - g)
    d.duplicated += Math.max(0, g - sent)
  }
  return d
}

/** Bun's own topic publish: one publisher, `watchers` subscribers of one topic. */
export async function runBunFanout(
  echo: EchoServer,
  watchers: number,
  inflight: number,
  warmupMs: number,
  seconds: number,
): Promise<FanoutResult> {
  const ws = await openMany(watchers, () => Conn.open(echo.url, jsonCodec('/ws?role=watch')))
  const sender = await Conn.open(echo.url, jsonCodec('/ws?role=publish'))
  try {
    const r = await fanoutLoad(
      sender,
      ws,
      (i) => ({ type: 'typing', conversationId: 'room', on: i % 2 === 0 }),
      inflight,
      warmupMs,
      seconds,
      () => true,
    )
    return {
      watchers,
      messagesPerSecond: r.messagesPerSecond,
      deliveriesPerSecond: r.deliveriesPerSecond,
      delivery: fanoutDelivery(r.sent, r.got),
    }
  } finally {
    await closeAll([sender, ...ws])
  }
}

/**
 * Parley: one conversation watched by `watchers` sockets of its visitor (tabs), an operator
 * acting in it. `typing`: the operator toggles typing, each toggle one event through the same
 * publish path as any event, no store (the fan-out itself). `message`: the operator sends,
 * each message persisted, acked and delivered to every watcher (bounded by one conversation's
 * serial durable writes).
 */
export async function runParleyFanout(
  server: ParleyServer,
  kind: 'typing' | 'message',
  watchers: number,
  inflight: number,
  warmupMs: number,
  seconds: number,
  addressOffset: number,
): Promise<FanoutResult> {
  const setup = await setupInbox(server.url, 1)
  const [visitor] = await visitorSessions(server.url, setup.inboxId, 1, addressOffset)
  const first = await Conn.open(server.url, jsonCodec())
  await call(first, { type: 'auth', token: visitor!.token })
  const { conversation } = await call<{ conversation: { id: string } }>(first, {
    type: 'start',
    clientMsgId: 'fan-out',
  })
  first.close()
  const trackers: SeqTracker[] = []
  const ws = await openMany(watchers, async (i) => {
    const c = await Conn.open(server.url, jsonCodec())
    const tracker = (trackers[i] = new SeqTracker())
    c.onEvent = (f) => {
      if (f.type === 'event' && typeof f.seq === 'number') tracker.accept(f.seq)
    }
    await call(c, { type: 'auth', token: visitor!.token })
    await call(c, { type: 'subscribe', conversationId: conversation.id, afterSeq: 0 })
    return c
  })
  const sender = await Conn.open(server.url, jsonCodec())
  await call(sender, { type: 'auth', token: setup.operators[0]!.token })
  try {
    const r = await fanoutLoad(
      sender,
      ws,
      (i) =>
        kind === 'typing'
          ? { type: 'typing', conversationId: conversation.id, on: i % 2 === 0 }
          : {
              type: 'send',
              conversationId: conversation.id,
              clientMsgId: `m${i}`,
              text: `t=${nowMs()} fan-out ${i}`,
            },
      inflight,
      warmupMs,
      seconds,
      (f) => f.type === 'event' && f.name === (kind === 'typing' ? 'typing' : 'message.created'),
    )
    const res = await fetch(`${server.url}/api/conversations/${conversation.id}`, {
      headers: { authorization: `Bearer ${visitor!.token}` },
    })
    const last = ((await res.json()) as { conversation: { lastSeq: number } }).conversation.lastSeq
    const delivery = kind === 'typing' ? fanoutDelivery(r.sent, r.got) : emptyDelivery()
    for (const t of trackers) addDelivery(delivery, t.check(last))
    return {
      watchers,
      messagesPerSecond: r.messagesPerSecond,
      deliveriesPerSecond: r.deliveriesPerSecond,
      delivery,
    }
  } finally {
    await closeAll([sender, ...ws])
  }
}

export interface MemoryResult {
  connections: number
  rssPerConnection: number
  heapPerConnection: number
}

/**
 * Server memory per open, idle connection, as a slope: open n/2, measure, open n/2 more,
 * measure; (second - first) / (n/2). Memory that does not grow with connections (code, caches,
 * the allocator's first arenas, garbage from setup) falls out. Measured after a full GC.
 */
async function memoryPer(
  memUrl: string,
  n: number,
  open: (i: number) => Promise<Conn>,
): Promise<MemoryResult> {
  const half = Math.floor(n / 2)
  const first = await openMany(half, open, 128)
  const second: Conn[] = []
  try {
    const before = await settledMemory(memUrl)
    second.push(...(await openMany(n - half, (i) => open(half + i), 128)))
    const after = await settledMemory(memUrl)
    return {
      connections: n,
      rssPerConnection: (after.rss - before.rss) / (n - half),
      heapPerConnection: (after.heapUsed - before.heapUsed) / (n - half),
    }
  } finally {
    await closeAll([...first, ...second], 15_000)
  }
}

/** Memory after a GC, once the allocator has returned what it frees (two reads, 500 ms apart). */
async function settledMemory(memUrl: string): Promise<{ rss: number; heapUsed: number }> {
  await memoryOf(memUrl)
  await Bun.sleep(500)
  return memoryOf(memUrl)
}

/** Idle visitors: connected and authenticated, as a widget waits on a page. */
export async function parleyIdleMemory(
  server: ParleyServer,
  n: number,
  addressOffset: number,
): Promise<MemoryResult> {
  const setup = await setupInbox(server.url, 0)
  const sessions = await visitorSessions(server.url, setup.inboxId, n, addressOffset, 32)
  return memoryPer(server.memUrl, n, async (i) => {
    const c = await Conn.open(server.url, jsonCodec())
    await call(c, { type: 'auth', token: sessions[i]!.token })
    return c
  })
}

export function echoIdleMemory(echo: EchoServer, n: number): Promise<MemoryResult> {
  return memoryPer(`${echo.url}/mem`, n, () => Conn.open(echo.url, echo.codec))
}

export interface PassivatedResult {
  /** Conversations per measured round. */
  conversations: number
  rounds: number
  /** Least-squares slope of RSS over the measured rounds, bytes per conversation. */
  rssPerConversation: number
  /** Its standard error (bytes per conversation). */
  rssError: number
  heapPerConversation: number
  heapError: number
  /** Live conversation actors left when measured (0: all passivated). */
  actorsLeft: number
}

/**
 * Memory that stays per conversation once its actor has passivated, as a slope: rounds of n
 * conversations started over HTTP with a first message (5 per visitor); after each, wait until
 * every actor went idle, collect garbage and measure. The server runs with a short actor idle
 * time for this.
 */
export async function passivatedMemory(
  server: ParleyServer,
  n: number,
  idleMs: number,
  addressOffset: number,
  rounds = 4,
): Promise<PassivatedResult> {
  const setup = await setupInbox(server.url, 0)
  const perVisitor = 5
  const sessions = await visitorSessions(
    server.url,
    setup.inboxId,
    Math.ceil(((rounds + 1) * n) / perVisitor),
    addressOffset,
    32,
  )
  let next = 0
  const startConversations = async (until: number) => {
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < until) {
          const i = next++
          const res = await fetch(`${server.url}/api/visitor/conversations`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${sessions[Math.floor(i / perVisitor)]!.token}`,
              'content-type': 'application/json',
            },
            body: JSON.stringify({ text: `hello ${i}`, clientMsgId: `c${i}` }),
          })
          if (res.status !== 201) throw new Error(`start failed: ${res.status} ${await res.text()}`)
        }
      }),
    )
  }
  // A warm-up round fills bounded caches (SQLite pages, allocator arenas); then `rounds`
  // measured rounds. The slope over them, with its standard error, is the figure: one pair of
  // points alone is at the mercy of what the allocator returns in between.
  await startConversations(n)
  await waitActors(server.url, idleMs)
  const points: Array<{ count: number; rss: number; heap: number }> = []
  let actorsLeft = 0
  for (let round = 0; round <= rounds; round++) {
    if (round > 0) {
      await startConversations((round + 1) * n)
      actorsLeft = await waitActors(server.url, idleMs)
    }
    const mem = await settledMemory(server.memUrl)
    points.push({ count: round * n, rss: mem.rss, heap: mem.heapUsed })
  }
  const rss = slope(points.map((p) => [p.count, p.rss]))
  const heap = slope(points.map((p) => [p.count, p.heap]))
  return {
    conversations: n,
    rounds,
    rssPerConversation: rss.slope,
    rssError: rss.error,
    heapPerConversation: heap.slope,
    heapError: heap.error,
    actorsLeft,
  }
}

/** Least-squares slope of y over x, with its standard error. */
function slope(points: Array<[number, number]>): { slope: number; error: number } {
  const n = points.length
  const mx = points.reduce((a, [x]) => a + x, 0) / n
  const my = points.reduce((a, [, y]) => a + y, 0) / n
  let sxx = 0
  let sxy = 0
  for (const [x, y] of points) {
    sxx += (x - mx) ** 2
    sxy += (x - mx) * (y - my)
  }
  const b = sxy / sxx
  const a = my - b * mx
  const residual = points.reduce((acc, [x, y]) => acc + (y - (a + b * x)) ** 2, 0)
  const error = n > 2 ? Math.sqrt(residual / (n - 2) / sxx) : Number.NaN
  return { slope: b, error }
}

/** Waits (bounded: idle time + 15 s) until no conversation actor is live; returns how many are. */
async function waitActors(url: string, idleMs: number): Promise<number> {
  const deadline = nowMs() + idleMs + 15_000
  let live = await metric(url, 'parley_actors')
  while (live > 0 && nowMs() < deadline) {
    await Bun.sleep(250)
    live = await metric(url, 'parley_actors')
  }
  return live
}

/** `bun server/main.ts` on an empty SQLite folder: spawn to the first 200 from /readyz. */
export async function startupToReady(
  pin: Pinning,
  runs: number,
): Promise<{ runs: number[]; median: number }> {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const dir = tempDir('parley-start-')
    const port = freePort()
    const t0 = nowMs()
    const proc = startProcess('startup', [BUN, 'server/main.ts'], {
      pin,
      env: { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dir.path, LOG_LEVEL: 'warn' },
    })
    try {
      await waitReady(proc, `http://127.0.0.1:${port}/readyz`, 20_000, 2)
      times.push(nowMs() - t0)
    } finally {
      await stopProcess(proc)
      dir.remove()
    }
  }
  const sorted = [...times].sort((a, b) => a - b)
  return { runs: times, median: sorted[Math.floor(sorted.length / 2)]! }
}
