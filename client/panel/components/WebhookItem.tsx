/**
 * One endpoint in an inbox's list: its kind (an icon, named for screen readers), its target as
 * people read it (the URL, the Telegram chat, e-mail to visitors or the team) and state (a
 * failing one says so first: since when, the last error), its events, what waits and how the
 * last deliveries went; a webhook's secret the one time it is shown (just made or rotated),
 * focused and selected to be copied; its actions (the delivery log, a test in the kind's words,
 * edit, rotate a webhook's secret, delete).
 */
import { createSignal, createUniqueId, For, Show, type JSX } from 'solid-js'
import { Icon } from '../../shared/ui/Icon.tsx'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { describe } from '../chat.ts'
import { msg, t } from '../i18n.ts'
import {
  ENDPOINT_STATUS,
  KIND_EVENTS,
  KINDS,
  kindOf,
  moment,
  targetName,
} from '../webhook-labels.ts'
import type { WebhookEndpoint, WebhooksApi } from '../webhooks-api.ts'
import { WebhookDeliveries } from './WebhookDeliveries.tsx'

/** A webhook's icon, a link (none of the shared icons says it). */
const LINK =
  'M10 14a4 4 0 0 0 5.7 0l3-3A4 4 0 0 0 13 5.3l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1'

/**
 * Each kind's icon (Telegram's paper plane, for both of its kinds; an envelope for both e-mail
 * kinds), and its test's button and note (msg() keys). The channel's test checks the bot's token.
 */
const KIND_UI = {
  webhook: [null, msg('Send test event'), msg('Test event queued')],
  telegram: ['send', msg('Send test message'), msg('Test message queued')],
  mail: [
    'mail',
    msg('Send test e-mail'),
    msg("Test e-mail queued: it goes to this server's own sender address"),
  ],
  channel: ['send', msg('Check the bot'), msg('Check queued: the delivery log shows the result')],
  team_mail: ['mail', msg('Send test e-mail'), msg('Test e-mail queued')],
} as const

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
  const kind = () => kindOf(ep().url)
  const ui = () => KIND_UI[kind()]
  const time = (at: number | null) => (at === null ? t('Never') : moment(at))
  let field!: HTMLInputElement

  const ping = async () => {
    setError(null)
    try {
      await props.api.ping(ep().id)
      setNote(t(ui()[2]))
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
  const facts = () =>
    [
      // E-mail replies and the channel have one event, implicit; e-mail (either kind) no
      // secret, and a Telegram endpoint's is its bot's token.
      KIND_EVENTS[kind()][1] && [
        t('Events'),
        ep().events.length < KIND_EVENTS[kind()].length ? ep().events.join(', ') : t('All events'),
      ],
      [t('Waiting to be sent'), ep().pending],
      [t('Last success'), time(ep().lastSuccessAt)],
      [t('Last failure'), time(ep().lastFailureAt)],
      !kind().endsWith('mail') && [
        kind() === 'webhook' ? t('Secret') : t('Bot token'),
        `…${ep().secretHint}`,
      ],
    ].filter(Boolean) as Array<[string, JSX.Element]>

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
        <span class="kind-icon" role="img" aria-label={t(KINDS[kind()])} title={t(KINDS[kind()])}>
          <Show
            when={ui()[0]}
            fallback={
              <svg
                class="icon"
                width="18"
                height="18"
                viewBox="0 0 24 24"
                fill="none"
                stroke="currentColor"
                stroke-width="2"
                stroke-linecap="round"
                aria-hidden="true"
              >
                <path d={LINK} />
              </svg>
            }
          >
            {(name) => <Icon name={name()} size={18} />}
          </Show>
        </span>
        <SafeText text={targetName(ep().url)} />
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
        {action(t(ui()[1]), () => void ping())}
        {action(t('Edit'), props.onEdit)}
        {/* Only a webhook signs: the server refuses to rotate the others. */}
        {kind() === 'webhook' && action(t('Rotate secret'), props.onRotate)}
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
