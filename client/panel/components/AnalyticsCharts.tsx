/**
 * The report's series as five charts: conversations and resolved, visitor and operator
 * messages, the median first response, the operators' load (open conversations assigned at the
 * same time: the average and the peak of each interval) and their time online. Each canvas is
 * summed up in words (totals and the busiest interval) for screen readers; the numbers
 * themselves are in each chart's table. Conversations, resolved and the first response open the
 * conversations behind an interval (the drill-down), from its start to the next one's.
 */
import { createMemo } from 'solid-js'
import type {
  AnalyticsDrill,
  AnalyticsPoint,
  AnalyticsReport,
  Narrowing,
} from '../analytics-api.ts'
import { count, duration, hours, intervalLabel, load } from '../analytics-format.ts'
import { t } from '../i18n.ts'
import { SeriesChart, type ChartLine } from './AnalyticsChart.tsx'

export function AnalyticsCharts(props: {
  report: AnalyticsReport
  /** Opens the drill-down titled `title`, of `metric`, narrowed `by`. */
  onDrill(title: string, metric: AnalyticsDrill, by: Narrowing): void
}) {
  const series = () => props.report.series
  const labels = createMemo(() =>
    series().map((p) => intervalLabel(p.at, props.report.query.interval)),
  )
  const line = (
    label: string,
    color: string,
    pick: (p: AnalyticsPoint) => number | null,
    format: (v: number) => string = count,
    drill?: AnalyticsDrill,
  ): ChartLine => ({ label, color, values: series().map(pick), format, drill })

  const volume = createMemo(() => [
    line(t('Conversations'), 'var(--chart-1)', (p) => p.conversations, count, 'created'),
    line(t('Resolved'), 'var(--chart-2)', (p) => p.resolved, count, 'resolved'),
  ])
  const messages = createMemo(() => [
    line(t('Visitor messages'), 'var(--chart-1)', (p) => p.visitorMessages),
    line(t('Operator messages'), 'var(--chart-2)', (p) => p.operatorMessages),
  ])
  const response = createMemo(() => [
    line(
      t('First response (median)'),
      'var(--chart-1)',
      (p) => p.firstResponseMedianMs,
      duration,
      'first_response',
    ),
  ])
  const workload = createMemo(() => [
    line(t('Average load'), 'var(--chart-1)', (p) => p.loadAverage, load),
    line(t('Peak load'), 'var(--chart-2)', (p) => p.loadPeak),
  ])
  const online = createMemo(() => [
    line(t('Online time'), 'var(--chart-1)', (p) => p.onlineMs, hours),
  ])

  /** "Conversations: 120 in all, most on 5 Mar (18)." for each summed line (counts, time). */
  const totals = (lines: ChartLine[]) =>
    lines
      .map((l) => {
        const values = l.values.map((v) => v ?? 0)
        const sum = values.reduce((a, b) => a + b, 0)
        const top = values.indexOf(Math.max(...values))
        return sum === 0
          ? t('{what}: none', { what: l.label })
          : t('{what}: {n} in all, most in {when} ({top})', {
              what: l.label,
              n: l.format(sum),
              when: labels()[top] ?? '',
              top: l.format(values[top] ?? 0),
            })
      })
      .join('. ')
  /** Load is not summed: the average's span, and the busiest moment. */
  const loadSummary = () => {
    const [average, peak] = workload()
    const peaks = peak?.values.map((v) => v ?? 0) ?? []
    const top = Math.max(0, ...peaks)
    if (top === 0) return t('No conversations assigned and open in this period')
    const averages = average?.values.map((v) => v ?? 0) ?? [0]
    return t('Average load from {low} to {high}; the peak, {peak} at once, in {when}', {
      low: load(Math.min(...averages)),
      high: load(Math.max(...averages)),
      peak: count(top),
      when: labels()[peaks.indexOf(top)] ?? '',
    })
  }
  const fastestSlowest = () => {
    const known = response()[0]?.values.filter((v): v is number => v !== null) ?? []
    if (known.length === 0) return t('No first responses in this period')
    return t('Median first response from {low} to {high}', {
      low: duration(Math.min(...known)),
      high: duration(Math.max(...known)),
    })
  }
  /** A line's interval i: from its start to the next one's (the range's end for the last). */
  const drill = (l: ChartLine, i: number) => {
    const at = series()[i]?.at
    if (!l.drill || at === undefined) return
    props.onDrill(`${l.label} · ${labels()[i] ?? ''}`, l.drill, {
      from: at,
      to: series()[i + 1]?.at ?? props.report.query.to,
    })
  }
  const range = () =>
    labels().length > 0 ? `${labels()[0]} – ${labels()[labels().length - 1]}` : ''

  return (
    <section class="an-charts" aria-labelledby="an-charts-title">
      <h3 id="an-charts-title">{t('Over time')}</h3>
      <div class="an-chart-grid">
        <SeriesChart
          id="volume"
          onDrill={drill}
          title={t('Conversations and resolved')}
          labels={labels()}
          lines={volume()}
          summary={t('Chart, {range}. {text}', { range: range(), text: totals(volume()) })}
        />
        <SeriesChart
          id="messages"
          title={t('Messages')}
          labels={labels()}
          lines={messages()}
          summary={t('Chart, {range}. {text}', { range: range(), text: totals(messages()) })}
        />
        <SeriesChart
          id="response"
          onDrill={drill}
          title={t('First response (median)')}
          labels={labels()}
          lines={response()}
          durations
          summary={t('Chart, {range}. {text}', { range: range(), text: fastestSlowest() })}
        />
        <SeriesChart
          id="load"
          title={t('Operator load')}
          labels={labels()}
          lines={workload()}
          summary={t('Chart, {range}. {text}', { range: range(), text: loadSummary() })}
        />
        <SeriesChart
          id="online"
          title={t('Online time')}
          labels={labels()}
          lines={online()}
          durations
          summary={t('Chart, {range}. {text}', { range: range(), text: totals(online()) })}
        />
      </div>
    </section>
  )
}
