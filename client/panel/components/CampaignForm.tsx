/**
 * A proactive message (issue 20, M6), new or changed in place: its name and text, who it comes
 * from (the team, or an operator of the inbox), its rules (page address pattern, seconds on the
 * page, audience, countries, widget languages, business hours only), its dates and whether it
 * is on. The server checks it all: a refusal shows under the form and marks the field it names.
 */
import { createSignal, createUniqueId, For, Show } from 'solid-js'
import { asParleyError, MAX_TEXT_LENGTH } from '../../shared/index.ts'
import {
  AUDIENCES,
  campaignsApi,
  MAX_AFTER_SECONDS,
  MAX_NAME,
  tc,
  type Campaign,
  type CampaignAudience,
  type CampaignInput,
} from '../campaigns/index.ts'
import { describe } from '../chat.ts'
import { usePanel } from '../context.ts'
import { fieldOf } from '../form-errors.ts'
import { LOCALES, t } from '../i18n.ts'

/** The value of a datetime-local input for a moment (local time), or '' for none. */
const localInput = (at: number | null) => {
  if (at === null) return ''
  const d = new Date(at)
  return new Date(at - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16)
}
/** A datetime-local input's moment (read as local time), or null when empty. */
const moment = (value: string) => (value ? new Date(value).getTime() : null)

/** The field a refusal is about, as the form's inputs are named ("rules.countries"). */
function refusedField(code: string, message: string): string | null {
  if (/ends before it starts/.test(message)) return 'endsAt'
  // Taken in the inbox (the other conflict, 20 campaigns already, names no field).
  if (code === 'conflict') return /\bname/i.test(message) ? 'name' : null
  const field = fieldOf(message)?.replace(/^body\.?/, '') ?? ''
  return field.replace(/\[\d+\]$/, '') || null
}

export function CampaignForm(props: {
  inboxId: string
  /** Null: a new one. */
  campaign: Campaign | null
  onDone: () => void
  /** Reads the list again (after a save). */
  reload: () => Promise<void>
}) {
  const panel = usePanel()
  const uid = createUniqueId()
  const c = props.campaign
  const [name, setName] = createSignal(c?.name ?? '')
  const [text, setText] = createSignal(c?.text ?? '')
  const [sender, setSender] = createSignal(c?.senderId ?? '')
  const [pattern, setPattern] = createSignal(c?.rules.urlPattern ?? '')
  const [after, setAfter] = createSignal(String(c?.rules.afterSeconds ?? 0))
  const [audience, setAudience] = createSignal<CampaignAudience>(c?.rules.audience ?? 'all')
  const [countries, setCountries] = createSignal(c?.rules.countries.join(', ') ?? '')
  const [languages, setLanguages] = createSignal(c?.rules.languages ?? [])
  const [business, setBusiness] = createSignal(c?.rules.businessHoursOnly ?? false)
  const [starts, setStarts] = createSignal(localInput(c?.startsAt ?? null))
  const [ends, setEnds] = createSignal(localInput(c?.endsAt ?? null))
  const [enabled, setEnabled] = createSignal(c?.enabled ?? true)
  const [error, setError] = createSignal<{ field: string | null; message: string } | null>(null)
  const [busy, setBusy] = createSignal(false)
  void panel.actions.loadTeam(props.inboxId).catch(() => undefined)
  const team = () => panel.state.teams[props.inboxId]?.operators
  /** The sender chosen before, who has left the inbox since (shown, to be changed). */
  const gone = () => (sender() && team() && !team()?.some((o) => o.id === sender()) ? sender() : '')

  const bad = (field: string) => error()?.field === field || undefined
  /** The ids describing a field: a hint (named by its field), and the refusal naming it. */
  const by = (field: string, hint?: string) =>
    [hint && `${uid}-${hint}`, bad(field) && `${uid}-error`].filter(Boolean).join(' ') || undefined

  const submit = async (e: SubmitEvent) => {
    e.preventDefault()
    const input: CampaignInput = {
      name: name().trim(),
      text: text(),
      senderId: sender() || null,
      enabled: enabled(),
      startsAt: moment(starts()),
      endsAt: moment(ends()),
      rules: {
        urlPattern: pattern().trim(),
        afterSeconds: Number(after() || 0),
        audience: audience(),
        countries: countries()
          .split(/[\s,;]+/)
          .filter(Boolean),
        languages: languages(),
        businessHoursOnly: business(),
      },
    }
    setBusy(true)
    setError(null)
    try {
      const api = campaignsApi(panel.http)
      if (props.campaign) await api.patch(props.campaign.id, input)
      else await api.create(props.inboxId, input)
      await props.reload()
      props.onDone()
    } catch (err) {
      const refused = asParleyError(err)
      const field = refusedField(refused.code, refused.message)
      setError({ field, message: describe(err).replace(/^[\w.[\]]+: /, '') })
    } finally {
      setBusy(false)
    }
  }

  const hint = (field: string, words: string) => (
    <p class="muted campaign-hint" id={`${uid}-${field}`}>
      {words}
    </p>
  )

  return (
    <form
      class="label-form campaign-form"
      aria-label={c ? t('Edit {name}', { name: c.name }) : tc('New proactive message')}
      onSubmit={(e) => void submit(e)}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation()
          props.onDone()
        }
      }}
    >
      <label class="campaign-wide">
        {tc('Name')}
        <input
          required
          maxLength={MAX_NAME}
          dir="auto"
          value={name()}
          onInput={(e) => setName(e.currentTarget.value)}
          aria-invalid={bad('name')}
          aria-describedby={by('name')}
          ref={(el) => queueMicrotask(() => el.focus())}
        />
      </label>
      <label class="campaign-wide">
        {t('Message')}
        <textarea
          required
          rows={3}
          dir="auto"
          maxLength={MAX_TEXT_LENGTH}
          value={text()}
          onInput={(e) => setText(e.currentTarget.value)}
          aria-invalid={bad('text')}
          aria-describedby={by('text')}
        />
      </label>
      <label>
        {tc('Sender')}
        <select
          onChange={(e) => setSender(e.currentTarget.value)}
          aria-invalid={bad('senderId')}
          aria-describedby={by('senderId')}
        >
          <option value="" selected={sender() === ''}>
            {tc('The team')}
          </option>
          <For each={team()}>
            {(op) => (
              <option value={op.id} selected={op.id === sender()}>
                {op.name}
              </option>
            )}
          </For>
          <Show when={gone()}>
            {(id) => (
              <option value={id()} selected>
                {t('Left the inbox ({id})', { id: id() })}
              </option>
            )}
          </Show>
        </select>
      </label>
      <label>
        {tc('Audience')}
        <select
          onChange={(e) => setAudience(e.currentTarget.value as CampaignAudience)}
          aria-invalid={bad('rules.audience')}
          aria-describedby={by('rules.audience')}
        >
          <For each={AUDIENCES}>
            {([id, words]) => (
              <option value={id} selected={id === audience()}>
                {tc(words)}
              </option>
            )}
          </For>
        </select>
      </label>
      <div class="campaign-field campaign-wide">
        <label>
          {tc('Page address')}
          <input
            dir="ltr"
            value={pattern()}
            onInput={(e) => setPattern(e.currentTarget.value)}
            aria-invalid={bad('rules.urlPattern')}
            aria-describedby={by('rules.urlPattern', 'rules.urlPattern')}
          />
        </label>
        {hint('rules.urlPattern', tc('* matches anything, e.g. */pricing*. Empty: any page.'))}
      </div>
      <label>
        {tc('Seconds on the page')}
        <input
          type="number"
          inputMode="numeric"
          min={0}
          max={MAX_AFTER_SECONDS}
          step={1}
          value={after()}
          onInput={(e) => setAfter(e.currentTarget.value)}
          aria-invalid={bad('rules.afterSeconds')}
          aria-describedby={by('rules.afterSeconds')}
        />
      </label>
      <div class="campaign-field">
        <label>
          {t('Countries')}
          <input
            dir="ltr"
            value={countries()}
            onInput={(e) => setCountries(e.currentTarget.value)}
            aria-invalid={bad('rules.countries')}
            aria-describedby={by('rules.countries', 'rules.countries')}
          />
        </label>
        {hint('rules.countries', tc('Two-letter codes, comma-separated, e.g. DE, FR. Empty: any.'))}
      </div>
      <fieldset class="campaign-langs" aria-describedby={by('rules.languages', 'rules.languages')}>
        <legend>{tc('Widget language')}</legend>
        <For each={LOCALES}>
          {(lang) => (
            <label class="check" lang={lang.id}>
              <input
                type="checkbox"
                checked={languages().includes(lang.id)}
                onChange={(e) =>
                  setLanguages(
                    e.currentTarget.checked
                      ? [...languages(), lang.id]
                      : languages().filter((l) => l !== lang.id),
                  )
                }
              />
              {lang.name}
            </label>
          )}
        </For>
        {hint('rules.languages', tc('None ticked: any.'))}
      </fieldset>
      <label>
        {tc('Starts')}
        <input
          type="datetime-local"
          value={starts()}
          onInput={(e) => setStarts(e.currentTarget.value)}
          aria-invalid={bad('startsAt')}
          aria-describedby={by('startsAt', 'dates')}
        />
      </label>
      <label>
        {tc('Ends')}
        <input
          type="datetime-local"
          value={ends()}
          onInput={(e) => setEnds(e.currentTarget.value)}
          aria-invalid={bad('endsAt')}
          aria-describedby={by('endsAt', 'dates')}
        />
      </label>
      {hint('dates', tc('Empty dates: no limit.'))}
      <label class="check campaign-wide">
        <input
          type="checkbox"
          checked={business()}
          onChange={(e) => setBusiness(e.currentTarget.checked)}
        />
        {tc('Business hours only')}
      </label>
      <label class="check campaign-wide">
        <input
          type="checkbox"
          checked={enabled()}
          onChange={(e) => setEnabled(e.currentTarget.checked)}
        />
        {tc('On: shown to the visitors it matches')}
      </label>
      <div class="form-foot">
        <button type="submit" disabled={busy()}>
          {c ? t('Save') : tc('Add message')}
        </button>
        <button type="button" class="secondary" onClick={() => props.onDone()}>
          {t('Cancel')}
        </button>
      </div>
      <Show when={error()}>
        {(refused) => (
          <p id={`${uid}-error`} class="error" role="alert">
            {refused().message}
          </p>
        )}
      </Show>
    </form>
  )
}
