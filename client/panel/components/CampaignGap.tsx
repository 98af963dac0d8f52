/**
 * The inbox's frequency cap for proactive messages (issue 20, M6): at most one per visitor every
 * N minutes (0: no gap between two different ones; each still reaches a visitor once at most).
 * Saved on its own, under the list of campaigns.
 */
import { createSignal, createUniqueId, Show } from 'solid-js'
import { campaignsApi, MAX_GAP_MINUTES, tc } from '../campaigns/index.ts'
import { describe } from '../chat.ts'
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'

export function CampaignGap(props: {
  inboxId: string
  minutes: number
  onSaved: (minutes: number) => void
}) {
  const panel = usePanel()
  const uid = createUniqueId()
  // Read once: the field is the admin's until saved.
  const [value, setValue] = createSignal(String(props.minutes))
  const [note, setNote] = createSignal<{ error: boolean; text: string } | null>(null)
  const [busy, setBusy] = createSignal(false)

  const submit = async (e: SubmitEvent) => {
    e.preventDefault()
    setBusy(true)
    setNote(null)
    try {
      const saved = await campaignsApi(panel.http).setGap(props.inboxId, Number(value() || 0))
      setValue(String(saved.gapMinutes))
      props.onSaved(saved.gapMinutes)
      setNote({ error: false, text: t('Saved') })
    } catch (err) {
      setNote({ error: true, text: describe(err) })
    } finally {
      setBusy(false)
    }
  }

  return (
    <form
      class="campaign-gap"
      aria-label={tc('How often')}
      aria-describedby={`${uid}-hint`}
      onSubmit={(e) => void submit(e)}
    >
      <p class="campaign-gap-line">
        <span aria-hidden="true">{tc('At most one proactive message per visitor every')}</span>
        <input
          type="number"
          inputMode="numeric"
          required
          min={0}
          max={MAX_GAP_MINUTES}
          step={1}
          value={value()}
          onInput={(e) => {
            setValue(e.currentTarget.value)
            setNote(null)
          }}
          aria-label={tc('Minutes between proactive messages to a visitor')}
          aria-invalid={note()?.error || undefined}
          aria-describedby={note()?.error ? `${uid}-note` : undefined}
        />
        <span aria-hidden="true">{t('minutes')}</span>
        <button type="submit" class="secondary" disabled={busy()}>
          {t('Save')}
        </button>
      </p>
      <p class="muted campaign-hint" id={`${uid}-hint`}>
        {tc('0: no gap between different messages. Each one reaches a visitor once at most.')}
      </p>
      <p class="muted" role="status">
        {note()?.error ? '' : note()?.text}
      </p>
      <Show when={note()?.error}>
        <p id={`${uid}-note`} class="error" role="alert">
          {note()?.text}
        </p>
      </Show>
    </form>
  )
}
