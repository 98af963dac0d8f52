/**
 * Add or change an endpoint. A new one's kind comes first: a webhook (the URL that receives the
 * events), a Telegram chat (its id or @channel, the bot's token, the language of the
 * notifications), e-mail replies to offline requests (the language), the Telegram channel
 * (the bot's token: people who write to the bot become conversations) or e-mail to the team
 * (its address, the language); a saved one keeps its kind (the server refuses a change). Then
 * the events the kind allows (with a box for all of them; e-mail replies and the channel have
 * one, implicit), a description and whether it is on. Checked before sending (the browser checks
 * the URL and the address, this form the chat, the token and that one event at least is
 * chosen); a refusal by the server (a private address, say) shows under the field it is about,
 * else by the Save button, as does a server that cannot send e-mail.
 */
import { createSignal, createUniqueId, For, Show } from 'solid-js'
import { createStore } from 'solid-js/store'
import type { WebhookEventType } from '../../../protocol/webhooks.ts'
import { asParleyError, ParleyError } from '../../shared/index.ts'
import { describe } from '../chat.ts'
import { fieldOf } from '../form-errors.ts'
import { LOCALES, msg, t } from '../i18n.ts'
import { KIND_EVENTS, KINDS, kindOf, parseTarget, type EndpointKind } from '../webhook-labels.ts'
import type { WebhookEndpoint, WebhooksApi } from '../webhooks-api.ts'

type Field = 'url' | 'chat' | 'botToken' | 'events' | 'form'
type Errors = Partial<Record<Field, string>>
/** No problem anywhere (a store's setter merges: each field is cleared by name). */
const NONE: Errors = {
  url: undefined,
  chat: undefined,
  botToken: undefined,
  events: undefined,
  form: undefined,
}

/** A chat as Telegram names it: its id (a group's is -100…) or a public @channel. */
const CHAT = /^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$/
/** A bot's token as BotFather hands it out: `<bot id>:<secret>`. */
const BOT_TOKEN = /^\d{1,20}:[A-Za-z0-9_-]{30,80}$/

/** What a team (a Telegram chat, e-mail to the team) hears of some events (the rest as named). */
const TEAM_NOTES: Partial<Record<WebhookEventType, string>> = {
  'message.created': msg("a visitor's, while nobody is assigned"),
  'conversation.assigned': msg('escalations only'),
}

const HEADINGS: Readonly<Record<EndpointKind, string>> = {
  webhook: msg('Edit webhook'),
  telegram: msg('Edit Telegram notifications'),
  mail: msg('Edit e-mail replies'),
  team_mail: msg('Edit e-mail to the team'),
  channel: msg('Edit the Telegram channel'),
}

/**
 * A refusal, under the field it names (or the target, when it speaks of an address): a webhook's
 * URL, a Telegram chat's id, the team's address.
 */
function refusal(error: ParleyError, kind: EndpointKind): Errors {
  // No SMTP on the server: nothing in the form can fix that.
  if (error.code === 'not_configured')
    return {
      form: t(
        'This server cannot send e-mail: SMTP is not configured (SMTP_HOST). Whoever runs the server can set it up.',
      ),
    }
  const named = fieldOf(error.message)?.replace(/^body\./, '') ?? ''
  const text = describe(new ParleyError(error.code, error.message.replace(/^[\w.[\]]+: /, '')))
  if (named.startsWith('events')) return { events: text }
  if (named === 'botToken') return { botToken: text }
  if (
    (named === 'url' || (!named && /url|address|host/i.test(error.message))) &&
    (kind === 'webhook' || kind === 'telegram' || kind === 'team_mail')
  )
    return { [kind === 'webhook' ? 'url' : 'chat']: text }
  return { form: text }
}

export function WebhookForm(props: {
  api: WebhooksApi
  inboxId: string
  /** Null: a new endpoint. */
  endpoint: WebhookEndpoint | null
  /** The endpoint as stored (with its secret when just made); null: cancelled. */
  onDone: (saved: { endpoint: WebhookEndpoint; secret?: string } | null) => void
}) {
  const url = props.endpoint?.url ?? ''
  const { chat, lang } = parseTarget(url)
  const [draft, setDraft] = createStore({
    kind: kindOf(url),
    url,
    /** A Telegram chat's id or @channel, or the team's address. */
    chat,
    lang,
    botToken: '',
    showToken: false,
    description: props.endpoint?.description ?? '',
    events: [...(props.endpoint?.events ?? KIND_EVENTS.webhook)],
    enabled: props.endpoint?.enabled ?? true,
  })
  const [errors, setErrors] = createStore<Errors>({})
  const [busy, setBusy] = createSignal(false)
  const id = createUniqueId()
  let form!: HTMLFormElement

  const allowed = () => KIND_EVENTS[draft.kind]
  /** A Telegram kind: it takes the bot's token. */
  const bot = () => draft.kind === 'telegram' || draft.kind === 'channel'
  /** A kind that notifies the team: its events are the same, with the same notes. */
  const team = () => draft.kind === 'telegram' || draft.kind === 'team_mail'
  const all = () => allowed().every((e) => draft.events.includes(e))
  const choose = (events: readonly WebhookEventType[]) => {
    setErrors('events', undefined)
    // In the protocol's order, as the server keeps them.
    setDraft(
      'events',
      allowed().filter((e) => events.includes(e)),
    )
  }
  /** A new endpoint's kind: every event it allows is chosen. */
  const setKind = (kind: EndpointKind) => {
    setErrors(NONE)
    setDraft({ kind, events: [...KIND_EVENTS[kind]] })
  }

  /** Why the draft cannot go yet, field by field (the URL is the browser's to check). */
  const check = (): Errors => {
    const token = draft.botToken.trim()
    return bot()
      ? {
          chat:
            draft.kind === 'channel' || CHAT.test(draft.chat.trim())
              ? undefined
              : t('Enter the chat id (-1001234567890) or @channelname.'),
          // A saved endpoint keeps its token unless a new one is given.
          botToken:
            BOT_TOKEN.test(token) || (props.endpoint && !token)
              ? undefined
              : t('Paste the token BotFather gave the bot: digits, a colon, then letters.'),
        }
      : {}
  }

  /** The target as the API takes it. */
  const target = () => {
    const lang = draft.lang === 'ru' ? '?lang=ru' : ''
    if (draft.kind === 'channel') return 'telegram:visitor'
    if (draft.kind === 'telegram') return `telegram:${draft.chat.trim()}${lang}`
    if (draft.kind === 'team_mail') return `mailto:${draft.chat.trim()}${lang}`
    return draft.kind === 'mail' ? `email:visitor${lang}` : draft.url.trim()
  }

  const submit = async (e: SubmitEvent) => {
    e.preventDefault()
    // A kind with one event (e-mail, the channel) has it, implicit.
    const events = allowed().filter((x) => !allowed()[1] || draft.events.includes(x))
    const found: Errors = {
      ...check(),
      events: events.length ? undefined : t('Choose at least one event.'),
    }
    setErrors({ ...NONE, ...found })
    if (!Object.values(found).some(Boolean)) {
      const token = draft.botToken.trim()
      const body = {
        url: target(),
        description: draft.description.trim(),
        events,
        enabled: draft.enabled,
        ...(bot() && token ? { botToken: token } : {}),
      }
      setBusy(true)
      try {
        return props.onDone(
          await (props.endpoint
            ? props.api.update(props.endpoint.id, body)
            : props.api.create({ inboxId: props.inboxId, ...body })),
        )
      } catch (error) {
        setErrors(refusal(asParleyError(error), draft.kind))
      } finally {
        setBusy(false)
      }
    }
    form.querySelector<HTMLElement>('[aria-invalid], [data-invalid] input')?.focus()
  }

  /** A field's problem, under it (it describes the field). */
  const problem = (field: Field) => (
    <Show when={errors[field]}>
      <span id={`${id}-${field}`} class="field-error">
        {errors[field]}
      </span>
    </Show>
  )
  /** What describes an input: its problem, if any, and its hint. */
  const described = (field: Field, hint?: string) =>
    [errors[field] && `${id}-${field}`, hint].filter(Boolean).join(' ') || undefined

  return (
    <form
      ref={form}
      class="card inline-form"
      aria-labelledby={`${id}-h`}
      onSubmit={(e) => void submit(e)}
    >
      <h3 id={`${id}-h`} tabIndex={-1} ref={(el) => queueMicrotask(() => el.focus())}>
        {props.endpoint ? t(HEADINGS[draft.kind]) : t('New endpoint')}
      </h3>
      <Show when={!props.endpoint}>
        <fieldset class="members">
          <legend>{t('Kind')}</legend>
          <For each={Object.keys(KINDS) as EndpointKind[]}>
            {(kind) => (
              <label class="check">
                <input
                  type="radio"
                  name={`${id}-k`}
                  checked={draft.kind === kind}
                  onChange={() => setKind(kind)}
                />
                {t(KINDS[kind])}
              </label>
            )}
          </For>
        </fieldset>
      </Show>
      <Show when={draft.kind === 'webhook'}>
        <label>
          {t('URL that receives the events')}
          <input
            type="url"
            required
            dir="ltr"
            value={draft.url}
            onInput={(e) => setDraft('url', e.currentTarget.value)}
            aria-invalid={errors.url ? true : undefined}
            aria-describedby={described('url')}
          />
        </label>
        {problem('url')}
      </Show>
      <Show when={draft.kind === 'telegram'}>
        <label>
          {t('Chat id or @channel')}
          <input
            dir="ltr"
            autocomplete="off"
            spellcheck={false}
            value={draft.chat}
            onInput={(e) => setDraft('chat', e.currentTarget.value)}
            aria-invalid={errors.chat ? true : undefined}
            aria-describedby={described('chat', `${id}-ch`)}
          />
        </label>
        {problem('chat')}
        <p id={`${id}-ch`} class="muted form-hint">
          {t("Add the bot to the group first. A group's id starts with -100.")}
        </p>
      </Show>
      <Show when={draft.kind === 'team_mail'}>
        <label>
          {t('E-mail address')}
          <input
            type="email"
            required
            dir="ltr"
            value={draft.chat}
            onInput={(e) => setDraft('chat', e.currentTarget.value)}
            aria-invalid={errors.chat ? true : undefined}
            aria-describedby={described('chat')}
          />
        </label>
        {problem('chat')}
      </Show>
      <Show when={draft.kind === 'channel'}>
        <p class="muted">
          {t(
            "Private chats with the bot in Telegram become conversations in this inbox; operators' answers go back to the chat. The bot must have no webhook of its own.",
          )}
        </p>
      </Show>
      <Show when={bot()}>
        <label>
          {props.endpoint ? t('New bot token (optional)') : t('Bot token')}
          <input
            type={draft.showToken ? 'text' : 'password'}
            dir="ltr"
            autocomplete="off"
            spellcheck={false}
            value={draft.botToken}
            onInput={(e) => setDraft('botToken', e.currentTarget.value)}
            aria-invalid={errors.botToken ? true : undefined}
            aria-describedby={described('botToken', `${id}-bt`)}
          />
        </label>
        {problem('botToken')}
        <p id={`${id}-bt`} class="muted form-hint">
          {props.endpoint
            ? t('Empty: the current token (…{hint}) stays.', { hint: props.endpoint.secretHint })
            : t('From @BotFather. Kept like a password: it is never shown again.')}
        </p>
        <label class="check">
          <input
            type="checkbox"
            checked={draft.showToken}
            onChange={(e) => setDraft('showToken', e.currentTarget.checked)}
          />
          {t('Show the token')}
        </label>
      </Show>
      <Show when={team() || draft.kind === 'mail'}>
        <Show when={draft.kind === 'mail'}>
          <p class="muted">
            {t(
              "Operators' answers in a conversation that began as an offline request are e-mailed to the address the visitor left.",
            )}
          </p>
        </Show>
        <label>
          {t('Language of the messages')}
          <select
            value={draft.lang}
            onChange={(e) => setDraft('lang', e.currentTarget.value as 'en' | 'ru')}
          >
            <For each={LOCALES}>
              {(l) => (
                <option value={l.id} lang={l.id}>
                  {l.name}
                </option>
              )}
            </For>
          </select>
        </label>
      </Show>
      <label>
        {t('Description (optional)')}
        <input
          dir="auto"
          value={draft.description}
          onInput={(e) => setDraft('description', e.currentTarget.value)}
        />
      </label>
      <Show when={allowed()[1]}>
        <fieldset
          class="members"
          data-invalid={errors.events ? '' : undefined}
          aria-describedby={errors.events ? `${id}-events` : undefined}
        >
          <legend>{t('Events')}</legend>
          <label class="check">
            <input
              type="checkbox"
              checked={all()}
              onChange={(e) => choose(e.currentTarget.checked ? allowed() : [])}
            />
            <strong>{t('Select all')}</strong>
          </label>
          <For each={allowed()}>
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
                {/* One run of text: a note wraps under its event, beside the box. */}
                <span>
                  {event}
                  <Show when={team() && TEAM_NOTES[event]}>
                    {(note) => <span class="muted"> ({t(note())})</span>}
                  </Show>
                </span>
              </label>
            )}
          </For>
          {problem('events')}
        </fieldset>
      </Show>
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
          {t('Save')}
        </button>
        <button type="button" class="secondary" onClick={() => props.onDone(null)}>
          {t('Cancel')}
        </button>
      </div>
    </form>
  )
}
