/** Load shapes shared by Parley and the baselines: closed loops with K in flight, open loops. */
import { Conn, type Frame } from './client.ts'
import { nowMs, Samples, type LatencySummary } from './stats.ts'

export interface LoopResult {
  /** Replies per second over the measured window. */
  rate: number
  latency: LatencySummary
  failed: number
}

/** A frame shaped like a visitor `send` (same size on the wire as Parley's). */
export function sendLike(i: number): Omit<Frame, 'req'> {
  return {
    type: 'send',
    conversationId: '019a1fef-4ff5-1754-99c1-53df08d3b2ad',
    clientMsgId: `v${i}`,
    text: `t=${nowMs()} v${i}`,
  }
}

/**
 * Each connection keeps `inflight` requests outstanding (each sends its next on reply) for
 * warmup + seconds; only the window after warmup is counted.
 */
export async function closedLoop(
  conns: Conn[],
  inflight: number,
  warmupMs: number,
  seconds: number,
  frame: (i: number) => Omit<Frame, 'req'> = sendLike,
): Promise<LoopResult> {
  const latency = new Samples()
  const start = nowMs()
  const from = start + warmupMs
  const until = from + seconds * 1000
  let done = 0
  let failed = 0
  let n = 0
  await Promise.all(
    conns.flatMap((conn) =>
      Array.from({ length: inflight }, async () => {
        while (nowMs() < until && conn.isOpen) {
          const t0 = nowMs()
          try {
            const reply = await conn.request(frame(n++))
            if (reply.type === 'error') failed++
          } catch {
            failed++
            continue
          }
          const t1 = nowMs()
          if (t0 >= from && t1 <= until) {
            done++
            latency.add(t1 - t0)
          }
        }
      }),
    ),
  )
  return { rate: done / seconds, latency: latency.summary(), failed }
}

/** `rate` requests per second in total, spread over the connections, for `seconds`. */
export async function openLoop(
  conns: Conn[],
  rate: number,
  warmupMs: number,
  seconds: number,
  frame: (i: number) => Omit<Frame, 'req'> = sendLike,
): Promise<LoopResult> {
  const latency = new Samples()
  const interval = (1000 * conns.length) / rate
  const start = nowMs()
  const from = start + warmupMs
  const until = from + seconds * 1000
  let failed = 0
  let n = 0
  const pending: Promise<void>[] = []
  await Promise.all(
    conns.map(async (conn, c) => {
      let next = start + (interval * c) / conns.length
      while (next < until && conn.isOpen) {
        const wait = next - nowMs()
        if (wait > 0) await Bun.sleep(wait)
        const t0 = nowMs()
        pending.push(
          conn.request(frame(n++)).then(
            () => {
              if (t0 >= from) latency.add(nowMs() - t0)
            },
            () => {
              failed++
            },
          ),
        )
        next += interval
      }
    }),
  )
  await Promise.all(pending)
  return { rate: latency.count / seconds, latency: latency.summary(), failed }
}

/** Opens `n` connections, `concurrency` at a time. */
export async function openMany(
  n: number,
  open: (i: number) => Promise<Conn>,
  concurrency = 64,
): Promise<Conn[]> {
  const out: Conn[] = new Array(n)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(n, concurrency) }, async () => {
      while (next < n) {
        const i = next++
        out[i] = await open(i)
      }
    }),
  )
  return out
}

/** Closes connections and waits (bounded) for them to close. */
export async function closeAll(conns: Conn[], maxMs = 5000): Promise<void> {
  for (const c of conns) c?.close()
  await Promise.race([Promise.all(conns.map((c) => c?.closed)), Bun.sleep(maxMs)])
}
