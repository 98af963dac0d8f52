/**
 * The inbox's pre-chat form in its settings: when the widget asks (off, before the first
 * message, in the thread after it) and up to 10 fields, each the visitor's name, e-mail or
 * phone or an attribute of theirs (text, or a choice from options), with an English and a
 * Russian label and whether it is required. Fields are added, removed and moved with buttons;
 * focus stays on the moved field's button, and a status line says where it went.
 */
import { createSignal, createUniqueId, For, Show } from 'solid-js'
import type { SetStoreFunction } from 'solid-js/store'
import type { InboxSettings } from '../../shared/index.ts'
import { Icon } from '../../shared/ui/Icon.tsx'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { listFocus } from '../focus.ts'
import { msg, t } from '../i18n.ts'

type PreChatForm = InboxSettings['preChat']
type PreChatField = PreChatForm['fields'][number]
type Mode = PreChatForm['mode']
type BuiltIn = 'name' | 'email' | 'phone'

/** The server's limits. */
export const MAX_FIELDS = 10
const MAX_OPTIONS = 50

/** A field as the form holds it: a built-in or an attribute (with its key), options as lines. */
export interface FieldDraft {
  kind: BuiltIn | 'custom'
  /** The attribute's key (custom fields only). */
  key: string
  /** Custom fields: text or a choice; the built-ins have their own type. */
  type: 'text' | 'select'
  en: string
  ru: string
  required: boolean
  /** A choice's options, one per line. */
  options: string
}

export interface PreChatDraft {
  mode: Mode
  fields: FieldDraft[]
}

const BUILT_IN: Record<
  BuiltIn,
  { type: PreChatField['type']; title: string; en: string; ru: string }
> = {
  name: { type: 'text', title: msg('Name'), en: 'Name', ru: 'Имя' },
  email: { type: 'email', title: msg('E-mail'), en: 'E-mail', ru: 'Эл. почта' },
  phone: { type: 'phone', title: msg('Phone'), en: 'Phone', ru: 'Телефон' },
}
const KINDS = ['name', 'email', 'phone'] as const

const MODES: ReadonlyArray<{ mode: Mode; label: string }> = [
  { mode: 'off', label: msg('Off') },
  { mode: 'before', label: msg('Before the first message') },
  { mode: 'after', label: msg('In the thread after the first message') },
]

const isBuiltIn = (key: string): key is BuiltIn => key in BUILT_IN

export function toPreChatDraft(form: PreChatForm): PreChatDraft {
  return {
    mode: form.mode,
    fields: form.fields.map((f) => ({
      kind: isBuiltIn(f.key) ? f.key : 'custom',
      key: isBuiltIn(f.key) ? '' : f.key,
      type: f.type === 'select' ? 'select' : 'text',
      en: f.label.en,
      ru: f.label.ru,
      required: f.required,
      options: (f.options ?? []).join('\n'),
    })),
  }
}

/** Options as the server takes them: one a line, blank lines left out. */
const optionList = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')

export function fromPreChatDraft(draft: PreChatDraft): PreChatForm {
  return {
    mode: draft.mode,
    fields: draft.fields.map((f): PreChatField => {
      const label = { en: f.en.trim(), ru: f.ru.trim() }
      if (f.kind !== 'custom') {
        return { key: f.kind, type: BUILT_IN[f.kind].type, label, required: f.required }
      }
      const field: PreChatField = { key: f.key.trim(), type: f.type, label, required: f.required }
      // None at all: left out, and the server says what a choice needs.
      const options = optionList(f.options)
      if (f.type === 'select' && options.length > 0) field.options = options
      return field
    }),
  }
}

export function PreChatEditor(props: {
  draft: PreChatDraft
  setDraft: SetStoreFunction<PreChatDraft>
  /** The last refusal, or null: a choice without options is marked by it. */
  error: string | null
  errorId: string
}) {
  const focus = listFocus()
  const hintId = createUniqueId()
  const [moved, setMoved] = createSignal('')
  const used = (kind: BuiltIn, except: FieldDraft) =>
    props.draft.fields.some((f) => f !== except && f.kind === kind)
  const add = () => {
    focus.adding()
    setMoved('')
    props.setDraft('fields', props.draft.fields.length, {
      kind: 'custom',
      key: '',
      type: 'text',
      en: '',
      ru: '',
      required: false,
      options: '',
    })
  }
  /** Swaps field `i` with the one above (-1) or below (+1). */
  const move = (i: number, by: -1 | 1) => {
    const j = i + by
    props.setDraft('fields', (list) => {
      const next = [...list]
      const a = next[i]
      const b = next[j]
      if (!a || !b) return list
      next[i] = b
      next[j] = a
      return next
    })
    setMoved(
      t('Field moved to position {position} of {count}.', {
        position: j + 1,
        count: props.draft.fields.length,
      }),
    )
  }
  const setKind = (field: FieldDraft, i: number, kind: FieldDraft['kind']) => {
    props.setDraft('fields', i, 'kind', kind)
    // A built-in's usual labels, unless the admin wrote their own.
    if (kind !== 'custom' && !field.en.trim() && !field.ru.trim()) {
      props.setDraft('fields', i, { en: BUILT_IN[kind].en, ru: BUILT_IN[kind].ru })
    }
  }
  return (
    <fieldset class="prechat">
      <legend>{t('Pre-chat form')}</legend>
      <label>
        {t('Show the form')}
        <select
          value={props.draft.mode}
          onChange={(e) => props.setDraft('mode', e.currentTarget.value as Mode)}
          aria-describedby={hintId}
        >
          <For each={MODES}>{(m) => <option value={m.mode}>{t(m.label)}</option>}</For>
        </select>
      </label>
      <p id={hintId} class="muted">
        {t(
          "Before the first message, the visitor cannot start until the required fields are filled. The answers show in the conversation's details.",
        )}
      </p>
      <Show when={props.draft.fields.length > 0} fallback={<p class="muted">{t('No fields.')}</p>}>
        <ol class="prechat-fields">
          <For each={props.draft.fields}>
            {(field, i) => {
              const kindId = createUniqueId()
              let up: HTMLButtonElement | undefined
              let down: HTMLButtonElement | undefined
              const number = () => i() + 1
              const badOptions = () =>
                props.error !== null &&
                field.kind === 'custom' &&
                field.type === 'select' &&
                optionList(field.options).length === 0
              /** Focus stays on the pressed button, or its twin once it cannot move further. */
              const moveAndFocus = (by: -1 | 1) => {
                move(i(), by)
                queueMicrotask(() => {
                  const pressed = by < 0 ? up : down
                  ;(pressed?.disabled ? (by < 0 ? down : up) : pressed)?.focus()
                })
              }
              return (
                <li>
                  <fieldset class="prechat-field">
                    <legend>
                      {t('Field {number}', { number: number() })}
                      <Show when={field.en.trim()}>
                        {' '}
                        · <SafeText text={field.en.trim()} />
                      </Show>
                    </legend>
                    <div class="prechat-row">
                      {/* Labelled by id, not wrapped: its options are not part of its label. */}
                      <div class="prechat-control">
                        <label for={kindId}>{t('Asks for')}</label>
                        <select
                          id={kindId}
                          ref={focus.first}
                          value={field.kind}
                          onChange={(e) =>
                            setKind(field, i(), e.currentTarget.value as FieldDraft['kind'])
                          }
                        >
                          <For each={KINDS}>
                            {(kind) => (
                              <option value={kind} disabled={used(kind, field)}>
                                {t(BUILT_IN[kind].title)}
                              </option>
                            )}
                          </For>
                          <option value="custom">{t('Other (an attribute)')}</option>
                        </select>
                      </div>
                      <Show
                        when={field.kind === 'custom'}
                        fallback={
                          <p class="muted prechat-type">
                            {field.kind === 'email'
                              ? t('Type: email')
                              : field.kind === 'phone'
                                ? t('Type: phone')
                                : t('Type: text')}
                          </p>
                        }
                      >
                        <label>
                          {t('Key')}
                          <input
                            required
                            maxLength={32}
                            pattern="[a-z][a-z0-9_]*"
                            title={t('a-z, 0-9 or _, starting with a letter')}
                            autocomplete="off"
                            spellcheck={false}
                            value={field.key}
                            onInput={(e) =>
                              props.setDraft('fields', i(), 'key', e.currentTarget.value)
                            }
                          />
                        </label>
                        <label>
                          {t('Type')}
                          <select
                            value={field.type}
                            onChange={(e) =>
                              props.setDraft(
                                'fields',
                                i(),
                                'type',
                                e.currentTarget.value as FieldDraft['type'],
                              )
                            }
                          >
                            <option value="text">{t('Text')}</option>
                            <option value="select">{t('Choice from a list')}</option>
                          </select>
                        </label>
                      </Show>
                    </div>
                    <div class="prechat-row">
                      <label>
                        {t('English label')}
                        <input
                          required
                          maxLength={100}
                          lang="en"
                          dir="auto"
                          value={field.en}
                          onInput={(e) =>
                            props.setDraft('fields', i(), 'en', e.currentTarget.value)
                          }
                        />
                      </label>
                      <label>
                        {t('Russian label')}
                        <input
                          required
                          maxLength={100}
                          lang="ru"
                          dir="auto"
                          value={field.ru}
                          onInput={(e) =>
                            props.setDraft('fields', i(), 'ru', e.currentTarget.value)
                          }
                        />
                      </label>
                    </div>
                    <Show when={field.kind === 'custom' && field.type === 'select'}>
                      <label>
                        {t('Options (one per line)')}
                        <textarea
                          rows={3}
                          dir="auto"
                          value={field.options}
                          onInput={(e) =>
                            props.setDraft('fields', i(), 'options', e.currentTarget.value)
                          }
                          aria-invalid={badOptions() || undefined}
                          aria-describedby={badOptions() ? props.errorId : undefined}
                        />
                      </label>
                      <p class="muted">
                        {t('At most {max}, each up to 100 characters.', { max: MAX_OPTIONS })}
                      </p>
                    </Show>
                    <div class="prechat-foot">
                      <label class="check">
                        <input
                          type="checkbox"
                          checked={field.required}
                          onChange={(e) =>
                            props.setDraft('fields', i(), 'required', e.currentTarget.checked)
                          }
                        />
                        {t('Required')}
                      </label>
                      <span class="prechat-actions">
                        <button
                          ref={up}
                          type="button"
                          class="icon-button move-up"
                          aria-label={t('Move field {number} up', { number: number() })}
                          title={t('Move up')}
                          disabled={i() === 0}
                          onClick={() => moveAndFocus(-1)}
                        >
                          <Icon name="down" size={18} />
                        </button>
                        <button
                          ref={down}
                          type="button"
                          class="icon-button"
                          aria-label={t('Move field {number} down', { number: number() })}
                          title={t('Move down')}
                          disabled={i() === props.draft.fields.length - 1}
                          onClick={() => moveAndFocus(1)}
                        >
                          <Icon name="down" size={18} />
                        </button>
                        <button
                          type="button"
                          class="icon-button remove"
                          aria-label={t('Remove field {number}', { number: number() })}
                          title={t('Remove this field')}
                          onClick={() => {
                            setMoved('')
                            props.setDraft('fields', (list) => list.filter((_, n) => n !== i()))
                            focus.removed()
                          }}
                        >
                          <Icon name="trash" size={18} />
                        </button>
                      </span>
                    </div>
                  </fieldset>
                </li>
              )
            }}
          </For>
        </ol>
      </Show>
      <p class="sr-only" role="status">
        {moved()}
      </p>
      <div class="prechat-add">
        <button
          ref={focus.addButton}
          type="button"
          class="secondary small"
          disabled={props.draft.fields.length >= MAX_FIELDS}
          onClick={add}
        >
          {t('Add field')}
        </button>
        <span class="muted">{t('At most {max} fields.', { max: MAX_FIELDS })}</span>
      </div>
    </fieldset>
  )
}
