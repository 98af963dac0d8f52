/**
 * Conversations by label (issue 20): of the conversations started in the range (the report's
 * filters), how many carry each label and what share of them that is, most used first; then
 * those that carry none. Labels are read as the conversations carry them now (they come and go:
 * this is no history), and one conversation may carry several, so the shares may sum past 100%.
 * Where the labels come from more than one inbox (two may have a label of the same name), a
 * column says whose each is. On a phone each row is a card of labelled lines, as the other
 * breakdowns' are.
 */
import { For, Show, type JSX } from 'solid-js'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import type { AnalyticsLabels as Figures } from '../analytics-api.ts'
import { count, share } from '../analytics-format.ts'
import { t, tx } from '../i18n.ts'

export function AnalyticsLabels(props: {
  figures: Figures
  /** Inbox names by id. */
  inboxes: Record<string, string>
}) {
  const of = (n: number) =>
    share(props.figures.conversations ? n / props.figures.conversations : null)
  const byInbox = () => new Set(props.figures.labels.map((l) => l.inboxId)).size > 1
  /** A label's row, or the row of none (no inbox then). */
  const Row = (row: { key: string; name: JSX.Element; n: number; inboxId?: string }) => (
    <tr data-key={row.key}>
      <th scope="row" data-label={t('Label')}>
        {row.name}
      </th>
      <Show when={byInbox()}>
        <td data-label={tx('filter', 'Inbox')}>
          <SafeText text={(row.inboxId && props.inboxes[row.inboxId]) || '–'} />
        </td>
      </Show>
      <td data-label={t('Conversations')}>{count(row.n)}</td>
      <td data-label={t('Share')}>{of(row.n)}</td>
    </tr>
  )

  return (
    <section class="an-breakdown" aria-labelledby="an-table-labels" data-table="labels">
      <h3 id="an-table-labels">{t('Conversations by label')}</h3>
      <Show
        when={props.figures.labels.length > 0}
        fallback={<p class="muted">{t('No labels in these inboxes yet.')}</p>}
      >
        <p class="muted an-note">{t('As labelled now; a conversation may carry several.')}</p>
        <div class="an-scroll">
          <table class="table cards an-table" aria-labelledby="an-table-labels">
            <thead>
              <tr>
                <th scope="col">{t('Label')}</th>
                <Show when={byInbox()}>
                  <th scope="col">{tx('filter', 'Inbox')}</th>
                </Show>
                <th scope="col">{t('Conversations')}</th>
                <th scope="col">{t('Share')}</th>
              </tr>
            </thead>
            <tbody>
              <For each={props.figures.labels}>
                {(l) => (
                  <Row
                    key={l.id}
                    name={
                      <>
                        <span
                          class="an-swatch"
                          aria-hidden="true"
                          style={{ background: l.color }}
                        />
                        <SafeText text={l.name} />
                      </>
                    }
                    n={l.conversations}
                    inboxId={l.inboxId}
                  />
                )}
              </For>
              <Row key="" name={t('No label')} n={props.figures.unlabelled} />
            </tbody>
          </table>
        </div>
      </Show>
    </section>
  )
}
