/**
 * One line chart over the report's intervals, drawn by uPlot on a canvas (role="img", its
 * aria-label a summary), with the same numbers as a table behind "Show as table". Colours come
 * from the panel's CSS variables, read again when the system theme changes; the chart follows
 * its box's width (a phone's too). A line with conversations behind it (`drill`) opens them for
 * an interval: its cells in the table are buttons, and a click on the canvas opens the point
 * under the cursor (of the chart's first such line).
 */
import {
  createEffect,
  createSignal,
  createUniqueId,
  For,
  on,
  onCleanup,
  onMount,
  Show,
} from 'solid-js'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import type { AnalyticsDrill } from '../analytics-api.ts'
import { t } from '../i18n.ts'

export interface ChartLine {
  label: string
  /** A CSS colour (a `var(--...)` of the theme). */
  color: string
  values: Array<number | null>
  format(value: number): string
  /** The conversations behind a point, if any: its cells open them (the drill-down). */
  drill?: AnalyticsDrill
}

const HEIGHT = 220
/** Steps between two x labels (indexes of intervals): whole ones only. */
const X_STEPS = [1, 2, 3, 4, 5, 7, 10, 14, 15, 20, 30, 50, 60, 90, 100, 200]
/** Steps of a duration axis, in ms: seconds, minutes, hours, days that read well. */
const MS_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 21600]
  .map((s) => s * 1000)
  .concat([43_200_000, 86_400_000, 172_800_000, 360_000_000, 604_800_000, 720_000_000])
  // Long stretches (a team's hours online in a month) step in round hours.
  .concat([1_800_000_000, 3_600_000_000, 7_200_000_000, 18_000_000_000, 36_000_000_000])

/** A CSS colour as the browser resolves it now (canvas takes no `var()` or `light-dark()`). */
function resolve(host: HTMLElement, color: string): string {
  const probe = document.createElement('i')
  probe.style.color = color
  host.append(probe)
  const value = getComputedStyle(probe).color
  probe.remove()
  return value
}

function cell(line: ChartLine, index: number): string {
  const v = line.values[index]
  return v === null || v === undefined ? '–' : line.format(v)
}

/** A point with something behind it to list (none for no figure, or a count of 0). */
const drillable = (line: ChartLine, index: number) =>
  line.drill !== undefined && !!line.values[index]

export function SeriesChart(props: {
  /** Names the figure for tests and styles (`data-chart`). */
  id?: string
  title: string
  /** The intervals' names, one per value. */
  labels: string[]
  lines: ChartLine[]
  /** What the canvas says to a screen reader. */
  summary: string
  /** The y axis is durations (ms). */
  durations?: boolean
  /** Opens the conversations behind a line's point (lines with `drill` only). */
  onDrill?(line: ChartLine, index: number): void
}) {
  let box!: HTMLDivElement
  let plot: uPlot | undefined
  const [table, setTable] = createSignal(false)
  const tableId = createUniqueId()

  function build() {
    plot?.destroy()
    const muted = resolve(box, 'var(--muted)')
    const surface = resolve(box, 'var(--surface)')
    const grid = { stroke: resolve(box, 'var(--border)'), width: 1 }
    const font = '12px system-ui, sans-serif'
    const first = props.lines[0]
    const opts: uPlot.Options = {
      width: Math.max(200, box.clientWidth),
      height: HEIGHT,
      scales: {
        x: { time: false },
        y: { range: (_u, _min, max) => uPlot.rangeNum(0, Math.max(max, 1), 0.1, true) },
      },
      series: [
        { label: t('Period'), value: (_u, i) => (i === null ? '' : (props.labels[i] ?? '')) },
        ...props.lines.map((line) => ({
          label: line.label,
          stroke: resolve(box, line.color),
          width: 2,
          points: { show: props.labels.length <= 40, fill: surface },
          value: (_u: uPlot, v: number | null) => (v === null ? '–' : line.format(v)),
        })),
      ],
      axes: [
        {
          stroke: muted,
          grid,
          ticks: grid,
          font,
          space: 56,
          incrs: X_STEPS,
          values: (_u, splits) => splits.map((i) => props.labels[i] ?? ''),
        },
        {
          stroke: muted,
          grid,
          ticks: grid,
          font,
          size: props.durations ? 76 : 48,
          incrs: props.durations ? MS_STEPS : undefined,
          values: (_u, splits) =>
            splits.map((v) => (first && Number.isInteger(v) ? first.format(v) : '')),
        },
      ],
      // The series' names only: the numbers are in the table (values at the cursor are noise
      // on a phone and say nothing to a screen reader).
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
    }
    const data: uPlot.AlignedData = [
      props.labels.map((_, i) => i),
      ...props.lines.map((l) => l.values),
    ]
    plot = new uPlot(opts, data, box)
    const canvas = plot.ctx.canvas
    canvas.setAttribute('role', 'img')
    canvas.setAttribute('aria-label', props.summary)
    // A click on the plot opens the interval under the cursor, of the first line with a
    // drill-down (the keyboard and screen readers have the same in the table's cells). Heard
    // before uPlot's own click handler, which drops a click whose cursor it snapped to an edge.
    const target = props.lines.find((l) => l.drill)
    if (target && props.onDrill) {
      const u = plot
      u.over.classList.add('an-drillable')
      u.root.addEventListener(
        'click',
        (e) => {
          const i = u.cursor.idx
          if (e.target !== u.over || i === null || i === undefined) return
          if (i >= 0 && i < props.labels.length && drillable(target, i)) props.onDrill?.(target, i)
        },
        true,
      )
    }
  }

  onMount(() => {
    build()
    const resize = new ResizeObserver(() =>
      plot?.setSize({ width: Math.max(200, box.clientWidth), height: HEIGHT }),
    )
    resize.observe(box)
    const theme = matchMedia('(prefers-color-scheme: dark)')
    theme.addEventListener('change', build)
    onCleanup(() => {
      resize.disconnect()
      theme.removeEventListener('change', build)
      plot?.destroy()
    })
  })
  createEffect(on(() => [props.labels, props.lines, props.summary], build, { defer: true }))

  return (
    <figure class="an-chart" data-chart={props.id}>
      <figcaption>
        <span class="an-chart-title">{props.title}</span>
        <button
          type="button"
          class="link-button"
          aria-expanded={table()}
          aria-controls={tableId}
          onClick={() => setTable(!table())}
        >
          {table() ? t('Hide the table') : t('Show as table')}
        </button>
      </figcaption>
      <div class="an-plot" ref={box} />
      <div
        class="an-scroll"
        id={tableId}
        hidden={!table()}
        tabIndex={0}
        role="region"
        aria-label={props.title}
      >
        <table class="table an-series-table">
          <caption class="sr-only">{props.title}</caption>
          <thead>
            <tr>
              <th scope="col">{t('Period')}</th>
              <For each={props.lines}>{(line) => <th scope="col">{line.label}</th>}</For>
            </tr>
          </thead>
          <tbody>
            <For each={props.labels}>
              {(label, i) => (
                <tr>
                  <th scope="row">{label}</th>
                  <For each={props.lines}>
                    {(line) => (
                      <td>
                        <Show
                          when={props.onDrill && drillable(line, i())}
                          fallback={cell(line, i())}
                        >
                          <button
                            type="button"
                            class="an-drill-link"
                            aria-haspopup="dialog"
                            aria-label={t('{what}, {which}: {n} — list them', {
                              what: line.label,
                              which: label,
                              n: cell(line, i()),
                            })}
                            onClick={() => props.onDrill?.(line, i())}
                          >
                            {cell(line, i())}
                          </button>
                        </Show>
                      </td>
                    )}
                  </For>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </figure>
  )
}
