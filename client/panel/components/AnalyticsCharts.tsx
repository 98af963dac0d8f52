/**
 * The report's series as three charts: conversations and resolved, visitor and operator
 * messages, and the median first response. Each canvas is summed up in words (totals and the
 * busiest interval) for screen readers; the numbers themselves are in each chart's table.
 */
import { createMemo } from 'solid-js'
import type { AnalyticsReport } from '../analytics-api.ts'
import { count, duration, intervalLabel } from '../analytics-format.ts'
import { t } from '../i18n.ts'
import { SeriesChart, type ChartLine } from './AnalyticsChart.tsx'

type Point = AnalyticsReport['series'][number]

export function AnalyticsCharts(props: { report: AnalyticsReport }) {
  const series = () => props.report.series
  const labels = createMemo(() =>
    series().map((p) => intervalLabel(p.at, props.report.query.interval)),
  )
  const line = (
    label: string,
    color: string,
    pick: (p: Point) => number | null,
    format: (v: number) => string = count,
  ): ChartLine => ({ label, color, values: series().map(pick), format })

  const volume = createMemo(() => [
    line(t('Conversations'), 'var(--chart-1)', (p) => p.conversations),
    line(t('Resolved'), 'var(--chart-2)', (p) => p.resolved),
  ])
  const messages = createMemo(() => [
    line(t('Visitor messages'), 'var(--chart-1)', (p) => p.visitorMessages),
    line(t('Operator messages'), 'var(--chart-2)', (p) => p.operatorMessages),
  ])
  const response = createMemo(() => [
    line(t('First response (median)'), 'var(--chart-1)', (p) => p.firstResponseMedianMs, duration),
  ])

  /** "Conversations: 120 in all, most on 5 Mar (18)." for each counted line. */
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
              n: count(sum),
              when: labels()[top] ?? '',
              top: count(values[top] ?? 0),
            })
      })
      .join('. ')
  const fastestSlowest = () => {
    const known = response()[0]?.values.filter((v): v is number => v !== null) ?? []
    if (known.length === 0) return t('No first responses in this period')
    return t('Median first response from {low} to {high}', {
      low: duration(Math.min(...known)),
      high: duration(Math.max(...known)),
    })
  }
  const range = () =>
    labels().length > 0 ? `${labels()[0]} – ${labels()[labels().length - 1]}` : ''

  return (
    <section class="an-charts" aria-labelledby="an-charts-title">
      <h3 id="an-charts-title">{t('Over time')}</h3>
      <div class="an-chart-grid">
        <SeriesChart
          title={t('Conversations and resolved')}
          labels={labels()}
          lines={volume()}
          summary={t('Chart, {range}. {text}', { range: range(), text: totals(volume()) })}
        />
        <SeriesChart
          title={t('Messages')}
          labels={labels()}
          lines={messages()}
          summary={t('Chart, {range}. {text}', { range: range(), text: totals(messages()) })}
        />
        <SeriesChart
          title={t('First response (median)')}
          labels={labels()}
          lines={response()}
          durations
          summary={t('Chart, {range}. {text}', { range: range(), text: fastestSlowest() })}
        />
      </div>
    </section>
  )
}
