/**
 * Conversations by attribute (issue 20): for each list or checkbox conversation attribute of the
 * inboxes in scope, a compact table of how many of the range's conversations hold each value now
 * and what share that is, then how many hold none. Each attribute counts the conversations of
 * its own inbox (the others cannot hold it), so its shares are of those and sum to 100%. Where
 * the attributes come from more than one inbox, each table's heading says whose it is.
 */
import { For, Show } from 'solid-js'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import type { AnalyticsAttributes as Figures } from '../analytics-api.ts'
import { count, share } from '../analytics-format.ts'
import { t } from '../i18n.ts'
import { CountTable } from './AnalyticsCountTable.tsx'

type Attribute = Figures['attributes'][number]

/** A value as people read it: a checkbox's as Yes or No, a list's choice as it is written. */
const valueName = (value: string | boolean) =>
  typeof value === 'boolean' ? value ? t('Yes') : t('No') : <SafeText text={value} />

export function AnalyticsAttributes(props: {
  figures: Figures
  /** Inbox names by id. */
  inboxes: Record<string, string>
}) {
  const byInbox = () => new Set(props.figures.attributes.map((a) => a.inboxId)).size > 1
  const rows = (a: Attribute) => {
    const total = a.values.reduce((n, v) => n + v.conversations, a.unset)
    const cells = (n: number) => [count(n), share(total ? n / total : null)]
    return [
      ...a.values.map((v) => ({
        key: String(v.value),
        name: valueName(v.value),
        cells: cells(v.conversations),
      })),
      { key: '', name: t('Not set'), cells: cells(a.unset) },
    ]
  }

  return (
    <section class="an-breakdown" aria-labelledby="an-table-attributes" data-table="attributes">
      <h3 id="an-table-attributes">{t('Conversations by attribute')}</h3>
      <Show
        when={props.figures.attributes.length > 0}
        fallback={<p class="muted">{t('No list or checkbox attributes in these inboxes yet.')}</p>}
      >
        <p class="muted an-note">{t('As set now.')}</p>
        <div class="an-tables">
          <For each={props.figures.attributes}>
            {(a, i) => (
              <div data-attribute={a.id}>
                <h4 id={`an-attribute-${i()}`}>
                  <SafeText text={a.name} />
                  <Show when={byInbox()}>
                    <span class="muted">
                      {' · '}
                      <SafeText text={props.inboxes[a.inboxId] ?? '–'} />
                    </span>
                  </Show>
                </h4>
                <CountTable
                  labelledby={`an-attribute-${i()}`}
                  head={[t('Value'), t('Conversations'), t('Share')]}
                  rows={rows(a)}
                />
              </div>
            )}
          </For>
        </div>
      </Show>
    </section>
  )
}
