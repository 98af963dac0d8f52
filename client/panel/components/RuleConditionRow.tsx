/**
 * One condition of an automation rule in its editor (issue 20): the field it looks at (another
 * field starts the condition afresh), how it compares (only the ways that field allows) and the
 * value, in a control that fits the field: the inbox's branches, labels or operators ("Nobody"
 * too), a priority, a status, yes or no, or text (a URL or message fragment, a country or
 * language code). A custom attribute's condition has its own (RuleAttributeCondition).
 */
import { For, Show, type JSX } from 'solid-js'
import { Icon } from '../../shared/ui/Icon.tsx'
import { usePanel } from '../context.ts'
import { t, tx } from '../i18n.ts'
import { PRIORITIES, PRIORITY_NAMES } from '../labels.ts'
import { RuleAttributeCondition } from './RuleAttributeCondition.tsx'
import { FIELDS, freshCondition, OP_NAMES, type Field, type Op } from '../rule-words.ts'
import type { RuleCondition } from '../rules-api.ts'

/** The select's value for "nobody" (an operator id is never empty). */
const NOBODY = ''

export function RuleConditionRow(props: {
  condition: RuleCondition
  n: number
  inboxId: string
  /** Whether the server refused it, and the id of the words that say why. */
  invalid: true | undefined
  describedBy: string | undefined
  onChange: (condition: RuleCondition) => void
  onRemove: () => void
}) {
  const panel = usePanel()
  const team = () => panel.state.teams[props.inboxId]
  const set = (patch: Partial<RuleCondition>) =>
    props.onChange({ ...props.condition, ...patch } as RuleCondition)
  const value = () => props.condition.value
  const select = (
    options: () => ReadonlyArray<[string, string]>,
    onChange: (v: string) => void,
  ) => (
    <select
      class="cond-value"
      aria-label={t('Condition {n} value', { n: props.n })}
      onChange={(e) => onChange(e.currentTarget.value)}
    >
      <For each={options()}>
        {([v, name]) => (
          <option value={v} selected={v === String(value() ?? NOBODY)}>
            {name}
          </option>
        )}
      </For>
    </select>
  )
  const text = (max: number, transform = (s: string) => s, placeholder?: string) => (
    <input
      class="cond-value"
      aria-label={t('Condition {n} value', { n: props.n })}
      required
      dir="auto"
      maxLength={max}
      placeholder={placeholder}
      value={String(value())}
      onInput={(e) => set({ value: transform(e.currentTarget.value) })}
    />
  )

  const control = (field: Field): JSX.Element => {
    switch (field) {
      case 'branch':
        return select(
          () => [['', t('Choose a branch')], ...(team()?.branches ?? []).map(pair)],
          (v) => set({ value: v }),
        )
      case 'label':
        return select(
          () => [['', t('Choose a label')], ...(panel.state.labels[props.inboxId] ?? []).map(pair)],
          (v) => set({ value: v }),
        )
      case 'assignee':
        return select(
          () => [...(team()?.operators ?? []).map(pair), [NOBODY, t('Nobody')]],
          (v) => set({ value: v === NOBODY ? null : v }),
        )
      case 'priority':
        return select(
          () => PRIORITIES.map((p) => [p, t(PRIORITY_NAMES[p])]),
          (v) => set({ value: v }),
        )
      case 'status':
        return select(
          () => [
            ['open', tx('status', 'Open')],
            ['pending', tx('status', 'Pending')],
            ['resolved', tx('status', 'Resolved')],
            ['closed', tx('status', 'Closed')],
          ],
          (v) => set({ value: v }),
        )
      case 'business_hours':
        return select(
          () => [
            ['true', t('Yes')],
            ['false', t('No')],
          ],
          (v) => set({ value: v === 'true' }),
        )
      case 'author':
        return select(
          () => [
            ['visitor', t('The visitor')],
            ['operator', t('An operator')],
          ],
          (v) => set({ value: v }),
        )
      case 'page_url':
      case 'message_text':
        return text(200)
      case 'country':
        return text(2, (s) => s.toUpperCase(), 'DE')
      case 'language':
        return text(3, (s) => s.toLowerCase(), 'en')
      case 'attribute':
        return null
    }
  }

  return (
    <li classList={{ invalid: props.invalid }}>
      <select
        class="cond-field"
        aria-label={t('Condition {n}', { n: props.n })}
        aria-invalid={props.invalid}
        aria-describedby={props.describedBy}
        onChange={(e) => props.onChange(freshCondition(e.currentTarget.value as Field))}
      >
        <For each={Object.entries(FIELDS)}>
          {([field, [name]]) => (
            <option value={field} selected={field === props.condition.field}>
              {t(name)}
            </option>
          )}
        </For>
      </select>
      <Show when={props.condition.field === 'attribute' ? props.condition : null}>
        {(condition) => (
          <RuleAttributeCondition
            condition={condition()}
            n={props.n}
            inboxId={props.inboxId}
            onChange={props.onChange}
          />
        )}
      </Show>
      <Show when={props.condition.field !== 'attribute' && props.condition.field} keyed>
        {(field) => (
          <>
            <select
              aria-label={t('Condition {n} comparison', { n: props.n })}
              onChange={(e) => set({ op: e.currentTarget.value as Op })}
            >
              <For each={FIELDS[field][1]}>
                {(op) => (
                  <option value={op} selected={op === props.condition.op}>
                    {t(OP_NAMES[op])}
                  </option>
                )}
              </For>
            </select>
            {control(field)}
          </>
        )}
      </Show>
      <button
        type="button"
        class="icon-button small"
        aria-label={t('Remove condition {n}', { n: props.n })}
        onClick={() => props.onRemove()}
      >
        <Icon name="trash" size={16} />
      </button>
    </li>
  )
}

const pair = (x: { id: string; name: string }): [string, string] => [x.id, x.name]
