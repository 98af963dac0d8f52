/**
 * Prometheus text exposition of the server's counters and gauges (X5). A running total is a
 * `counter` named `*_total` (so `rate()` and counter resets work), whether it is incremented here
 * (`inc`) or kept elsewhere and read at scrape time (`counter`); a `gauge` is a level that goes
 * up and down.
 */

type Labels = Record<string, string>

class Histogram {
  private readonly counts: number[]
  sum = 0
  count = 0
  constructor(readonly buckets: number[]) {
    this.counts = buckets.map(() => 0)
  }
  observe(value: number): void {
    this.sum += value
    this.count++
    for (let i = 0; i < this.buckets.length; i++) {
      if (value <= (this.buckets[i] as number)) this.counts[i] = (this.counts[i] as number) + 1
    }
  }
  lines(name: string): string[] {
    const out = this.buckets.map((b, i) => `${name}_bucket{le="${b}"} ${this.counts[i]}`)
    out.push(
      `${name}_bucket{le="+Inf"} ${this.count}`,
      `${name}_sum ${this.sum}`,
      `${name}_count ${this.count}`,
    )
    return out
  }
}

/** Prometheus naming for counters: a misnamed one throws on first use, so its tests fail. */
function checkCounterName(name: string): void {
  if (!name.endsWith('_total')) throw new Error(`counter ${name} must be named *_total`)
}

export class Metrics {
  private readonly counters = new Map<string, { help: string; values: Map<string, number> }>()
  private readonly readCounters = new Map<string, { help: string; read: () => number }>()
  private readonly gauges = new Map<string, { help: string; read: () => number }>()
  readonly pingLatency = new Histogram([0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5])

  /** Adds to a counter; labels distinguish series (e.g. code, transport). */
  inc(name: string, help: string, labels: Labels = {}, by = 1): void {
    let c = this.counters.get(name)
    if (!c) {
      checkCounterName(name)
      this.counters.set(name, (c = { help, values: new Map() }))
    }
    const key = labelString(labels)
    c.values.set(key, (c.values.get(key) ?? 0) + by)
  }

  /** A running total kept elsewhere (e.g. by the store), read at scrape time. */
  counter(name: string, help: string, read: () => number): void {
    checkCounterName(name)
    this.readCounters.set(name, { help, read })
  }

  /** A gauge read at scrape time. */
  gauge(name: string, help: string, read: () => number): void {
    this.gauges.set(name, { help, read })
  }

  render(): string {
    const lines: string[] = []
    for (const [name, c] of this.counters) {
      lines.push(`# HELP ${name} ${c.help}`, `# TYPE ${name} counter`)
      for (const [labels, value] of c.values) lines.push(`${name}${labels} ${value}`)
    }
    for (const [name, c] of this.readCounters) {
      lines.push(`# HELP ${name} ${c.help}`, `# TYPE ${name} counter`, `${name} ${c.read()}`)
    }
    for (const [name, g] of this.gauges) {
      lines.push(`# HELP ${name} ${g.help}`, `# TYPE ${name} gauge`, `${name} ${g.read()}`)
    }
    lines.push(
      '# HELP parley_ws_ping_latency_seconds Round trip of server WebSocket pings.',
      '# TYPE parley_ws_ping_latency_seconds histogram',
      ...this.pingLatency.lines('parley_ws_ping_latency_seconds'),
    )
    return lines.join('\n') + '\n'
  }
}

function labelString(labels: Labels): string {
  const entries = Object.entries(labels)
  if (entries.length === 0) return ''
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`).join(',')}}`
}
