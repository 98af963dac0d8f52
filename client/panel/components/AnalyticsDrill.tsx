/**
 * The conversations behind a figure (the drill-down: a headline, a chart's interval, a
 * breakdown's row), in a dialog titled with the figure and what narrows it: one page at a
 * time ("Show more" reads the next), each row opening that conversation in the panel's own
 * conversation view. Escape closes it and the focus goes back to the figure.
 */
import { createSignal, For, onMount, Show } from 'solid-js'
import { asParleyError } from '../../shared/index.ts'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import type { AnalyticsConversation, AnalyticsConversationPage, Names } from '../analytics-api.ts'
import { channelName, countryName, dateTime, duration } from '../analytics-format.ts'
import { STATUS_LABELS } from '../format.ts'
import { t, tn } from '../i18n.ts'
import { Modal } from './Modal.tsx'

export function AnalyticsDrill(props: {
  /** The figure's label and what narrows it ("Conversations · 5 Mar"), translated. */
  title: string
  load(cursor: string | null): Promise<AnalyticsConversationPage>
  names: Names
  onOpen(conversationId: string): void
  onClose(): void
}) {
  const [items, setItems] = createSignal<AnalyticsConversation[]>([])
  const [next, setNext] = createSignal<string | null>(null)
  const [loading, setLoading] = createSignal(true)
  const [error, setError] = createSignal<string | null>(null)

  async function more(cursor: string | null) {
    setLoading(true)
    setError(null)
    try {
      const page = await props.load(cursor)
      setItems((list) => [...list, ...page.items])
      setNext(page.next)
    } catch (e) {
      setError(asParleyError(e).message)
    } finally {
      setLoading(false)
    }
  }
  onMount(() => void more(null))

  const status = (c: AnalyticsConversation) =>
    c.status in STATUS_LABELS ? t(STATUS_LABELS[c.status as keyof typeof STATUS_LABELS]) : c.status

  return (
    <Modal title={props.title} class="an-drill" onClose={props.onClose}>
      {(close) => (
        <div class="dialog-body">
          <p class="muted" role="status">
            {loading()
              ? t('Loading…')
              : tn(items().length, '{n} conversation', '{n} conversations') +
                (next() ? ` ${t('(more to show)')}` : '')}
          </p>
          <Show when={error()}>
            <p class="error" role="alert">
              {error()}
            </p>
          </Show>
          <ul class="an-drill-list">
            <For each={items()}>
              {(c) => (
                <li>
                  <button
                    type="button"
                    class="an-drill-row"
                    data-conversation-id={c.id}
                    onClick={() => {
                      close()
                      props.onOpen(c.id)
                    }}
                  >
                    <span class="an-drill-main">
                      <span>{dateTime(c.createdAt)}</span>
                      <span class="pill" data-status={c.status}>
                        {status(c)}
                      </span>
                    </span>
                    <span class="an-drill-meta">
                      <SafeText text={props.names.inboxes[c.inboxId] ?? c.inboxId} />
                      <Show when={c.branchId && props.names.branches[c.branchId]}>
                        {(name) => (
                          <>
                            {' · '}
                            <SafeText text={name()} />
                          </>
                        )}
                      </Show>
                      {` · ${channelName(c.channel)}`}
                      <Show when={c.country}>{(code) => ` · ${countryName(code())}`}</Show>
                    </span>
                    <span class="an-drill-meta">
                      <Show when={c.assigneeId} fallback={t('Unassigned')}>
                        {(id) => <SafeText text={props.names.operators[id()] ?? t('Colleague')} />}
                      </Show>
                      {` · ${t('first response {time}', { time: duration(c.firstResponseMs) })}`}
                      <Show when={c.resolutionMs !== null}>
                        {` · ${t('resolved in {time}', { time: duration(c.resolutionMs) })}`}
                      </Show>
                      <Show when={c.ratingScore !== null}>
                        {` · ${t('rated {score}', { score: c.ratingScore ?? '' })}`}
                      </Show>
                    </span>
                  </button>
                </li>
              )}
            </For>
          </ul>
          <div class="form-foot">
            <Show when={next()}>
              {(cursor) => (
                <button
                  type="button"
                  class="secondary"
                  disabled={loading()}
                  onClick={() => void more(cursor())}
                >
                  {t('Show more')}
                </button>
              )}
            </Show>
            <button type="button" class="secondary" onClick={close}>
              {t('Close')}
            </button>
          </div>
        </div>
      )}
    </Modal>
  )
}
