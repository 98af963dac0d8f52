/**
 * The webhook phase (issue 17): durable chat throughput with two endpoints subscribed to every
 * event, against the same throughput without, in the same run and on the same server (without,
 * with, without again: the mean of the two is the baseline). The receivers run in a process of
 * their own on the client's core. After the phase with webhooks, the time until every
 * delivery is made (fan-out and posts), and the deliveries per second that makes.
 */
import { WEBHOOK_EVENTS } from '../../protocol/webhooks.ts'
import type { ChatResult } from './chat.ts'
import { api } from './client.ts'
import type { ParleyServer } from './parley.ts'
import { BUN, freePort, startProcess, stopProcess, waitReady, type Pinning } from './procs.ts'

export interface WebhookBench {
  /** Acked msgs/s without webhooks, before and after. */
  without: [number, number]
  /** Acked msgs/s with two endpoints subscribed to every event. */
  with: number
  /** with / mean(without). */
  ratio: number
  /** Requests the receivers got. */
  deliveries: number
  /** From the end of the phase with webhooks until nothing was pending. */
  drainMs: number
  /** Deliveries over the phase and its drain. */
  deliveriesPerSecond: number
  /** Still pending when the drain wait gave up (0 when it finished). */
  pendingAfter: number
  /** The open-loop chat (visitors at a steady rate, every message answered), without and with. */
  open: {
    offered: number
    deliveryP99: [number, number]
    /** From an event to its arrival at the receiver, ms (p50, p99), with webhooks. */
    webhookP50: number
    webhookP99: number
    deliveries: number
  }
}

type Throughput = (
  name: string,
  onInbox?: (inboxId: string, token: string) => Promise<void>,
) => Promise<ChatResult | null>

interface SinkCounts {
  received: number
  p50: number
  p99: number
}

async function sinkCounts(port: number): Promise<SinkCounts> {
  const res = await fetch(`http://127.0.0.1:${port}/count`)
  return (await res.json()) as SinkCounts
}

/** Waits until nothing is pending and the receivers heard nothing new for a second (bounded). */
async function drained(
  server: ParleyServer,
  admin: string,
  port: number,
): Promise<{ at: number; pending: number; received: number }> {
  let pending = Number.POSITIVE_INFINITY
  let last = -1
  let quietSince = performance.now()
  const giveUp = performance.now() + 300_000
  while (performance.now() < giveUp) {
    const { endpoints } = await api<{ endpoints: { pending: number }[] }>(
      server.url,
      'GET',
      '/api/webhooks',
      { token: admin },
    )
    pending = endpoints.reduce((n, e) => n + e.pending, 0)
    const { received } = await sinkCounts(port)
    if (received !== last) {
      last = received
      quietSince = performance.now()
    }
    if (pending === 0 && performance.now() - quietSince > 1000) break
    await Bun.sleep(200)
  }
  return { at: quietSince, pending, received: last }
}

export async function runWebhooks(
  server: ParleyServer,
  pin: Pinning,
  throughput: Throughput,
  openLoop: Throughput,
): Promise<WebhookBench> {
  const ports = [freePort(), freePort()]
  const sink = startProcess(
    'webhook-sink',
    [BUN, 'bench/lib/webhook-sink.ts', ...ports.map(String)],
    {
      pin,
      core: 'client',
    },
  )
  try {
    await waitReady(sink, `http://127.0.0.1:${ports[0]}/count`)
    const before = await throughput('chat throughput, no webhooks')
    let admin = ''
    const subscribe = async (inboxId: string, token: string) => {
      admin = token
      for (const port of ports) {
        await api(server.url, 'POST', '/api/webhooks', {
          token,
          body: { inboxId, url: `http://127.0.0.1:${port}/hook`, events: [...WEBHOOK_EVENTS] },
        })
      }
    }
    const started = performance.now()
    const hooked = await throughput('chat throughput, 2 webhook endpoints', subscribe)
    const ended = performance.now()
    const drain = await drained(server, admin, ports[0]!)
    const after = await throughput('chat throughput, no webhooks (again)')
    if (!before || !hooked || !after) throw new Error('a throughput phase failed')
    const baseline = (before.messagesPerSecond + after.messagesPerSecond) / 2

    // The steady case: visitors at a rate the server sustains, every message answered.
    const calm = await openLoop('chat at a steady rate, no webhooks')
    await fetch(`http://127.0.0.1:${ports[0]}/reset`, { method: 'POST' })
    const receivedBefore = drain.received
    const calmHooked = await openLoop('chat at a steady rate, 2 webhook endpoints', subscribe)
    const calmDrain = await drained(server, admin, ports[0]!)
    const latency = await sinkCounts(ports[0]!)
    if (!calm || !calmHooked) throw new Error('a steady-rate phase failed')
    return {
      without: [before.messagesPerSecond, after.messagesPerSecond],
      with: hooked.messagesPerSecond,
      ratio: hooked.messagesPerSecond / baseline,
      deliveries: drain.received,
      drainMs: Math.max(0, drain.at - ended),
      deliveriesPerSecond: drain.received / ((drain.at - started) / 1000),
      pendingAfter: drain.pending + calmDrain.pending,
      open: {
        offered: calmHooked.offeredPerSecond,
        deliveryP99: [calm.chat_delivery_ms.p99, calmHooked.chat_delivery_ms.p99],
        webhookP50: latency.p50,
        webhookP99: latency.p99,
        deliveries: calmDrain.received - receivedBefore,
      },
    }
  } finally {
    await stopProcess(sink)
  }
}
