/**
 * One inbox's settings: name, where the widget runs, escalation minutes, capacity, visitor
 * messages per minute, auto-resolve (issue 20: after how many days, and the message sent then in
 * each language), retention, its e-mail address (the e-mail channel, issue 17: refused as
 * malformed, or as another inbox's, under it), ratings after resolve, the pre-chat form, the
 * widget's appearance, members; and the way to its branches, canned replies and webhooks. Saves
 * only what it edits; a refusal is shown by the Save button and nothing is saved (members
 * neither).
 */
import { createSignal, createUniqueId, For, Show } from 'solid-js'
import { createStore } from 'solid-js/store'
import { MAX_TEXT_LENGTH, type InboxRecord, type InboxSettings } from '../../shared/index.ts'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { usePanel } from '../context.ts'
import { names } from '../form-errors.ts'
import { msg, t } from '../i18n.ts'
import { AppearanceEditor, type AppearanceDraft } from './AppearanceEditor.tsx'
import { fromPreChatDraft, PreChatEditor, toPreChatDraft } from './PreChatEditor.tsx'
import { CaptchaEditor, type CaptchaDraft } from './CaptchaEditor.tsx'
import { fromSitesDraft, SitesEditor, toSitesDraft, type SitesDraft } from './SitesEditor.tsx'

type NumberSetting =
  | 'escalationMinutes'
  | 'maxOpenPerOperator'
  | 'visitorMessagesPerMinute'
  | 'autoResolveAfterDays'
  | 'closeResolvedAfterDays'
  | 'eraseClosedAfterDays'
type Rating = InboxSettings['rating']

const FIELDS: ReadonlyArray<{ key: NumberSetting; label: string; min: number }> = [
  { key: 'escalationMinutes', label: msg('Escalation after (minutes)'), min: 1 },
  {
    key: 'maxOpenPerOperator',
    label: msg('Open conversations per operator (0 = no limit)'),
    min: 0,
  },
  { key: 'visitorMessagesPerMinute', label: msg('Visitor messages per minute'), min: 1 },
  {
    key: 'autoResolveAfterDays',
    label: msg('Resolve open conversations after (days without a message, 0 = never)'),
    min: 0,
  },
  {
    key: 'closeResolvedAfterDays',
    label: msg('Close resolved conversations after (days without activity, 0 = never)'),
    min: 0,
  },
  {
    key: 'eraseClosedAfterDays',
    label: msg('Erase the content of closed conversations after (days, 0 = never)'),
    min: 0,
  },
]

const RATINGS: ReadonlyArray<{ value: Rating; label: string }> = [
  { value: 'off', label: msg('Off') },
  { value: 'stars', label: msg('1-5 stars') },
  { value: 'thumbs', label: msg('Thumbs up or down') },
  { value: 'nps', label: msg('NPS 0-10') },
]

export function InboxForm(props: { inbox: InboxRecord }) {
  const panel = usePanel()
  const [name, setName] = createSignal(props.inbox.name)
  const initial = props.inbox.settings
  const [numbers, setNumbers] = createStore<Record<NumberSetting, number>>({
    escalationMinutes: initial.escalationMinutes,
    maxOpenPerOperator: initial.maxOpenPerOperator,
    visitorMessagesPerMinute: initial.visitorMessagesPerMinute,
    autoResolveAfterDays: initial.autoResolveAfterDays ?? 0,
    closeResolvedAfterDays: initial.closeResolvedAfterDays ?? 0,
    eraseClosedAfterDays: initial.eraseClosedAfterDays ?? 0,
  })
  const [address, setAddress] = createSignal(initial.emailAddress ?? '')
  const [rating, setRating] = createSignal<Rating>(initial.rating ?? 'off')
  const [preChat, setPreChat] = createStore(
    toPreChatDraft(initial.preChat ?? { mode: 'off', fields: [] }),
  )
  const [appearance, setAppearance] = createStore<AppearanceDraft>({
    ...initial.appearance,
    title: { ...initial.appearance.title },
    launcherLabel: { ...initial.appearance.launcherLabel },
  })
  const [sites, setSites] = createStore<SitesDraft>(toSitesDraft(initial.allowedOrigins))
  const [captcha, setCaptcha] = createStore<CaptchaDraft>({ ...initial.captcha })
  const [resolveText, setResolveText] = createStore({
    ...(initial.autoResolveMessage ?? { en: '', ru: '' }),
  })
  const [saved, setSaved] = createSignal(false)
  const [error, setError] = createSignal<string | null>(null)
  const [busy, setBusy] = createSignal(false)
  const errorId = createUniqueId()
  const ratingHintId = createUniqueId()
  const addressHintId = createUniqueId()
  const [members, setMembers] = createSignal<string[]>(panel.state.members[props.inbox.id] ?? [])
  const toggle = (id: string, on: boolean) =>
    setMembers((list) =>
      on ? [...list.filter((x) => x !== id), id] : list.filter((x) => x !== id),
    )
  /** The refusal names this setting (e.g. "settings.escalationMinutes: ..."). */
  const bad = (key: string) =>
    names(error(), `settings.${key}`) || names(error(), `body.settings.${key}`) || undefined
  // The one conflict an inbox's patch meets: another inbox has the address.
  const badAddress = () => bad('emailAddress') || error()?.endsWith('(conflict)') || undefined
  const submit = async (e: SubmitEvent) => {
    e.preventDefault()
    setSaved(false)
    setError(null)
    const allowedOrigins = fromSitesDraft(sites)
    if (allowedOrigins && !Array.isArray(allowedOrigins)) {
      setError(
        `settings.allowedOrigins: ${t('name at least one site, or choose "On any website"')}`,
      )
      return
    }
    setBusy(true)
    const settings: Partial<InboxSettings> = {
      ...(allowedOrigins ? { allowedOrigins } : {}),
      ...numbers,
      emailAddress: address().trim() || null,
      rating: rating(),
      preChat: fromPreChatDraft(preChat),
      appearance: { ...appearance },
      captcha: { ...captcha },
      autoResolveMessage: { ...resolveText },
    }
    const failure = await panel.actions.updateInbox(
      props.inbox.id,
      { name: name(), settings },
      members(),
    )
    setBusy(false)
    setError(failure)
    setSaved(failure === null)
  }
  return (
    <form
      class="card inline-form inbox-form"
      data-inbox={props.inbox.id}
      onSubmit={(e) => void submit(e)}
    >
      <label>
        {t('Name')}
        <input
          required
          dir="auto"
          value={name()}
          onInput={(e) => setName(e.currentTarget.value)}
          aria-invalid={names(error(), 'name') || undefined}
          aria-describedby={names(error(), 'name') ? errorId : undefined}
        />
      </label>
      <SitesEditor draft={sites} setDraft={setSites} error={error()} />
      {FIELDS.map((f) => (
        <label>
          {t(f.label)}
          <input
            type="number"
            min={f.min}
            required
            value={numbers[f.key]}
            onInput={(e) => setNumbers(f.key, e.currentTarget.valueAsNumber)}
            aria-invalid={bad(f.key)}
            aria-describedby={bad(f.key) ? errorId : undefined}
          />
        </label>
      ))}
      <fieldset class="auto-resolve">
        <legend>{t('Message sent before resolving automatically (empty: none)')}</legend>
        {(['en', 'ru'] as const).map((lang) => (
          <label>
            {lang === 'en' ? t('English') : t('Russian')}
            <textarea
              rows={2}
              lang={lang}
              dir="auto"
              maxLength={MAX_TEXT_LENGTH}
              value={resolveText[lang]}
              onInput={(e) => setResolveText(lang, e.currentTarget.value)}
              aria-invalid={bad(`autoResolveMessage.${lang}`)}
              aria-describedby={bad(`autoResolveMessage.${lang}`) ? errorId : undefined}
            />
          </label>
        ))}
      </fieldset>
      <label>
        {t("The inbox's e-mail address (optional)")}
        <input
          type="email"
          dir="ltr"
          autocomplete="off"
          value={address()}
          onInput={(e) => setAddress(e.currentTarget.value)}
          aria-invalid={badAddress()}
          aria-describedby={badAddress() ? `${errorId} ${addressHintId}` : addressHintId}
        />
      </label>
      <p id={addressHintId} class="muted hint">
        {t('Mail to this address becomes conversations; answers go out with it as Reply-To.')}
      </p>
      <label>
        {t('Ratings after resolve')}
        <select
          value={rating()}
          onChange={(e) => setRating(e.currentTarget.value as Rating)}
          aria-describedby={ratingHintId}
        >
          <For each={RATINGS}>{(r) => <option value={r.value}>{t(r.label)}</option>}</For>
        </select>
      </label>
      <p id={ratingHintId} class="muted hint">
        {t(
          'Once a conversation is resolved or closed, the widget asks the visitor to rate it; their rating shows in the conversation.',
        )}
      </p>
      <PreChatEditor draft={preChat} setDraft={setPreChat} error={error()} errorId={errorId} />
      <CaptchaEditor draft={captcha} setDraft={setCaptcha} error={error()} errorId={errorId} />
      <AppearanceEditor
        draft={appearance}
        setDraft={setAppearance}
        inboxName={name()}
        error={error()}
        errorId={errorId}
      />
      <fieldset class="members">
        <legend>{t("Members (operators who get this inbox's conversations)")}</legend>
        <For each={panel.state.operators}>
          {(op) => (
            <label class="check">
              <input
                type="checkbox"
                checked={members().includes(op.id)}
                onChange={(e) => toggle(op.id, e.currentTarget.checked)}
              />
              <SafeText text={op.name} /> (<SafeText text={op.email} />)
            </label>
          )}
        </For>
      </fieldset>
      <Show when={error()}>
        <p id={errorId} class="error" role="alert">
          {error()}
        </p>
      </Show>
      <div class="form-foot">
        <button type="submit" disabled={busy()}>
          {t('Save')}
        </button>
        <button
          type="button"
          class="secondary"
          onClick={() => void panel.actions.openBranches(props.inbox.id)}
        >
          {t('Branches and routing')}
        </button>
        <button
          type="button"
          class="secondary"
          onClick={() => panel.actions.openCanned(props.inbox.id)}
        >
          {t('Canned replies')}
        </button>
        <button
          type="button"
          class="secondary"
          onClick={() => panel.actions.openWebhooks(props.inbox.id)}
        >
          {t('Webhooks')}
        </button>
        <Show when={saved()}>
          <span class="muted" role="status">
            {t('Saved')}
          </span>
        </Show>
      </div>
    </form>
  )
}
