/**
 * One webhook in an inbox's list: its URL and state (a failing one says so first: since when,
 * the last error), its events, what waits and how the last deliveries went; its secret the one
 * time it is shown (just made or rotated), focused and selected to be copied; its actions (the
 * delivery log, a test event, edit, rotate the secret, delete).
 */
import { createSignal, createUniqueId, For, Show, type JSX } from 'solid-js'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { describe } from '../chat.ts'
import { t } from '../i18n.ts'
import { ENDPOINT_STATUS, moment, WEBHOOK_EVENTS } from '../webhook-labels.ts'
import type { WebhookEndpoint, WebhooksApi } from '../webhooks-api.ts'
import { WebhookDeliveries } from './WebhookDeliveries.tsx'

export function WebhookItem(props: {
  api: WebhooksApi
  endpoint: WebhookEndpoint
  /** Its secret, the one time it is shown; else null. */
  secret: string | null
  onSecretDone: () => void
  /** Something was sent: the owner reloads the webhooks (their counts). */
  onChange: () => void
  onEdit: () => void
  onRotate: () => void
  onDelete: () => void
}) {
  const [open, setOpen] = createSignal(false)
  const [refresh, setRefresh] = createSignal(0)
  const [note, setNote] = createSignal('')
  const [error, setError] = createSignal<string | null>(null)
  const id = createUniqueId()
  const ep = () => props.endpoint
  const time = (at: number | null) => (at === null ? t('Never') : moment(at))
  let field!: HTMLInputElement

  const ping = async () => {
    setError(null)
    try {
      await props.api.ping(ep().id)
      setNote(t('Test event queued'))
      setOpen(true)
      setRefresh((n) => n + 1)
      props.onChange()
    } catch (e) {
      setError(describe(e))
    }
  }

  // Without clipboard access (an insecure origin, a denied permission) the secret is selected
  // for Ctrl+C instead.
  const copy = () =>
    navigator.clipboard.writeText(field.value).then(
      () => setNote(t('Copied')),
      () => field.focus(),
    )

  /** What the list says of it, in a line: labels and values. */
  const facts = (): Array<[string, JSX.Element]> => [
    [
      t('Events'),
      ep().events.length < WEBHOOK_EVENTS.length ? ep().events.join(', ') : t('All events'),
    ],
    [t('Waiting to be sent'), ep().pending],
    [t('Last success'), time(ep().lastSuccessAt)],
    [t('Last failure'), time(ep().lastFailureAt)],
    [t('Secret'), `…${ep().secretHint}`],
  ]

  /** An action's button, told apart from the other webhooks' by the URL. */
  const action = (label: string, run: () => void, expanded?: () => boolean) => (
    <button
      type="button"
      class="secondary"
      aria-describedby={`${id}-u`}
      aria-expanded={expanded?.()}
      aria-controls={expanded?.() ? `${id}-l` : undefined}
      onClick={run}
    >
      {label}
    </button>
  )

  return (
    <div class="card">
      <h3 id={`${id}-u`} class="branch-name">
        <SafeText text={ep().url} />
        {/* Disabled, like pending or cancelled deliveries, looks like a closed conversation. */}
        <span class="pill" data-status={ep().status === 'disabled' ? 'closed' : ep().status}>
          {t(ENDPOINT_STATUS[ep().status])}
        </span>
      </h3>
      {ep().description && (
        <p class="muted">
          <SafeText text={ep().description} />
        </p>
      )}
      <Show when={ep().status === 'failing'}>
        <p class="error">
          <strong>{t('Failing since {time}:', { time: time(ep().failingSince) })}</strong>{' '}
          <SafeText text={ep().lastError ?? ''} />
        </p>
      </Show>
      <p class="branch-meta">
        <For each={facts()}>
          {([term, value]) => (
            <span>
              {term}: {value}
            </span>
          )}
        </For>
      </p>
      <Show when={props.secret}>
        {(secret) => (
          <div class="members">
            <label>
              {t('Signing secret')}
              <input
                ref={(el) => {
                  field = el
                  queueMicrotask(() => el.focus())
                }}
                readOnly
                spellcheck={false}
                value={secret()}
                onFocus={(e) => e.currentTarget.select()}
                aria-describedby={`${id}-n`}
              />
            </label>
            <p id={`${id}-n`}>
              <strong>{t('Copy it now: it will not be shown again.')}</strong>{' '}
              {t('Receivers check the Parley-Signature header of each request with it.')}
            </p>
            <div class="form-foot">
              {action(t('Copy secret'), () => void copy())}
              {action(t('I have copied it'), props.onSecretDone)}
            </div>
          </div>
        )}
      </Show>
      <div class="form-foot">
        {action(t('Delivery log'), () => setOpen((v) => !v), open)}
        {action(t('Send test event'), () => void ping())}
        {action(t('Edit'), props.onEdit)}
        {action(t('Rotate secret'), props.onRotate)}
        {action(t('Delete'), props.onDelete)}
        <span class="muted" role="status">
          {note()}
        </span>
      </div>
      {error() && (
        <p class="error" role="alert">
          {error()}
        </p>
      )}
      <Show when={open()}>
        <WebhookDeliveries
          api={props.api}
          endpointId={ep().id}
          id={`${id}-l`}
          refresh={refresh()}
          onChange={props.onChange}
        />
      </Show>
    </div>
  )
}
