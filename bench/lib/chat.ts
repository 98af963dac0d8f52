/**
 * The two Parley scenarios with k6 twins: `chat` (visitors send, operators answer, latency and
 * throughput) and `reconnect-storm` (every visitor drops at once and resumes by seq).
 */
import { call, Conn, jsonCodec } from './client.ts'
import { ChatMetrics, Operator, settle, verifyDelivery, Visitor } from './actors.ts'
import { metricSum, setupInbox, visitorSessions, type ParleyServer } from './parley.ts'
import { cpuMs, schedStats } from './procs.ts'
import { nowMs, Samples, type Delivery, type LatencySummary } from './stats.ts'

export interface ChatParams {
  visitors: number
  operators: number
  /** Messages per second per visitor (open loop); 0 = closed loop, one in flight each. */
  rate: number
  warmupMs: number
  seconds: number
  reply: boolean
  /** First loopback address group for visitor sessions (keeps runs apart). */
  addressOffset: number
  /** Called with the phase's fresh inbox before any visitor starts (webhook endpoints). */
  onInbox?: (inboxId: string, adminToken: string) => Promise<void>
  /**
   * A cluster: the node URL visitor i and operator i connect to, and every node's URL (its
   * /metrics counted). Without it everything goes to the server.
   */
  nodes?: { visitor(i: number): string; operator(i: number): string; all: string[] }
  /** Processes whose CPU time over the recording window is reported, by group name. */
  cpuPids?: Record<string, number[]>
}

export interface ChatResult {
  params: ChatParams
  offeredPerSecond: number
  /** Visitor messages acked per second in the window (each also delivered to its operator). */
  messagesPerSecond: number
  repliesPerSecond: number
  chat_delivery_ms: LatencySummary
  chat_reply_ms: LatencySummary
  chat_ack_ms: LatencySummary
  errors: number
  errorCodes: Record<string, number>
  rateLimited: number
  overloaded: number
  resumes: number
  /** Actor writes per store transaction while recording (group commit), null if unread. */
  writesPerTransaction: number | null
  /** CPU time of each `cpuPids` group over the recording window, ms. */
  cpuMs: Record<string, number>
  /**
   * Of each `cpuPids` group over the window: time its threads waited, runnable, for a core
   * (ms), and how many times they were put on one (procs.ts schedStats).
   */
  sched: Record<string, { waitMs: number; slices: number }>
  /** Visitor messages and replies acked in the recording window. */
  ackedInWindow: number
  /** Connections the servers cut as slow consumers during the run (every node). */
  slowConsumerCuts: number
  /**
   * Times a node's NATS link dropped during the run (every node; nats-server cuts a client that
   * cannot take its messages within its write deadline). Relay frames sent meanwhile are lost:
   * receivers fill the gap from the store at the conversation's next event.
   */
  linkDrops: number
  /** Cluster counters over the recording window, every node summed (zeros on one node). */
  cluster: ClusterCounters
  delivery: Delivery & { unwatched: number; storedTwice: number }
}

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<void>) {
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!)
    }),
  )
}

/** Visitors with a started, subscribed conversation each. */
async function startVisitors(
  server: ParleyServer,
  inboxId: string,
  n: number,
  offset: number,
  m: ChatMetrics,
  nodeOf: (i: number) => string,
): Promise<Visitor[]> {
  const sessions = await visitorSessions(server.url, inboxId, n, offset)
  const visitors = sessions.map((s, i) => new Visitor(nodeOf(i), s, m))
  await inBatches(visitors, 32, async (v) => {
    await v.connect()
    await v.start()
  })
  return visitors
}

export async function runChat(server: ParleyServer, p: ChatParams): Promise<ChatResult> {
  const m = new ChatMetrics()
  const setup = await setupInbox(server.url, p.operators)
  await p.onInbox?.(setup.inboxId, setup.adminToken)
  const nodes = p.nodes ?? {
    visitor: () => server.url,
    operator: () => server.url,
    all: [server.url],
  }
  const operators = setup.operators.map(
    (s, i) => new Operator(nodes.operator(i), s, setup.inboxId, m),
  )
  const perOperator = Math.ceil((p.visitors / p.operators) * 1.25) + 5
  await Promise.all(operators.map((o) => o.connect(Math.ceil(perOperator / 90))))
  const cutsBefore = await slowConsumerCuts(nodes.all)
  const dropsBefore = await linkDrops(nodes.all)
  const visitors = await startVisitors(
    server,
    setup.inboxId,
    p.visitors,
    p.addressOffset,
    m,
    nodes.visitor,
  )
  try {
    // Routing gives each conversation to an operator, whose feed makes it subscribe.
    const ready = nowMs() + 30_000
    const watched = () => operators.reduce((n, o) => n + o.watching.size, 0)
    while (watched() < p.visitors && nowMs() < ready) await Bun.sleep(20)

    const start = nowMs()
    const from = start + p.warmupMs
    const until = from + p.seconds * 1000
    for (const o of operators) {
      o.replying = p.reply
      o.replyUntil(until)
    }
    let storeBefore: StoreCounters | null = null
    let storeAfter: StoreCounters | null = null
    let clusterBefore: ClusterCounters | null = null
    let clusterAfter: ClusterCounters | null = null
    const groups = Object.entries(p.cpuPids ?? {})
    const cpu = () => groups.map(([, pids]) => pids.reduce((sum, pid) => sum + cpuMs(pid), 0))
    const cpuUsed: Record<string, number> = {}
    const sched = () =>
      groups.map(([, pids]) =>
        pids.reduce(
          (sum, pid) => {
            const one = schedStats(pid)
            return { waitMs: sum.waitMs + one.waitMs, slices: sum.slices + one.slices }
          },
          { waitMs: 0, slices: 0 },
        ),
      )
    const schedUsed: Record<string, { waitMs: number; slices: number }> = {}
    let ackedInWindow = 0
    const recorder = (async () => {
      await Bun.sleep(p.warmupMs)
      m.recording = true
      const cpuBefore = cpu()
      const schedBefore = sched()
      storeBefore = await storeCounters(nodes.all)
      clusterBefore = await clusterCounters(nodes.all)
      await Bun.sleep(p.seconds * 1000)
      m.recording = false
      const cpuAfter = cpu()
      const schedAfter = sched()
      groups.forEach(([name], i) => {
        cpuUsed[name] = cpuAfter[i]! - cpuBefore[i]!
        schedUsed[name] = {
          waitMs: schedAfter[i]!.waitMs - schedBefore[i]!.waitMs,
          slices: schedAfter[i]!.slices - schedBefore[i]!.slices,
        }
      })
      ackedInWindow = m.acked + m.replies
      storeAfter = await storeCounters(nodes.all)
      clusterAfter = await clusterCounters(nodes.all)
    })()
    const ackDeadline = until + 10_000
    await Promise.all(
      visitors.map(async (v, i) => {
        if (p.rate <= 0) {
          while (nowMs() < until) await v.send(ackDeadline)
          return
        }
        const interval = 1000 / p.rate
        let next = start + (interval * i) / visitors.length
        const inFlight: Promise<void>[] = []
        while (next < until) {
          const wait = next - nowMs()
          if (wait > 0) await Bun.sleep(wait)
          inFlight.push(v.send(ackDeadline))
          next += interval
        }
        await Promise.all(inFlight)
      }),
    )
    await recorder
    await settle(visitors, operators, 10_000)
    const checked = await verifyDelivery(server.url, visitors, operators)
    const cuts = (await slowConsumerCuts(nodes.all)) - cutsBefore
    const drops = (await linkDrops(nodes.all)) - dropsBefore
    return {
      params: p,
      offeredPerSecond: p.rate > 0 ? p.rate * p.visitors : 0,
      messagesPerSecond: m.acked / p.seconds,
      repliesPerSecond: m.replies / p.seconds,
      chat_delivery_ms: m.delivery.summary(),
      chat_reply_ms: m.reply.summary(),
      chat_ack_ms: m.ack.summary(),
      errors: m.errors,
      errorCodes: m.errorCodes,
      rateLimited: m.rateLimited,
      overloaded: m.overloaded,
      resumes: m.resumes,
      writesPerTransaction: batchSize(storeBefore, storeAfter),
      cpuMs: cpuUsed,
      sched: schedUsed,
      ackedInWindow,
      slowConsumerCuts: cuts,
      linkDrops: drops,
      cluster: clusterDelta(clusterBefore, clusterAfter),
      delivery: { ...checked, storedTwice: m.storedTwice },
    }
  } finally {
    for (const v of visitors) v.conn?.close()
    for (const o of operators) o.close()
  }
}

interface StoreCounters {
  transactions: number
  writes: number
}

/** The servers' group-commit counters from /metrics, summed (null when unreadable). */
async function storeCounters(urls: string[]): Promise<StoreCounters | null> {
  try {
    let transactions = 0
    let writes = 0
    for (const url of urls) {
      transactions += await metricSum(url, 'parley_store_transactions_total')
      writes += await metricSum(url, 'parley_store_writes_total')
    }
    return Number.isFinite(transactions) && Number.isFinite(writes)
      ? { transactions, writes }
      : null
  } catch {
    return null
  }
}

export interface ClusterCounters {
  /** Bytes the nodes sent to NATS. */
  bytesOut: number
  /** Sends (publishes, requests, replies) and the batches they left in (about one write each). */
  sends: number
  sendBatches: number
  /** Commands answered by another node. */
  forwarded: number
  /** Frames published to other nodes, and the NATS messages they left in. */
  relayed: number
  relayMessages: number
  /** KV writes for leases (claims, releases, node lease renewals). */
  leaseWrites: number
}

const CLUSTER_METRICS: Record<keyof ClusterCounters, string> = {
  bytesOut: 'parley_cluster_bytes_out_total',
  sends: 'parley_cluster_sends_total',
  sendBatches: 'parley_cluster_send_batches_total',
  forwarded: 'parley_cluster_forwarded_total',
  relayed: 'parley_cluster_relay_published_total',
  relayMessages: 'parley_cluster_relay_messages_total',
  leaseWrites: 'parley_cluster_lease_writes_total',
}

/** The cluster counters of every node, summed (a single node has none: zeros). */
async function clusterCounters(urls: string[]): Promise<ClusterCounters | null> {
  try {
    const sums = {} as ClusterCounters
    for (const key of Object.keys(CLUSTER_METRICS) as (keyof ClusterCounters)[]) {
      sums[key] = 0
      for (const url of urls) sums[key] += await metricSum(url, CLUSTER_METRICS[key])
    }
    return sums
  } catch {
    return null
  }
}

function clusterDelta(a: ClusterCounters | null, b: ClusterCounters | null): ClusterCounters {
  const delta = {} as ClusterCounters
  for (const key of Object.keys(CLUSTER_METRICS) as (keyof ClusterCounters)[])
    delta[key] = a && b ? b[key] - a[key] : Number.NaN
  return delta
}

/** Slow-consumer cuts so far on every node (all transports). */
async function slowConsumerCuts(urls: string[]): Promise<number> {
  let sum = 0
  for (const url of urls) sum += await metricSum(url, 'parley_slow_consumers_total')
  return sum
}

/** NATS link drops so far on every node (zero outside cluster mode). */
async function linkDrops(urls: string[]): Promise<number> {
  let sum = 0
  for (const url of urls) sum += await metricSum(url, 'parley_cluster_link_drops_total')
  return sum
}

/** Actor writes per committed transaction while recording: how well group commit batches. */
function batchSize(before: StoreCounters | null, after: StoreCounters | null): number | null {
  if (!before || !after || after.transactions <= before.transactions) return null
  return (after.writes - before.writes) / (after.transactions - before.transactions)
}

export interface StormParams {
  visitors: number
  /** Operator messages per second into all conversations, before, during and after. */
  rate: number
  addressOffset: number
}

export interface StormResult {
  params: StormParams
  visitors: number
  resumed: number
  failedResumes: number
  storm_resume_ms: LatencySummary
  /** Events the visitors got while resuming (replay of what they missed), summed. */
  replayed: number
  errors: number
  errorCodes: Record<string, number>
  delivery: Delivery & { storedTwice: number }
}

/**
 * N visitors chat while an operator writes into every conversation; at once every visitor
 * closes its socket, reconnects, resubscribes after its last seq and resends its unacked
 * message. Each must end with every seq exactly once, checked against the server's last seq.
 */
export async function runStorm(server: ParleyServer, p: StormParams): Promise<StormResult> {
  const m = new ChatMetrics()
  const setup = await setupInbox(server.url, 1)
  const visitors = await startVisitors(
    server,
    setup.inboxId,
    p.visitors,
    p.addressOffset,
    m,
    () => server.url,
  )
  const op = await Conn.open(server.url, jsonCodec())
  await call(op, { type: 'auth', token: setup.operators[0]!.token })
  const resume = new Samples()
  let resumed = 0
  let replayed = 0
  try {
    m.recording = true
    let stop = false
    let n = 0
    const operatorLoad = Promise.all(
      Array.from({ length: 8 }, async () => {
        while (!stop) {
          const t0 = nowMs()
          const v = visitors[n++ % visitors.length]!
          try {
            await call(op, {
              type: 'send',
              conversationId: v.conversationId,
              clientMsgId: `op-${n}`,
              text: `t=${t0} storm ${n}`,
            })
          } catch {
            m.error('operator_send')
          }
          const pause = 8000 / p.rate - (nowMs() - t0)
          if (pause > 0) await Bun.sleep(pause)
        }
      }),
    )
    const sendDeadline = nowMs() + 30_000
    // Each visitor has a message on the way when the storm hits.
    const visitorLoad = visitors.map((v) => v.send(sendDeadline))
    await Bun.sleep(1500)

    const before = visitors.map((v) => v.tracker.last)
    for (const v of visitors) v.conn?.close()
    const results = await Promise.all(
      visitors.map(async (v, i) => {
        const deadline = nowMs() + 20_000
        while (nowMs() < deadline) {
          try {
            const ms = await v.resume()
            resume.add(ms)
            replayed += v.tracker.last - before[i]!
            await v.resendUnacked(sendDeadline)
            return true
          } catch {
            m.error('resume_attempt')
            await Bun.sleep(100 + Math.random() * 200)
          }
        }
        return false
      }),
    )
    resumed = results.filter(Boolean).length
    await Promise.all(visitorLoad)
    await Bun.sleep(1500)
    stop = true
    await operatorLoad
    await settle(visitors, [], 10_000)
    const checked = await verifyDelivery(server.url, visitors, [])
    return {
      params: p,
      visitors: visitors.length,
      resumed,
      failedResumes: visitors.length - resumed,
      storm_resume_ms: resume.summary(),
      replayed,
      errors: m.errors,
      errorCodes: m.errorCodes,
      delivery: {
        lost: checked.lost,
        duplicated: checked.duplicated,
        outOfOrder: checked.outOfOrder,
        storedTwice: m.storedTwice,
      },
    }
  } finally {
    op.close()
    for (const v of visitors) v.conn?.close()
  }
}
