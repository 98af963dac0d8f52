/**
 * Proactive messages (issue 20, M6): per campaign, the visitors it was shown to within the range
 * and the conversations they opened by answering it, and the share that answered. Campaigns with
 * neither are left out, and the section with them when none is left. Its few words' Russian
 * comes with the dashboard's chunk (RU_FIGURES): the panel's Russian chunk has no room left
 * (client/build.ts budgets).
 */
import { Show } from 'solid-js'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import type { AnalyticsCampaigns as Figures } from '../analytics-api.ts'
import { count, share } from '../analytics-format.ts'
import { locale, tx, type Dictionary } from '../i18n.ts'
import { CountTable } from './AnalyticsCountTable.tsx'

/** The Russian of `ta` (tests/browser/panel-campaigns.test.ts checks every key has one). */
export const RU_FIGURES: Dictionary = {
  'Proactive messages': 'Проактивные сообщения',
  'Visitors shown a proactive message, and conversations they started by answering it.':
    'Посетители, которым показано проактивное сообщение, и разговоры, начатые ответом на него.',
  Campaign: 'Сообщение',
  Shown: 'Показано',
  Replied: 'Ответили',
  'Reply rate': 'Доля ответов',
}

/** `text` in the UI language (RU_FIGURES). */
const ta = (text: string) => {
  const entry = locale() === 'ru' ? RU_FIGURES[text] : undefined
  return typeof entry === 'string' ? entry : text
}

export function AnalyticsCampaigns(props: {
  figures: Figures
  /** Inbox names by id. */
  inboxes: Record<string, string>
}) {
  const byInbox = () => new Set(props.figures.campaigns.map((c) => c.inboxId)).size > 1

  return (
    <Show when={props.figures.campaigns.length > 0}>
      <section class="an-breakdown" aria-labelledby="an-table-campaigns" data-table="campaigns">
        <h3 id="an-table-campaigns">{ta('Proactive messages')}</h3>
        <p class="muted an-note">
          {ta(
            'Visitors shown a proactive message, and conversations they started by answering it.',
          )}
        </p>
        <CountTable
          labelledby="an-table-campaigns"
          head={[
            ta('Campaign'),
            ...(byInbox() ? [tx('filter', 'Inbox')] : []),
            ta('Shown'),
            ta('Replied'),
            ta('Reply rate'),
          ]}
          rows={props.figures.campaigns.map((c) => ({
            key: c.campaignId,
            name: <SafeText text={c.name} />,
            cells: [
              ...(byInbox() ? [<SafeText text={props.inboxes[c.inboxId] ?? '–'} />] : []),
              count(c.shown),
              count(c.replied),
              share(c.shown ? c.replied / c.shown : null),
            ],
          }))}
        />
      </section>
    </Show>
  )
}
