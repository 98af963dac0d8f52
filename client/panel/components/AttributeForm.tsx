/**
 * A custom attribute's definition (issue 20): a new one (scope, name, key, type and, for a
 * list, its choices, one a line) or one renamed or given other choices in place (its key,
 * scope and type stay). The key follows the name until typed in. A refusal shows under the
 * form and marks the field it names.
 */
import { createSignal, createUniqueId, For, Show } from 'solid-js'
import { asParleyError } from '../../shared/index.ts'
import {
  reloadDefinitions,
  SCOPE_NAMES,
  TYPE_NAMES,
  type AttributeDefinition,
  type AttributeScope,
  type AttributeType,
} from '../attributes/index.ts'
import { attributesApi, type AttributeInput } from '../attributes-api.ts'
import { describe } from '../chat.ts'
import { usePanel } from '../context.ts'
import { fieldOf } from '../form-errors.ts'
import { t } from '../i18n.ts'

/** "Plan tier" → "plan_tier" (Latin letters and digits only). */
const keyOf = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+|_+$/g, '')
    .slice(0, 32)

export function AttributeForm(props: {
  inboxId: string
  /** Null: a new attribute. */
  def: AttributeDefinition | null
  onDone: () => void
}) {
  const panel = usePanel()
  const api = attributesApi(panel.http)
  const uid = createUniqueId()
  const [scope, setScope] = createSignal<AttributeScope>('conversation')
  const [name, setName] = createSignal(props.def?.name ?? '')
  const [key, setKey] = createSignal('')
  const [typed, setTyped] = createSignal(false)
  const [type, setType] = createSignal<AttributeType>(props.def?.type ?? 'text')
  const [options, setOptions] = createSignal(props.def?.options.join('\n') ?? '')
  const [error, setError] = createSignal<{ field: string | null; message: string } | null>(null)
  const [busy, setBusy] = createSignal(false)
  const bad = (field: string) => error()?.field === field || undefined
  const by = (field: string) => (bad(field) ? `${uid}-error` : undefined)
  const choices = () =>
    options()
      .split('\n')
      .map((o) => o.trim())
      .filter(Boolean)

  const refusal = (e: unknown) => {
    if (asParleyError(e).code === 'conflict') {
      return { field: 'key', message: t('Another attribute of this inbox has this key.') }
    }
    const field = fieldOf(asParleyError(e).message)?.replace(/^body\./, '') ?? null
    return { field, message: describe(e).replace(/^[\w.[\]]+: /, '') }
  }
  const submit = async (e: SubmitEvent) => {
    e.preventDefault()
    const list = type() === 'list' ? { options: choices() } : {}
    setBusy(true)
    setError(null)
    try {
      if (props.def) await api.patch(props.def.id, { name: name().trim(), ...list })
      else {
        const input: AttributeInput = {
          scope: scope(),
          key: key(),
          name: name().trim(),
          type: type(),
        }
        await api.create(props.inboxId, { ...input, ...list })
      }
      await reloadDefinitions(panel.http, props.inboxId)
      if (!props.def) {
        setName('')
        setKey('')
        setTyped(false)
        setOptions('')
      }
      props.onDone()
    } catch (err) {
      setError(refusal(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form
      class="label-form attribute-form"
      aria-label={props.def ? t('Edit {name}', { name: props.def.name }) : t('New attribute')}
      onSubmit={(e) => void submit(e)}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation()
          props.onDone()
        }
      }}
    >
      <Show when={!props.def}>
        <label>
          {t('Applies to')}
          <select
            value={scope()}
            onChange={(e) => setScope(e.currentTarget.value as AttributeScope)}
            aria-invalid={bad('scope')}
            aria-describedby={by('scope')}
          >
            <For each={['conversation', 'visitor'] as const}>
              {(s) => <option value={s}>{t(SCOPE_NAMES[s])}</option>}
            </For>
          </select>
        </label>
      </Show>
      <label>
        {t('Name')}
        <input
          required
          maxLength={60}
          dir="auto"
          value={name()}
          onInput={(e) => {
            setName(e.currentTarget.value)
            if (!typed()) setKey(keyOf(e.currentTarget.value))
          }}
          aria-invalid={bad('name')}
          aria-describedby={by('name')}
          ref={(el) => queueMicrotask(() => el.focus())}
        />
      </label>
      <Show when={!props.def}>
        <label>
          {t('Key')}
          <input
            required
            maxLength={32}
            pattern="[a-z][a-z0-9_]*"
            spellcheck={false}
            autocomplete="off"
            value={key()}
            onInput={(e) => {
              setTyped(true)
              setKey(e.currentTarget.value)
            }}
            aria-invalid={bad('key')}
            aria-describedby={by('key') ?? `${uid}-key`}
          />
          <span id={`${uid}-key`} class="muted hint">
            {t('a-z, 0-9 and _; it cannot change later')}
          </span>
        </label>
        <label>
          {t('Type')}
          <select value={type()} onChange={(e) => setType(e.currentTarget.value as AttributeType)}>
            <For each={Object.entries(TYPE_NAMES)}>
              {([value, words]) => <option value={value}>{t(words)}</option>}
            </For>
          </select>
        </label>
      </Show>
      <Show when={type() === 'list'}>
        <label class="attribute-options">
          {t('Choices, one a line')}
          <textarea
            required
            rows={3}
            dir="auto"
            value={options()}
            onInput={(e) => setOptions(e.currentTarget.value)}
            aria-invalid={bad('options')}
            aria-describedby={by('options')}
          />
        </label>
      </Show>
      <button type="submit" disabled={busy()}>
        {props.def ? t('Save') : t('Add attribute')}
      </button>
      <button type="button" class="secondary" onClick={() => props.onDone()}>
        {t('Cancel')}
      </button>
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
