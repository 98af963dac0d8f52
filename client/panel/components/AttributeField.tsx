/**
 * One custom attribute's value in the sidebar (issue 20), in an input that fits its type: text,
 * a number, a date, a list's choices, a checkbox, a link (shown as a link too, opening apart).
 * Saved when it changes (a typed one on Enter or on leaving the field); Clear removes it. The
 * server checks every value: its refusal shows under the field, the typed text stays to correct.
 */
import { createEffect, createMemo, createSignal, createUniqueId, For, on, Show } from 'solid-js'
import { Icon } from '../../shared/ui/Icon.tsx'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import type { AttributeDefinition, AttributeValue } from '../attributes/defs.ts'
import { t } from '../i18n.ts'

const INPUT_TYPES = { text: 'text', link: 'url', number: 'number', date: 'date' } as const

export function AttributeField(props: {
  def: AttributeDefinition
  value: AttributeValue | undefined
  /** Saves it (null removes it): null when saved, else why not. */
  save: (value: AttributeValue | null) => Promise<string | null>
}) {
  const id = createUniqueId()
  const [error, setError] = createSignal<string | null>(null)
  /** What this field saved, shown until the feed brings the conversation with it. */
  const [saved, setSaved] = createSignal<{ value: AttributeValue | undefined }>()
  // Memos: the conversation's other changes (a new `attributes` object) leave this field be, so
  // what is typed in it stays.
  const given = createMemo(() => props.value)
  createEffect(on(given, () => setSaved(), { defer: true }))
  const value = createMemo(() => (saved() ?? { value: given() }).value)
  const commit = async (next: AttributeValue | null) => {
    if (next === (value() ?? null) && !error()) return
    setError(null)
    const why = await props.save(next)
    setError(why)
    if (!why) setSaved({ value: next ?? undefined })
  }
  const shown = createMemo(() => (value() === undefined ? '' : String(value())))
  const invalid = () => !!error() || undefined
  const described = () => (error() ? `${id}-error` : undefined)

  return (
    <div class="attr-field" data-key={props.def.key}>
      <label for={id}>
        <SafeText text={props.def.name} />
      </label>
      <div class="attr-input">
        {/* Children, not a fallback: Show keeps them while the value and the error change. */}
        <Show when={props.def.type === 'list'}>
          <select
            id={id}
            aria-invalid={invalid()}
            aria-describedby={described()}
            onChange={(e) => void commit(e.currentTarget.value || null)}
          >
            <option value="">{t('Not set')}</option>
            <For each={props.def.options}>
              {(o) => (
                <option value={o} selected={o === value()}>
                  {o}
                </option>
              )}
            </For>
          </select>
        </Show>
        <Show when={props.def.type === 'checkbox'}>
          <input
            id={id}
            aria-invalid={invalid()}
            aria-describedby={described()}
            type="checkbox"
            checked={value() === true}
            onChange={(e) => void commit(e.currentTarget.checked)}
          />
        </Show>
        <Show when={props.def.type in INPUT_TYPES}>
          <input
            id={id}
            aria-invalid={invalid()}
            aria-describedby={described()}
            type={INPUT_TYPES[props.def.type as keyof typeof INPUT_TYPES]}
            step="any"
            maxLength={500}
            dir="auto"
            autocomplete="off"
            value={shown()}
            onChange={(e) => {
              const input = e.currentTarget
              const text = input.value.trim()
              if (input.validity.badInput) setError(t('Enter a number.'))
              else void commit(!text ? null : props.def.type === 'number' ? Number(text) : text)
            }}
          />
        </Show>
        <Show when={value() !== undefined}>
          <button
            type="button"
            class="icon-button small"
            aria-label={t('Clear {name}', { name: props.def.name })}
            title={t('Clear')}
            onClick={() => void commit(null)}
          >
            <Icon name="close" size={14} />
          </button>
        </Show>
      </div>
      <Show when={props.def.type === 'link' && /^https?:\/\//i.test(shown())}>
        <a class="attr-link" href={shown()} target="_blank" rel="noopener noreferrer">
          <SafeText text={shown()} />
        </a>
      </Show>
      <Show when={error()}>
        {(why) => (
          <p id={`${id}-error`} class="error" role="alert">
            {why()}
          </p>
        )}
      </Show>
    </div>
  )
}
