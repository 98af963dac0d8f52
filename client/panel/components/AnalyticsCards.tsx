/**
 * The dashboard's headline figures, each against the same figure of the period just before
 * (an arrow, the percentage, and a sentence for screen readers). A figure with conversations
 * behind it is a button that lists them (the drill-down).
 */
import { For, Show } from 'solid-js'
import type {
  AnalyticsDrill,
  AnalyticsReport,
  AnalyticsTotals,
  RatingFigures,
} from '../analytics-api.ts'
import { change, count, decimal, duration, hours, load, share } from '../analytics-format.ts'
import { msg, t, tn } from '../i18n.ts'

/** One headline: how it reads a period's totals and shows it. */
export interface CardDef {
  id: string
  /** msg() key. */
  label: string
  drill?: AnalyticsDrill
  /**
   * The number compared with the previous period (null: none); `now` is the current period's
   * totals (the rating compares the scale now shown).
   */
  value(totals: AnalyticsTotals, now: AnalyticsTotals): number | null
  show(totals: AnalyticsTotals): string
  /** Smaller text under the figure. */
  detail?(totals: AnalyticsTotals): string
  /**
   * Which way is good news, and the change is coloured so: fewer waits, more resolved. Volumes
   * (conversations, messages, transfers) are neither: no colour.
   */
  better?: 'higher' | 'lower'
}

type Scale = RatingFigures['scales'][number]

/** The scale most ratings used (a dashboard shows one average). */
function mainScale(r: RatingFigures): Scale | undefined {
  return [...r.scales].sort((a, b) => b.count - a.count)[0]
}

function ratingText(s: Scale | undefined): string {
  if (!s || s.average === null) return '–'
  if (s.scale === 'thumbs') return t('{share} positive', { share: share(s.average) })
  return t('{avg} of {max}', { avg: decimal(s.average), max: s.scale === 'nps' ? 10 : 5 })
}

const counted = (
  id: string,
  label: string,
  pick: (x: AnalyticsTotals) => number,
  drill?: AnalyticsDrill,
  better?: CardDef['better'],
): CardDef => ({
  id,
  label,
  drill,
  better,
  value: pick,
  show: (x) => count(pick(x)),
})

export const CARDS: CardDef[] = [
  counted('conversations', msg('Conversations'), (x) => x.conversations, 'created'),
  counted('resolved', msg('Resolved'), (x) => x.resolved, 'resolved', 'higher'),
  {
    id: 'first-response',
    label: msg('First response (median)'),
    drill: 'first_response',
    better: 'lower',
    value: (x) => x.firstResponse.medianMs,
    show: (x) => duration(x.firstResponse.medianMs),
    detail: (x) => t('average {time}', { time: duration(x.firstResponse.averageMs) }),
  },
  {
    id: 'first-response-business',
    label: msg('First response in working hours (median)'),
    drill: 'first_response',
    better: 'lower',
    value: (x) => x.firstResponseBusiness.medianMs,
    show: (x) => duration(x.firstResponseBusiness.medianMs),
  },
  {
    id: 'resolution',
    label: msg('Resolution time (median)'),
    drill: 'resolved',
    better: 'lower',
    value: (x) => x.resolution.medianMs,
    show: (x) => duration(x.resolution.medianMs),
  },
  {
    id: 'queue-wait',
    label: msg('Queue wait (median)'),
    drill: 'first_assigned',
    better: 'lower',
    value: (x) => x.queueWait.medianMs,
    show: (x) => duration(x.queueWait.medianMs),
  },
  counted('offline', msg('Offline requests'), (x) => x.offline, 'offline'),
  counted('unanswered', msg('Unanswered'), (x) => x.unanswered, 'unanswered', 'lower'),
  counted('visitor-messages', msg('Visitor messages'), (x) => x.visitorMessages),
  counted('operator-messages', msg('Operator messages'), (x) => x.operatorMessages),
  counted('escalations', msg('Escalations'), (x) => x.escalations, 'escalated', 'lower'),
  counted('transfers', msg('Transfers'), (x) => x.transfers, 'transferred'),
  {
    id: 'rating',
    label: msg('Rating'),
    drill: 'rated',
    better: 'higher',
    value: (x, now) => {
      const scale = mainScale(now.ratings)?.scale
      return x.ratings.scales.find((s) => s.scale === scale)?.average ?? null
    },
    show: (x) => ratingText(mainScale(x.ratings)),
    detail: (x) => tn(x.ratings.rated, '{n} rating', '{n} ratings'),
  },
  {
    id: 'response-rate',
    label: msg('Rating response rate'),
    drill: 'rated',
    better: 'higher',
    value: (x) => x.ratings.responseRate,
    show: (x) => share(x.ratings.responseRate),
    detail: (x) =>
      t('{rated} of {asked} asked', { rated: x.ratings.rated, asked: x.ratings.asked }),
  },
  {
    // The team's connected time in the online status (away and busy below it).
    id: 'online-time',
    label: msg('Online time'),
    better: 'higher',
    value: (x) => x.presence.onlineMs,
    show: (x) => hours(x.presence.onlineMs),
    detail: (x) =>
      t('Away: {away}, busy: {busy}', {
        away: hours(x.presence.awayMs),
        busy: hours(x.presence.busyMs),
      }),
  },
  {
    // Open conversations assigned at the same time: more is neither good nor bad news.
    id: 'load',
    label: msg('Average load'),
    value: (x) => x.load.average,
    show: (x) => load(x.load.average),
    detail: (x) => t('peak {n}', { n: count(x.load.peak) }),
  },
]

export function AnalyticsCards(props: { report: AnalyticsReport; onDrill(card: CardDef): void }) {
  return (
    <section aria-labelledby="an-cards-title">
      <h3 id="an-cards-title" class="sr-only">
        {t('Headline figures')}
      </h3>
      <ul class="an-cards">
        <For each={CARDS}>
          {(card) => <Card card={card} report={props.report} onDrill={props.onDrill} />}
        </For>
      </ul>
    </section>
  )
}

function Card(props: { card: CardDef; report: AnalyticsReport; onDrill(card: CardDef): void }) {
  const c = () => props.card
  const delta = () => {
    const now = props.report.totals
    return change(c().value(now, now), c().value(props.report.previous, now))
  }
  const good = () => {
    const dir = delta().dir
    const better = c().better
    if (!better || (dir !== 'up' && dir !== 'down')) return undefined
    return (dir === 'up') === (better === 'higher') ? 'good' : 'bad'
  }
  const body = () => (
    <>
      <span class="an-card-label">{t(c().label)}</span>
      <span class="an-card-value" data-testid="card-value">
        {c().show(props.report.totals)}
      </span>
      <Show when={c().detail}>
        {(detail) => <span class="an-card-detail">{detail()(props.report.totals)}</span>}
      </Show>
      <span class="an-change" data-dir={delta().dir} data-mood={good()}>
        <span aria-hidden="true">
          {delta().dir === 'up' ? '▲ ' : delta().dir === 'down' ? '▼ ' : ''}
          {delta().text}
        </span>
        <span class="sr-only">{delta().said}</span>
      </span>
    </>
  )
  return (
    <li data-card={c().id}>
      <Show when={c().drill} fallback={<div class="an-card">{body()}</div>}>
        <button
          type="button"
          class="an-card"
          aria-haspopup="dialog"
          onClick={() => props.onDrill(c())}
        >
          {body()}
        </button>
      </Show>
    </li>
  )
}
