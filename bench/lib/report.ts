/** The printed table (figure, value, baseline, ratio, target, met) and the JSON report. */

/** One printed figure. `ratio` = value / baseline; `met` null when no target applies. */
export interface Row {
  figure: string
  value: number
  unit: string
  baseline?: { name: string; value: number }
  target?: string
  met?: boolean | null
}

export function row(
  figure: string,
  value: number,
  unit: string,
  baseline?: { name: string; value: number },
  target?: { text: string; met: boolean | null },
): Row {
  return { figure, value, unit, baseline, target: target?.text, met: target?.met ?? null }
}

function fmt(value: number, unit: string): string {
  if (!Number.isFinite(value)) return 'n/a'
  if (unit === 'msgs/s' || unit === 'events/s') {
    return value >= 10_000 ? `${(value / 1000).toFixed(1)}k ${unit}` : `${value.toFixed(0)} ${unit}`
  }
  if (unit === 'us') return `${value.toFixed(0)} us`
  if (unit === 'ms') return `${value < 10 ? value.toFixed(2) : value.toFixed(0)} ms`
  if (unit === 'B') return `${(value / 1024).toFixed(2)} KB`
  if (unit === 'MB/s' || unit === 'MB' || unit === 's') return `${value.toFixed(1)} ${unit}`
  return `${value} ${unit}`.trim()
}

export function ratioOf(r: Row): number | null {
  if (!r.baseline || !r.baseline.value || !Number.isFinite(r.value)) return null
  return r.value / r.baseline.value
}

export function printTable(rows: Row[]): string {
  const head = ['figure', 'value', 'ceiling / baseline', 'ratio', 'target', 'met']
  const body = rows.map((r) => {
    const ratio = ratioOf(r)
    return [
      r.figure,
      fmt(r.value, r.unit),
      r.baseline ? `${fmt(r.baseline.value, r.unit)} (${r.baseline.name})` : '',
      ratio === null ? '' : `${ratio.toFixed(2)}x`,
      r.target ?? '',
      r.met === null || r.met === undefined ? '' : r.met ? 'met' : 'MISSED',
    ]
  })
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)))
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n')
}
