/**
 * An SLA policy (issue 20), new or changed in place: its name, its three targets (each an
 * amount and a unit, stored in minutes; empty: no target, one at least) and whether only the
 * open hours of the conversation's branch count. A refusal shows under the form and marks the
 * field it names.
 */
import { createSignal, createUniqueId, For, Index, Show } from 'solid-js'
import { asParleyError } from '../../shared/index.ts'
import { describe } from '../chat.ts'
import { usePanel } from '../context.ts'
import { fieldOf } from '../form-errors.ts'
import { msg, t } from '../i18n.ts'
import {
  KIND_NAMES,
  reloadPolicies,
  slaApi,
  TARGETS,
  type SlaPolicy,
  type SlaPolicyInput,
} from '../attributes/index.ts'
import '../sla-admin.css'

/** protocol/sla.ts MAX_SLA_NAME (that module is the server's). */
const MAX_NAME = 60
/** Each unit a target is given in: its minutes and its name. */
const UNITS: ReadonlyArray<[minutes: number, name: string]> = [
  [1, msg('minutes')],
  [60, msg('hours')],
  [1440, msg('days')],
]

/** A target as the form shows it: the largest unit it is a whole number of. */
const shown = (minutes: number | null): [amount: string, unit: number] => {
  if (minutes === null) return ['', 60]
  const unit = [1440, 60, 1].find((u) => minutes % u === 0) ?? 1
  return [String(minutes / unit), unit]
}

export function SlaPolicyForm(props: {
  inboxId: string
  /** Null: a new policy. */
  policy: SlaPolicy | null
  onDone: () => void
}) {
  const panel = usePanel()
  const uid = createUniqueId()
  const [name, setName] = createSignal(props.policy?.name ?? '')
  const [targets, setTargets] = createSignal(
    TARGETS.map(([, field]) => shown(props.policy ? props.policy[field] : null)),
  )
  const [business, setBusiness] = createSignal(props.policy?.businessHours ?? false)
  const [error, setError] = createSignal<{ field: string | null; message: string } | null>(null)
  const [busy, setBusy] = createSignal(false)
  const bad = (field: string) => error()?.field === field || undefined
  const by = (field: string) => (bad(field) ? `${uid}-error` : undefined)
  const setTarget = (i: number, amount: string, unit: number) =>
    setTargets(targets().map((x, j) => (j === i ? [amount, unit] : x)))

  const submit = async (e: SubmitEvent) => {
    e.preventDefault()
    const minutes = targets().map(([amount, unit]) =>
      amount.trim() === '' ? null : Math.round(Number(amount) * unit),
    )
    if (minutes.every((m) => m === null)) {
      setError({ field: TARGETS[0][1], message: t('Set at least one target.') })
      return
    }
    const input: SlaPolicyInput = {
      name: name().trim(),
      firstResponseMinutes: minutes[0] ?? null,
      nextResponseMinutes: minutes[1] ?? null,
      resolutionMinutes: minutes[2] ?? null,
      businessHours: business(),
    }
    setBusy(true)
    setError(null)
    try {
      const api = slaApi(panel.http)
      if (props.policy) await api.patch(props.policy.id, input)
      else await api.create(props.inboxId, input)
      await reloadPolicies(panel.http, props.inboxId)
      props.onDone()
    } catch (err) {
      const field = fieldOf(asParleyError(err).message)?.replace(/^body\./, '') ?? null
      setError({ field, message: describe(err).replace(/^[\w.[\]]+: /, '') })
    } finally {
      setBusy(false)
    }
  }

  return (
    <form
      class="label-form sla-form"
      aria-label={
        props.policy ? t('Edit {name}', { name: props.policy.name }) : t('New SLA policy')
      }
      onSubmit={(e) => void submit(e)}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation()
          props.onDone()
        }
      }}
    >
      <label class="sla-name">
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
      <Index each={TARGETS}>
        {(target, i) => {
          const kind = () => t(KIND_NAMES[target()[0]])
          const field = () => target()[1]
          return (
            <label>
              {kind()}
              <span class="sla-amount">
                <input
                  type="number"
                  aria-label={kind()}
                  inputMode="numeric"
                  min={1}
                  step="any"
                  placeholder={t('None')}
                  value={targets()[i]?.[0] ?? ''}
                  onInput={(e) => setTarget(i, e.currentTarget.value, targets()[i]?.[1] ?? 60)}
                  aria-invalid={bad(field())}
                  aria-describedby={by(field())}
                />
                <select
                  aria-label={t('{target}: unit', { target: kind() })}
                  onChange={(e) =>
                    setTarget(i, targets()[i]?.[0] ?? '', Number(e.currentTarget.value))
                  }
                >
                  <For each={UNITS}>
                    {([minutes, words]) => (
                      <option value={minutes} selected={minutes === targets()[i]?.[1]}>
                        {t(words)}
                      </option>
                    )}
                  </For>
                </select>
              </span>
            </label>
          )
        }}
      </Index>
      <label class="check sla-business">
        <input
          type="checkbox"
          checked={business()}
          onChange={(e) => setBusiness(e.currentTarget.checked)}
        />
        {t('Count business hours only')}
      </label>
      <div class="form-foot">
        <button type="submit" disabled={busy()}>
          {props.policy ? t('Save') : t('Add policy')}
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
