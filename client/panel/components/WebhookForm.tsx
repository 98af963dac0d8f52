/**
 * Add or change a webhook: the URL that receives the events, a description, the events (with a
 * box for all of them) and whether it is on. Checked before sending (the browser checks the URL,
 * this form that one event at least is chosen); a refusal by the server (a private address, say)
 * shows under the URL or the events when it is about them, else by the Save button.
 */
import { createSignal, createUniqueId, For, Show } from 'solid-js'
import { createStore } from 'solid-js/store'
import type { WebhookEventType } from '../../../protocol/webhooks.ts'
import { asParleyError, ParleyError } from '../../shared/index.ts'
import { describe } from '../chat.ts'
import { fieldOf } from '../form-errors.ts'
import { t } from '../i18n.ts'
import { WEBHOOK_EVENTS } from '../webhook-labels.ts'
import type { WebhookEndpoint, WebhooksApi } from '../webhooks-api.ts'

type Errors = Partial<Record<'url' | 'events' | 'form', string>>

/** A refusal, under the field it names (or the URL, when it speaks of an address). */
function refusal(error: ParleyError): Errors {
  const named = fieldOf(error.message)?.replace(/^body\./, '') ?? ''
  const text = describe(new ParleyError(error.code, error.message.replace(/^[\w.[\]]+: /, '')))
  if (named.startsWith('events')) return { events: text }
  if (named === 'url' || (!named && /url|address|host/i.test(error.message))) return { url: text }
  return { form: text }
}

export function WebhookForm(props: {
  api: WebhooksApi
  inboxId: string
  /** Null: a new webhook. */
  endpoint: WebhookEndpoint | null
  /** The webhook as stored (with its secret when just made); null: cancelled. */
  onDone: (saved: { endpoint: WebhookEndpoint; secret?: string } | null) => void
}) {
  const [draft, setDraft] = createStore({
    url: props.endpoint?.url ?? '',
    description: props.endpoint?.description ?? '',
    events: [...(props.endpoint?.events ?? WEBHOOK_EVENTS)],
    enabled: props.endpoint?.enabled ?? true,
  })
  const [errors, setErrors] = createStore<Errors>({})
  const [busy, setBusy] = createSignal(false)
  const id = createUniqueId()
  let form!: HTMLFormElement

  const all = () => draft.events.length === WEBHOOK_EVENTS.length
  const choose = (events: WebhookEventType[]) => {
    setErrors('events', undefined)
    // In the protocol's order, as the server keeps them.
    setDraft(
      'events',
      WEBHOOK_EVENTS.filter((e) => events.includes(e)),
    )
  }

  const submit = async (e: SubmitEvent) => {
    e.preventDefault()
    // The URL is required of the browser; the events are checked here.
    const events = [...draft.events]
    setErrors({
      url: undefined,
      form: undefined,
      events: events.length ? undefined : t('Choose at least one event.'),
    })
    if (events.length) {
      const body = {
        url: draft.url.trim(),
        description: draft.description.trim(),
        events,
        enabled: draft.enabled,
      }
      setBusy(true)
      try {
        return props.onDone(
          await (props.endpoint
            ? props.api.update(props.endpoint.id, body)
            : props.api.create({ inboxId: props.inboxId, ...body })),
        )
      } catch (error) {
        setErrors(refusal(asParleyError(error)))
      } finally {
        setBusy(false)
      }
    }
    form.querySelector<HTMLElement>('[aria-invalid], [data-invalid] input')?.focus()
  }

  return (
    <form
      ref={form}
      class="card inline-form"
      aria-labelledby={`${id}-h`}
      onSubmit={(e) => void submit(e)}
    >
      <h3 id={`${id}-h`} tabIndex={-1} ref={(el) => queueMicrotask(() => el.focus())}>
        {props.endpoint ? t('Edit webhook') : t('New webhook')}
      </h3>
      <label>
        {t('URL that receives the events')}
        <input
          type="url"
          required
          dir="ltr"
          value={draft.url}
          onInput={(e) => setDraft('url', e.currentTarget.value)}
          aria-invalid={errors.url ? true : undefined}
          aria-describedby={errors.url ? `${id}-u` : undefined}
        />
      </label>
      {errors.url && (
        <span id={`${id}-u`} class="error">
          {errors.url}
        </span>
      )}
      <label>
        {t('Description (optional)')}
        <input
          dir="auto"
          value={draft.description}
          onInput={(e) => setDraft('description', e.currentTarget.value)}
        />
      </label>
      <fieldset
        class="members"
        data-invalid={errors.events ? '' : undefined}
        aria-describedby={errors.events ? `${id}-e` : undefined}
      >
        <legend>{t('Events')}</legend>
        <label class="check">
          <input
            type="checkbox"
            checked={all()}
            onChange={(e) => choose(e.currentTarget.checked ? WEBHOOK_EVENTS : [])}
          />
          <strong>{t('Select all')}</strong>
        </label>
        <For each={WEBHOOK_EVENTS}>
          {(event) => (
            <label class="check">
              <input
                type="checkbox"
                checked={draft.events.includes(event)}
                onChange={(e) =>
                  choose(
                    e.currentTarget.checked
                      ? [...draft.events, event]
                      : draft.events.filter((x) => x !== event),
                  )
                }
              />
              {event}
            </label>
          )}
        </For>
        <Show when={errors.events}>
          <span id={`${id}-e`} class="error">
            {errors.events}
          </span>
        </Show>
      </fieldset>
      <label class="check">
        <input
          type="checkbox"
          role="switch"
          checked={draft.enabled}
          onChange={(e) => setDraft('enabled', e.currentTarget.checked)}
        />
        {t('On: events are sent to it')}
      </label>
      <Show when={errors.form}>
        <p class="error" role="alert">
          {errors.form}
        </p>
      </Show>
      <div class="form-foot">
        <button type="submit" disabled={busy()}>
          {t('Save webhook')}
        </button>
        <button type="button" class="secondary" onClick={() => props.onDone(null)}>
          {t('Cancel')}
        </button>
      </div>
    </form>
  )
}
