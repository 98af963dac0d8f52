/**
 * A macro's editor (issue 20): its name and its ordered actions (ActionSteps), each moved up or
 * down or removed; up to MAX_ACTIONS. A new one (the form closes once it is created) or one
 * changed in place. A refusal shows under the form and marks what it names: the name (another
 * macro of the inbox has it) or the action the server points at (`actions[2] ...`: a label,
 * branch or operator that is not the inbox's, a snooze after a resolve).
 */
import { createSignal, createUniqueId, Show } from 'solid-js'
import { asParleyError } from '../../shared/index.ts'
import type { Macro, MacroAction } from '../api.ts'
import { describe } from '../chat.ts'
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'
import { macrosApi } from '../macros-api.ts'
import { ActionSteps, focusStep } from './ActionSteps.tsx'
import { freshAction } from './MacroStep.tsx'

/** protocol/macros.ts MAX_MACRO_ACTIONS and MAX_MACRO_NAME (that module is the server's). */
const MAX_ACTIONS = 10
const MAX_NAME = 60

export function MacroForm(props: {
  inboxId: string
  /** Null: a new macro. */
  macro: Macro | null
  /** `saved`: the macro changed (the inbox's macros are read again already). */
  onDone: (saved: boolean) => void
}) {
  const panel = usePanel()
  const api = macrosApi(panel.http)
  const uid = createUniqueId()
  const [name, setName] = createSignal(props.macro?.name ?? '')
  const [steps, setSteps] = createSignal<MacroAction[]>(
    props.macro?.actions ?? [freshAction('send_message')],
  )
  const [error, setError] = createSignal<{ at: string; message: string } | null>(null)
  const [busy, setBusy] = createSignal(false)
  let list!: HTMLOListElement
  const bad = (at: string) => error()?.at === at || undefined
  const by = (at: string) => (bad(at) ? `${uid}-error` : undefined)
  void panel.actions.loadTeam(props.inboxId).catch(() => undefined)
  void panel.actions.labelsFor(props.inboxId, true)

  /** The steps changed; the focus goes to the type select of step `focus`, if given. */
  const change = (next: MacroAction[], focus?: number) => {
    setSteps(next)
    if (focus !== undefined) focusStep(list, focus)
  }
  const refusal = (e: unknown) => {
    const text = describe(e)
    if (asParleyError(e).code === 'conflict') {
      return { at: 'name', message: t('Another macro of this inbox has this name.') }
    }
    const step = /actions\[(\d+)\]/.exec(text)?.[1]
    return { at: step ? `step-${step}` : /\bname\b/.test(text) ? 'name' : '', message: text }
  }
  const submit = async (e: SubmitEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const input = { name: name().trim(), actions: steps() }
      if (props.macro) await api.patch(props.macro.id, input)
      else await api.create(props.inboxId, input)
      await panel.actions.macrosFor(props.inboxId, true)
      props.onDone(true)
    } catch (err) {
      setError(refusal(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form
      class="macro-form"
      aria-label={props.macro ? t('Edit {name}', { name: props.macro.name }) : t('New macro')}
      onSubmit={(e) => void submit(e)}
    >
      <label>
        {t('Name')}
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
      <ActionSteps
        inboxId={props.inboxId}
        steps={steps()}
        onChange={change}
        invalid={(i) => bad(`step-${i}`)}
        describedBy={(i) => by(`step-${i}`)}
        runner
        ref={(el) => (list = el)}
      />
      <div class="form-foot">
        <Show when={steps().length < MAX_ACTIONS}>
          <button
            type="button"
            class="secondary"
            onClick={() => change([...steps(), freshAction('send_message')], steps().length)}
          >
            {t('Add action')}
          </button>
        </Show>
        <button type="submit" disabled={busy()}>
          {props.macro ? t('Save') : t('Add macro')}
        </button>
        <button type="button" class="secondary" onClick={() => props.onDone(false)}>
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
