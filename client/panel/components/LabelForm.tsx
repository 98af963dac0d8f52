/**
 * A label's name and color (issue 20): a new one (the form empties once it is created) or one
 * renamed or recolored in place. A refusal shows under the form, and marks the field it names:
 * a name another label of the inbox has (conflict) or one the server refuses.
 */
import { createSignal, createUniqueId, Show } from 'solid-js'
import { MAX_LABEL_NAME } from '../../../protocol/limits.ts'
import { asParleyError } from '../../shared/index.ts'
import type { Label } from '../api.ts'
import { describe } from '../chat.ts'
import { usePanel } from '../context.ts'
import { fieldOf } from '../form-errors.ts'
import { t } from '../i18n.ts'
import { labelsApi, type LabelInput } from '../labels-api.ts'

/** New labels take these in turn (each reads as a dot beside black or white text). */
const COLORS = ['#2563eb', '#16a34a', '#d97706', '#dc2626', '#7c3aed', '#0891b2', '#db2777']

export function LabelForm(props: {
  inboxId: string
  /** Null: a new label. */
  label: Label | null
  /** `saved`: the label changed (the inbox's labels are read again already). */
  onDone?: (saved: boolean) => void
}) {
  const panel = usePanel()
  const api = labelsApi(panel.http)
  const uid = createUniqueId()
  const fresh = () => COLORS[(panel.state.labels[props.inboxId]?.length ?? 0) % COLORS.length]
  const [name, setName] = createSignal(props.label?.name ?? '')
  const [color, setColor] = createSignal(props.label?.color ?? fresh() ?? '#2563eb')
  const [error, setError] = createSignal<{ field: string | null; message: string } | null>(null)
  const [busy, setBusy] = createSignal(false)
  const bad = (field: string) => error()?.field === field || undefined
  const by = (field: string) => (bad(field) ? `${uid}-error` : undefined)

  const refusal = (e: unknown) => {
    if (asParleyError(e).code === 'conflict') {
      return { field: 'name', message: t('Another label of this inbox has this name.') }
    }
    const field = fieldOf(asParleyError(e).message)?.replace(/^body\./, '') ?? null
    return { field, message: describe(e).replace(/^[\w.[\]]+: /, '') }
  }
  const submit = async (e: SubmitEvent) => {
    e.preventDefault()
    const input: LabelInput = { name: name().trim(), color: color() }
    setBusy(true)
    setError(null)
    try {
      if (props.label) await api.patch(props.label.id, input)
      else await api.create(props.inboxId, input)
      await panel.actions.reloadLabels(props.inboxId)
      if (!props.label) {
        setName('')
        setColor(fresh() ?? color())
      }
      props.onDone?.(true)
    } catch (err) {
      setError(refusal(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form
      class="label-form"
      aria-label={props.label ? t('Edit {name}', { name: props.label.name }) : t('New label')}
      onSubmit={(e) => void submit(e)}
    >
      <label>
        {t('Name')}
        <input
          required
          maxLength={MAX_LABEL_NAME}
          dir="auto"
          value={name()}
          onInput={(e) => setName(e.currentTarget.value)}
          aria-invalid={bad('name')}
          aria-describedby={by('name')}
          ref={(el) => props.label && queueMicrotask(() => el.focus())}
        />
      </label>
      <label>
        {t('Color')}
        <input
          type="color"
          value={color()}
          onInput={(e) => setColor(e.currentTarget.value)}
          aria-invalid={bad('color')}
          aria-describedby={by('color')}
        />
      </label>
      <button type="submit" disabled={busy()}>
        {props.label ? t('Save') : t('Add label')}
      </button>
      <Show when={props.label}>
        <button type="button" class="secondary" onClick={() => props.onDone?.(false)}>
          {t('Cancel')}
        </button>
      </Show>
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
