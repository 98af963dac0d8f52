/**
 * A breakdown of the report (per operator, branch, inbox, country or channel): sortable by any
 * column (a button in each header, aria-sort on the sorted one), and its CSV downloaded as the
 * filters select it. Every table has the row's load (its conversations open at the same time);
 * the operators' also their time connected by status. On a phone each row is a card of
 * labelled lines. A row's conversations and resolved open the conversations behind them (the
 * drill-down, filtered to the row): not where the API has no such filter (regions), nor for the
 * row of none ("Unassigned", "Unknown": no filter says "none").
 */
import { createMemo, createSignal, For, onCleanup, Show } from 'solid-js'
import { asParleyError } from '../../shared/index.ts'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import type {
  AnalyticsDrill,
  AnalyticsTable,
  BreakdownRow,
  FilterKey,
  Narrowing,
  PresenceFigures,
} from '../analytics-api.ts'
import {
  channelName,
  count,
  countryName,
  regionName,
  decimal,
  duration,
  hours,
  load,
} from '../analytics-format.ts'
import { msg, t, tn } from '../i18n.ts'

interface Column {
  id: string
  /** msg() key. */
  label: string
  /** What the column sorts by. */
  key(row: BreakdownRow): number | string | null
  show(row: BreakdownRow): string
  /** In the operators' table only (assignments, time connected). */
  operators?: true
  /**
   * The conversations the figure counts, listed by the drill-down filtered to the row. The
   * operators' "Conversations" counts by first assignee and "Resolved" by the resolving
   * operator, as the API's operator filter of `created` and `resolved` does.
   */
  drill?: AnalyticsDrill
}

const numeric = (id: string, label: string, pick: (r: BreakdownRow) => number): Column => ({
  id,
  label,
  key: pick,
  show: (r) => count(pick(r)),
})

/** Time connected in one status: operators only (null elsewhere, and for "Unassigned"). */
const presence = (id: string, label: string, pick: (p: PresenceFigures) => number): Column => ({
  id,
  label,
  operators: true,
  key: (r) => (r.presence ? pick(r.presence) : null),
  show: (r) => (r.presence ? hours(pick(r.presence)) : '–'),
})

type Breakdown = Exclude<AnalyticsTable, 'series' | 'heatmap' | 'ratings' | 'comments'>

/** The API's filter for a table's rows (none for regions). */
const FILTER: Partial<Record<Breakdown, FilterKey>> = {
  operators: 'operator',
  branches: 'branch',
  inboxes: 'inbox',
  countries: 'country',
  channels: 'channel',
}

const COLUMNS: Column[] = [
  { ...numeric('conversations', msg('Conversations'), (r) => r.conversations), drill: 'created' },
  { ...numeric('assigned', msg('Assigned'), (r) => r.assigned), operators: true },
  { ...numeric('resolved', msg('Resolved'), (r) => r.resolved), drill: 'resolved' },
  numeric('visitorMessages', msg('Visitor messages'), (r) => r.visitorMessages),
  numeric('operatorMessages', msg('Operator messages'), (r) => r.operatorMessages),
  {
    id: 'firstResponse',
    label: msg('First response (median)'),
    key: (r) => r.firstResponse.medianMs,
    show: (r) => duration(r.firstResponse.medianMs),
  },
  {
    id: 'resolution',
    label: msg('Resolution (median)'),
    key: (r) => r.resolution.medianMs,
    show: (r) => duration(r.resolution.medianMs),
  },
  {
    id: 'rating',
    label: msg('Rating'),
    key: (r) => r.ratingAverage,
    show: (r) =>
      r.ratings === 0
        ? '–'
        : `${decimal(r.ratingAverage)} (${tn(r.ratings, '{n} rating', '{n} ratings')})`,
  },
  {
    id: 'loadAverage',
    label: msg('Average load'),
    key: (r) => r.load.average,
    show: (r) => load(r.load.average),
  },
  numeric('loadPeak', msg('Peak load'), (r) => r.load.peak),
  presence('online', msg('Online'), (p) => p.onlineMs),
  presence('away', msg('Away'), (p) => p.awayMs),
  presence('busy', msg('Busy'), (p) => p.busyMs),
]

export function BreakdownTable(props: {
  name: Breakdown
  title: string
  rows: BreakdownRow[]
  onExport(): Promise<void>
  /** Opens the drill-down titled `title`, of `metric`, narrowed `by` (to a row). */
  onDrill?(title: string, metric: AnalyticsDrill, by: Narrowing): void
}) {
  const [sort, setSort] = createSignal<{ id: string; desc: boolean }>({
    id: 'conversations',
    desc: true,
  })
  const [error, setError] = createSignal<string | null>(null)
  const columns = () => COLUMNS.filter((c) => !c.operators || props.name === 'operators')
  const name = (row: BreakdownRow) => {
    // The row of what has none: messages before anyone was assigned, visitors GeoIP placed nowhere.
    if (row.key === '') return props.name === 'operators' ? t('Unassigned') : t('Unknown')
    if (props.name === 'countries') return countryName(row.key)
    if (props.name === 'regions') return regionName(row.key)
    if (props.name === 'channels') return channelName(row.key)
    return row.label
  }
  /** The row's figure opens its conversations: a filter for it, and some to list. */
  const drillable = (column: Column, row: BreakdownRow) => {
    const v = column.key(row)
    return (
      !!column.drill && !!FILTER[props.name] && row.key !== '' && typeof v === 'number' && v > 0
    )
  }
  const drill = (column: Column, row: BreakdownRow) => {
    const filter = FILTER[props.name]
    if (!column.drill || !filter) return
    props.onDrill?.(`${t(column.label)} · ${name(row)}`, column.drill, { [filter]: row.key })
  }
  const nameColumn: Column = { id: 'name', label: msg('Name'), key: name, show: name }
  const sorted = createMemo(() => {
    const { id, desc } = sort()
    const column = [nameColumn, ...COLUMNS].find((c) => c.id === id) ?? nameColumn
    return [...props.rows].sort((a, b) => {
      const x = column.key(a)
      const y = column.key(b)
      // No figure sorts last either way.
      if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1
      const order = typeof x === 'string' ? x.localeCompare(String(y)) : x - (y as number)
      return desc ? -order : order
    })
  })
  const by = (id: string) => setSort((s) => ({ id, desc: s.id === id ? !s.desc : id !== 'name' }))
  const ariaSort = (id: string) =>
    sort().id === id ? (sort().desc ? 'descending' : 'ascending') : undefined
  const titleId = `an-table-${props.name}`
  // A table wider than the page (the operators' has 13 figures) scrolls in its own box, which
  // then takes the keyboard focus (arrows scroll it); one that fits is no extra tab stop.
  const [wide, setWide] = createSignal(false)
  let box: HTMLDivElement | undefined
  const observer = new ResizeObserver(() => {
    if (box) setWide(box.scrollWidth > box.clientWidth + 1)
  })
  onCleanup(() => observer.disconnect())
  async function exportCsv() {
    setError(null)
    try {
      await props.onExport()
    } catch (e) {
      setError(asParleyError(e).message)
    }
  }

  const header = (column: Column) => (
    <th scope="col" aria-sort={ariaSort(column.id)}>
      <button type="button" class="an-sort" onClick={() => by(column.id)}>
        {t(column.label)}
        <span aria-hidden="true" class="an-sort-mark">
          {sort().id === column.id ? (sort().desc ? '▼' : '▲') : ''}
        </span>
      </button>
    </th>
  )

  return (
    <section class="an-breakdown" aria-labelledby={titleId} data-table={props.name}>
      <div class="an-section-head">
        <h3 id={titleId}>{props.title}</h3>
        <button type="button" class="secondary" onClick={() => void exportCsv()}>
          {t('Export CSV')}
          <span class="sr-only"> ({props.title})</span>
        </button>
      </div>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
      <Show
        when={props.rows.length > 0}
        fallback={<p class="muted">{t('Nothing in this period.')}</p>}
      >
        <div
          class="an-scroll"
          role="group"
          aria-labelledby={titleId}
          tabIndex={wide() ? 0 : undefined}
          ref={(el) => {
            box = el
            observer.observe(el)
          }}
        >
          <table
            class="table cards an-table"
            aria-labelledby={titleId}
            ref={(el) => observer.observe(el)}
          >
            <thead>
              <tr>
                {header(nameColumn)}
                <For each={columns()}>{(column) => header(column)}</For>
              </tr>
            </thead>
            <tbody>
              <For each={sorted()}>
                {(row) => (
                  <tr data-key={row.key}>
                    <th scope="row" data-label={t('Name')}>
                      <SafeText text={name(row)} />
                    </th>
                    <For each={columns()}>
                      {(column) => (
                        <td data-label={t(column.label)}>
                          <Show
                            when={props.onDrill && drillable(column, row)}
                            fallback={column.show(row)}
                          >
                            <button
                              type="button"
                              class="an-drill-link"
                              aria-haspopup="dialog"
                              aria-label={t('{what}, {which}: {n} — list them', {
                                what: t(column.label),
                                which: name(row),
                                n: column.show(row),
                              })}
                              onClick={() => drill(column, row)}
                            >
                              {column.show(row)}
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
      </Show>
    </section>
  )
}
