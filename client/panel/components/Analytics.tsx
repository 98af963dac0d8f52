/**
 * The analytics dashboard (issue 19, A1/A2; a lazy, on-demand chunk for admins and supervisors,
 * with uPlot inside it): filters kept in the page's hash, headline cards against the previous
 * period, charts over time, the weekday × hour heatmap, breakdown tables with CSV, conversations
 * by label and by attribute value, SLA breaches, ratings and their comments, and proactive
 * messages (last: their showings count even in a period without conversations). A headline, a
 * chart's interval (a cell of its table, a click on the canvas) and a breakdown's row open the
 * conversations behind that figure (the drill-down). The server scopes everything to the
 * viewer's inboxes; the figures are as of the projection's last catch-up (`asOf`).
 */
import {
  batch,
  createEffect,
  createMemo,
  createSignal,
  For,
  on,
  onCleanup,
  onMount,
  Show,
} from 'solid-js'
import { asParleyError } from '../../shared/index.ts'
import {
  analyticsApi,
  filtersFromHash,
  HASH,
  hashOf,
  narrowed,
  queryOf,
  type AnalyticsAttributes as AttributeFigures,
  type AnalyticsCampaigns as CampaignFigures,
  type AnalyticsHelp as AnalyticsHelpFigures,
  type AnalyticsComment,
  type AnalyticsDrill as DrillMetric,
  type AnalyticsLabels as LabelFigures,
  type AnalyticsReport,
  type AnalyticsSla as SlaFigures,
  type DrillRequest,
  type Filters,
  type Names,
  type Narrowing,
} from '../analytics-api.ts'
import { usePanel } from '../context.ts'
import { clock } from '../format.ts'
import { msg, t } from '../i18n.ts'
import { AnalyticsAttributes } from './AnalyticsAttributes.tsx'
import { AnalyticsCampaigns } from './AnalyticsCampaigns.tsx'
import { AnalyticsHelp } from './AnalyticsHelp.tsx'
import { AnalyticsCards } from './AnalyticsCards.tsx'
import { AnalyticsCharts } from './AnalyticsCharts.tsx'
import { AnalyticsDrill } from './AnalyticsDrill.tsx'
import { AnalyticsFilters, type FilterOptions } from './AnalyticsFilters.tsx'
import { AnalyticsHeatmap } from './AnalyticsHeatmap.tsx'
import { AnalyticsLabels } from './AnalyticsLabels.tsx'
import { AnalyticsRatings } from './AnalyticsRatings.tsx'
import { AnalyticsSla } from './AnalyticsSla.tsx'
import { BreakdownTable } from './AnalyticsTable.tsx'
import '../analytics.css'

const TABLES = [
  { name: 'operators', title: msg('Operators') },
  { name: 'branches', title: msg('Branches') },
  { name: 'inboxes', title: msg('Inboxes') },
  { name: 'countries', title: msg('Countries') },
  { name: 'regions', title: msg('Regions') },
  { name: 'channels', title: msg('Channels') },
] as const

export function Analytics() {
  const panel = usePanel()
  const api = analyticsApi(panel.http)
  const [filters, setFilters] = createSignal<Filters>(filtersFromHash(location.hash))
  // Bumped by Refresh: "today" is read again (the range may have moved on since).
  const [tick, setTick] = createSignal(0)
  const query = createMemo(() => (tick(), queryOf(filters())))
  const [report, setReport] = createSignal<AnalyticsReport | null>(null)
  // The query the report shown was read with: a drill-down lists what its figures count, even
  // while the next report (other filters) is on its way.
  let shown = query()
  const [comments, setComments] = createSignal<AnalyticsComment[]>([])
  const [labels, setLabels] = createSignal<LabelFigures | null>(null)
  const [attributes, setAttributes] = createSignal<AttributeFigures | null>(null)
  const [sla, setSla] = createSignal<SlaFigures | null>(null)
  const [campaigns, setCampaigns] = createSignal<CampaignFigures | null>(null)
  const [help, setHelp] = createSignal<AnalyticsHelpFigures | null>(null)
  const [loading, setLoading] = createSignal(true)
  const [error, setError] = createSignal<string | null>(null)
  const [drill, setDrill] = createSignal<DrillRequest | null>(null)
  const [options, setOptions] = createSignal<FilterOptions>({
    inboxes: [],
    branches: [],
    operators: [],
  })

  let latest = 0
  async function load() {
    const mine = ++latest
    const q = query()
    setLoading(true)
    try {
      const [r, c, l, a, s, p, h] = await Promise.all([
        api.report(q),
        api.comments(q),
        api.labels(q),
        api.attributes(q),
        api.sla(q),
        api.campaigns(q),
        api.help(q),
      ])
      if (mine !== latest) return
      shown = q
      // One render of the new figures: no table of the new query beside one of the old.
      batch(() => {
        setReport(r)
        setComments(c)
        setLabels(l)
        setAttributes(a)
        setSla(s)
        setCampaigns(p)
        setHelp(h)
        setError(null)
      })
    } catch (e) {
      if (mine !== latest) return
      const err = asParleyError(e)
      setError(
        err.code === 'forbidden' ? t('Analytics are for admins and supervisors') : err.message,
      )
    } finally {
      if (mine === latest) setLoading(false)
    }
  }
  createEffect(on(query, () => void load()))

  function update(patch: Partial<Filters>) {
    const next = { ...filters(), ...patch }
    setFilters(next)
    history.replaceState(null, '', hashOf(next))
  }

  onMount(() => {
    history.replaceState(null, '', hashOf(filters()))
    // The choices of the filters: the inboxes, branches and operators in the viewer's scope.
    panel.supervise.overview().then(
      (o) => {
        const operators = new Map<string, FilterOptions['operators'][number]>()
        for (const inbox of o.inboxes) {
          for (const op of inbox.operators) {
            const known = operators.get(op.id)
            if (known) known.inboxIds.push(inbox.id)
            else operators.set(op.id, { id: op.id, name: op.name, inboxIds: [inbox.id] })
          }
        }
        setOptions({
          inboxes: o.inboxes.map((i) => ({ id: i.id, name: i.name })),
          branches: o.inboxes.flatMap((i) =>
            i.branches.map((b) => ({ id: b.id, name: b.name, inboxId: i.id, inboxName: i.name })),
          ),
          operators: [...operators.values()].sort((a, b) => a.name.localeCompare(b.name)),
        })
      },
      () => setOptions((o) => ({ ...o, inboxes: panel.state.myInboxes })),
    )
  })
  // Leaving the page leaves its hash behind too: a reload then opens the inbox.
  onCleanup(() => {
    if (location.hash.startsWith(HASH)) {
      history.replaceState(null, '', location.pathname + location.search)
    }
  })

  const names = createMemo<Names>(() => {
    const o = options()
    const n: Names = { operators: {}, inboxes: {}, branches: {} }
    for (const x of o.operators) n.operators[x.id] = x.name
    for (const x of o.inboxes) n.inboxes[x.id] = x.name
    for (const x of o.branches) n.branches[x.id] = x.name
    // The report names what the lists may not (an operator since removed from the inbox).
    for (const row of report()?.operators ?? []) n.operators[row.key] ??= row.label
    for (const row of report()?.inboxes ?? []) n.inboxes[row.key] ??= row.label
    for (const row of report()?.branches ?? []) n.branches[row.key] ??= row.label
    return n
  })
  const empty = (r: AnalyticsReport) =>
    r.totals.conversations === 0 && r.totals.visitorMessages === 0 && r.totals.resolved === 0
  /** Opens the drill-down of a figure: its label (shown), its metric, what narrows it. */
  const drillInto = (title: string, metric: DrillMetric, by: Narrowing = {}) =>
    setDrill({ title, metric, query: narrowed(shown, by) })
  const open = (id: string) => {
    setDrill(null)
    panel.actions.showPage('inbox')
    void panel.actions.openConversation(id)
  }

  return (
    <main class="admin analytics" aria-labelledby="analytics-title" aria-busy={loading()}>
      <div class="an-head">
        <h2 id="analytics-title">{t('Analytics')}</h2>
        <Show when={report()}>
          {(r) => (
            <p class="muted an-asof" data-testid="analytics-as-of">
              {t('Figures as of {time}', { time: clock(r().asOf) })}
            </p>
          )}
        </Show>
        <button type="button" class="secondary" onClick={() => setTick((n) => n + 1)}>
          {t('Refresh')}
        </button>
      </div>
      <AnalyticsFilters
        filters={filters()}
        options={options()}
        countries={report()?.countries ?? []}
        onChange={update}
      />
      <p class="sr-only" role="status">
        {loading() ? t('Loading…') : ''}
      </p>
      <Show when={error()}>
        <p class="error" role="alert" data-testid="analytics-error">
          {error()}
        </p>
      </Show>
      <Show when={loading() && !report() && !error()}>
        <p class="muted">{t('Loading…')}</p>
      </Show>
      <Show when={!error() && report()}>
        {(r) => (
          <Show
            when={!empty(r())}
            fallback={
              <p class="an-empty muted" data-testid="analytics-empty">
                {t('No conversations in this period. Choose other dates or filters.')}
              </p>
            }
          >
            <AnalyticsCards
              report={r()}
              onDrill={(card) => drillInto(t(card.label), card.drill!)}
            />
            <AnalyticsCharts report={r()} onDrill={drillInto} />
            <AnalyticsHeatmap visitor={r().heatmap} conversations={r().heatmapConversations} />
            {/* Regions only where GeoIP knows them (a city-level database): else all unknown. */}
            <For
              each={TABLES.filter(
                (table) => table.name !== 'regions' || r().regions.some((row) => row.key !== ''),
              )}
            >
              {(table) => (
                <BreakdownTable
                  name={table.name}
                  title={t(table.title)}
                  rows={r()[table.name]}
                  onExport={() => api.download(query(), table.name)}
                  onDrill={drillInto}
                />
              )}
            </For>
            <Show when={labels()}>
              {(l) => <AnalyticsLabels figures={l()} inboxes={names().inboxes} />}
            </Show>
            <Show when={attributes()}>
              {(a) => <AnalyticsAttributes figures={a()} inboxes={names().inboxes} />}
            </Show>
            <Show when={sla()}>{(s) => <AnalyticsSla figures={s()} />}</Show>
            <AnalyticsRatings
              ratings={r().totals.ratings}
              comments={comments()}
              names={names()}
              onOpen={open}
            />
          </Show>
        )}
      </Show>
      {/* Showings count without any conversation in the period: shown even then. */}
      <Show when={!error() && campaigns()}>
        {(p) => <AnalyticsCampaigns figures={p()} inboxes={names().inboxes} />}
      </Show>
      {/* Reading and searching need no conversation either. */}
      <Show when={!error() && help()}>{(h) => <AnalyticsHelp figures={h()} />}</Show>
      <Show when={drill()} keyed>
        {(d) => (
          <AnalyticsDrill
            title={d.title}
            load={(cursor) => api.conversations(d.query, d.metric, cursor)}
            names={names()}
            onOpen={open}
            onClose={() => setDrill(null)}
          />
        )}
      </Show>
    </main>
  )
}
