/**
 * Conversations by label (issue 20): of the conversations started in the range (the report's
 * filters), how many carry each label and what share of them that is, most used first; then
 * those that carry none. Labels are read as the conversations carry them now (they come and go:
 * this is no history), and one conversation may carry several, so the shares may sum past 100%.
 * Where the labels come from more than one inbox (two may have a label of the same name), a
 * column says whose each is.
 */
import { Show } from 'solid-js'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import type { AnalyticsLabels as Figures } from '../analytics-api.ts'
import { count, share } from '../analytics-format.ts'
import { t, tx } from '../i18n.ts'
import { CountTable } from './AnalyticsCountTable.tsx'

export function AnalyticsLabels(props: {
  figures: Figures
  /** Inbox names by id. */
  inboxes: Record<string, string>
}) {
  const of = (n: number) =>
    share(props.figures.conversations ? n / props.figures.conversations : null)
  const byInbox = () => new Set(props.figures.labels.map((l) => l.inboxId)).size > 1
  /** A row's cells: its inbox (where there are several; none for the row of none), n, share. */
  const cells = (n: number, inboxId?: string) => [
    ...(byInbox() ? [<SafeText text={(inboxId && props.inboxes[inboxId]) || '–'} />] : []),
    count(n),
    of(n),
  ]

  return (
    <section class="an-breakdown" aria-labelledby="an-table-labels" data-table="labels">
      <h3 id="an-table-labels">{t('Conversations by label')}</h3>
      <Show
        when={props.figures.labels.length > 0}
        fallback={<p class="muted">{t('No labels in these inboxes yet.')}</p>}
      >
        <p class="muted an-note">{t('As labelled now; a conversation may carry several.')}</p>
        <CountTable
          labelledby="an-table-labels"
          head={[
            t('Label'),
            ...(byInbox() ? [tx('filter', 'Inbox')] : []),
            t('Conversations'),
            t('Share'),
          ]}
          rows={[
            ...props.figures.labels.map((l) => ({
              key: l.id,
              name: (
                <>
                  <span class="an-swatch" aria-hidden="true" style={{ background: l.color }} />
                  <SafeText text={l.name} />
                </>
              ),
              cells: cells(l.conversations, l.inboxId),
            })),
            { key: '', name: t('No label'), cells: cells(props.figures.unlabelled) },
          ]}
        />
      </Show>
    </section>
  )
}
