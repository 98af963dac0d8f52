/**
 * Where the visitor went in this conversation (newest page first, with its time) and their
 * other conversations the operator may see, each opening in the panel.
 */
import { For, Show } from 'solid-js'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { STATUS_LABELS, when } from '../format.ts'
import { t } from '../i18n.ts'
import type { VisitorDetails } from '../store.ts'
import { PageLink } from './VisitorBody.tsx'

export function VisitorHistory(props: { details: VisitorDetails; onOpen: (id: string) => void }) {
  return (
    <>
      <Show when={props.details.pages.length > 0}>
        <section class="visitor-section" aria-labelledby="visitor-pages-title">
          <h3 id="visitor-pages-title">{t('Pages visited')}</h3>
          <ol class="visitor-rows" data-testid="visitor-pages">
            <For each={props.details.pages}>
              {(p) => (
                <li>
                  <span class="page-link">
                    <PageLink url={p.url} title={p.title} />
                  </span>
                  <time class="muted" dateTime={new Date(p.at).toISOString()}>
                    {when(p.at)}
                  </time>
                </li>
              )}
            </For>
          </ol>
        </section>
      </Show>
      <section class="visitor-section" aria-labelledby="visitor-past-title">
        <h3 id="visitor-past-title">{t('Past conversations')}</h3>
        <Show
          when={props.details.conversations.length > 0}
          fallback={<p class="muted">{t('None')}</p>}
        >
          <ul class="visitor-rows" data-testid="visitor-conversations">
            <For each={props.details.conversations}>
              {(c) => (
                <li>
                  <button
                    type="button"
                    class="past-conversation"
                    data-conversation-id={c.id}
                    onClick={() => props.onOpen(c.id)}
                  >
                    <span class="past-head">
                      <span class="pill" data-status={c.status}>
                        {t(STATUS_LABELS[c.status])}
                      </span>
                      <time dateTime={new Date(c.lastActivityAt).toISOString()}>
                        {when(c.lastActivityAt)}
                      </time>
                    </span>
                    <span class="past-preview">
                      <SafeText text={c.lastMessage ?? t('No messages')} />
                    </span>
                  </button>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </section>
    </>
  )
}
