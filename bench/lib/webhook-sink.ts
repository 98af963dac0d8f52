/**
 * Webhook receivers for the bench (issue 17): one Bun server per port in argv, answering 200 to
 * every POST and counting them, with how long after its event each arrived (the event's
 * `createdAt` against this machine's clock). `GET /count` on the first port returns the totals
 * and latency percentiles; `POST /reset` starts the latencies afresh. Started as a process of
 * its own on the client's core, so its work is not the server's.
 */
const ports = process.argv.slice(2).map(Number)
let received = 0
let latencies: number[] = []

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

for (const [i, port] of ports.entries()) {
  Bun.serve({
    port,
    hostname: '127.0.0.1',
    async fetch(req) {
      if (i === 0 && req.method === 'GET') {
        const sorted = [...latencies].sort((a, b) => a - b)
        return Response.json({
          received,
          latencies: sorted.length,
          p50: percentile(sorted, 50),
          p99: percentile(sorted, 99),
        })
      }
      if (i === 0 && new URL(req.url).pathname === '/reset') {
        latencies = []
        return new Response('ok')
      }
      const event = (await req.json()) as { createdAt: number; type: string }
      if (event.type !== 'ping') latencies.push(Date.now() - event.createdAt)
      received++
      return new Response('ok')
    },
  })
}
process.stdout.write('ready\n')
