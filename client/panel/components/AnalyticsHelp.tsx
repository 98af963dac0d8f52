/**
 * The help center (issue 21): article views and searches in the range, the searches that found
 * nothing (the commonest queries: what to write next), the most read articles, the readers'
 * votes, and deflection: of the visitors the widget knows who searched or read, how many did not
 * start a conversation within a day after. Left out while nobody read or searched. Its words'
 * Russian (../i18n/ru/help-figures.ts) comes with the dashboard's chunk, as the campaigns' does.
 */
import { Show } from 'solid-js'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import type { AnalyticsHelp as Figures } from '../analytics-api.ts'
import { count, dateTime, share } from '../analytics-format.ts'
import { locale } from '../i18n.ts'
import { RU_HELP_FIGURES } from '../i18n/ru/help-figures.ts'
import { CountTable } from './AnalyticsCountTable.tsx'

/** `text` in the UI language, with `{name}`s filled. */
const th = (text: string, vars: Record<string, string> = {}) => {
  const entry = locale() === 'ru' ? RU_HELP_FIGURES[text] : undefined
  const chosen = typeof entry === 'string' ? entry : text
  return chosen.replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole)
}

export function AnalyticsHelp(props: { figures: Figures }) {
  const f = () => props.figures
  const rate = (n: number, of: number) => share(of ? n / of : null)
  const Stat = (s: { id: string; label: string; value: string; detail?: string }) => (
    <li data-card={s.id}>
      <div class="an-card">
        <span class="an-card-label">{s.label}</span>
        <span class="an-card-value">{s.value}</span>
        <Show when={s.detail}>
          <span class="an-card-detail">{s.detail}</span>
        </Show>
      </div>
    </li>
  )
  const deflected = () => f().helpedVisitors - f().followedByConversation
  const votes = () => f().helpful + f().notHelpful

  return (
    <Show when={f().views + f().searches > 0}>
      <section class="an-breakdown" aria-labelledby="an-table-help" data-table="help">
        <h3 id="an-table-help">{th('Help center')}</h3>
        <p class="muted an-note">
          {th('What readers of the help site and the widget read and searched.')}
        </p>
        <ul class="an-cards">
          <Stat id="help-views" label={th('Article views')} value={count(f().views)} />
          <Stat id="help-searches" label={th('Searches')} value={count(f().searches)} />
          <Stat
            id="help-empty"
            label={th('Found nothing')}
            value={count(f().emptySearches)}
            detail={rate(f().emptySearches, f().searches)}
          />
          <Stat
            id="help-deflected"
            label={th('Found an answer without writing')}
            value={th('{n} of {of}', {
              n: count(deflected()),
              of: count(f().helpedVisitors),
            })}
            detail={rate(deflected(), f().helpedVisitors)}
          />
          <Stat
            id="help-helpful"
            label={th('Helpful')}
            value={th('{n} of {of}', { n: count(f().helpful), of: count(votes()) })}
            detail={rate(f().helpful, votes())}
          />
        </ul>
        <p class="muted an-note">
          {th(
            'Visitors of the widget who searched or read and started no conversation within a day.',
          )}
        </p>
        <div class="an-tables">
          <Show when={f().emptyQueries.length > 0}>
            <div>
              <h4 id="an-help-empty">{th('Searches that found nothing')}</h4>
              <CountTable
                labelledby="an-help-empty"
                head={[th('Query'), th('Times'), th('Last searched')]}
                rows={f().emptyQueries.map((q) => ({
                  key: q.query,
                  name: <SafeText text={q.query} />,
                  cells: [count(q.count), dateTime(q.lastAt)],
                }))}
              />
            </div>
          </Show>
          <Show when={f().topArticles.length > 0}>
            <div>
              <h4 id="an-help-top">{th('Most read articles')}</h4>
              <CountTable
                labelledby="an-help-top"
                head={[th('Article'), th('Views')]}
                rows={f().topArticles.map((a) => ({
                  key: a.id,
                  name: <SafeText text={a.title} />,
                  cells: [count(a.views)],
                }))}
              />
            </div>
          </Show>
        </div>
      </section>
    </Show>
  )
}
