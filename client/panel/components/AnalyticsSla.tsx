/**
 * SLA (issue 20): of the conversations started in the range, how many run under an SLA and how
 * many of those breached it (as their SLA stands now: the policy applied, the breaches it
 * recorded), the breaches by kind, and the same per policy. A conversation may breach more than
 * once (a late first response, then a late resolution), so the kinds may sum past the breached.
 */
import { Show } from 'solid-js'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import type { AnalyticsSla as Figures } from '../analytics-api.ts'
import { count, share } from '../analytics-format.ts'
import { msg, t } from '../i18n.ts'
import { CountTable } from './AnalyticsCountTable.tsx'

const KINDS = [
  { kind: 'first_response', name: msg('First response') },
  { kind: 'next_response', name: msg('Next response') },
  { kind: 'resolution', name: msg('Resolution') },
] as const

export function AnalyticsSla(props: { figures: Figures }) {
  const rate = (n: number, of: number) => share(of ? n / of : null)
  /** A headline: its label, "n of total", the share. */
  const Stat = (s: { id: string; label: string; n: number; of: number }) => (
    <li data-card={s.id}>
      <div class="an-card">
        <span class="an-card-label">{s.label}</span>
        <span class="an-card-value">
          {t('{avg} of {max}', { avg: count(s.n), max: count(s.of) })}
        </span>
        <span class="an-card-detail">{rate(s.n, s.of)}</span>
      </div>
    </li>
  )

  return (
    <section class="an-breakdown" aria-labelledby="an-table-sla" data-table="sla">
      <h3 id="an-table-sla">{t('SLA')}</h3>
      <Show
        when={props.figures.withSla > 0}
        fallback={<p class="muted">{t('No conversations under an SLA in this period.')}</p>}
      >
        <ul class="an-cards">
          <Stat
            id="sla-under"
            label={t('Under an SLA')}
            n={props.figures.withSla}
            of={props.figures.conversations}
          />
          <Stat
            id="sla-breached"
            label={t('Breached the SLA')}
            n={props.figures.breached}
            of={props.figures.withSla}
          />
        </ul>
        <div class="an-tables">
          <div>
            <h4 id="an-sla-kinds">{t('Breaches by kind')}</h4>
            <p class="muted an-note">{t('A conversation may breach more than once.')}</p>
            <CountTable
              labelledby="an-sla-kinds"
              head={[t('Kind'), t('Breaches')]}
              rows={KINDS.map((k) => ({
                key: k.kind,
                name: t(k.name),
                cells: [count(props.figures.breaches[k.kind])],
              }))}
            />
          </div>
          <div>
            <h4 id="an-sla-policies">{t('By policy')}</h4>
            <CountTable
              labelledby="an-sla-policies"
              head={[t('Policy'), t('Conversations'), t('Breached'), t('Breach rate')]}
              rows={props.figures.policies.map((p) => ({
                key: p.policyId,
                name: <SafeText text={p.name} />,
                cells: [
                  count(p.conversations),
                  count(p.breached),
                  rate(p.breached, p.conversations),
                ],
              }))}
            />
          </div>
        </div>
      </Show>
    </section>
  )
}
