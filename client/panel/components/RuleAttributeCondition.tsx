/**
 * The middle of an attribute condition's row in the rules editor (issue 20): which custom
 * attribute of the inbox (a visitor's or the conversation's), the comparisons its type allows,
 * and the value in an input of its type (none for "is set" / "is not set"). Another attribute
 * starts the comparison and value afresh.
 */
import { createEffect, For, Show } from 'solid-js'
import {
  definitions,
  loadDefinitions,
  SCOPE_NAMES,
  type AttributeDefinition,
} from '../attributes/index.ts'
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'
import { ATTRIBUTE_OPS, OP_NAMES, type Op } from '../rule-words.ts'
import type { AttributeCondition } from '../rules-api.ts'

/** A value to start from for the type: the first choice, yes, or nothing typed yet. */
export const startOf = (def: AttributeDefinition) =>
  def.type === 'list' ? (def.options[0] ?? '') : def.type === 'checkbox' ? true : ''

export function RuleAttributeCondition(props: {
  condition: AttributeCondition
  n: number
  inboxId: string
  onChange: (condition: AttributeCondition) => void
}) {
  const panel = usePanel()
  createEffect(() => loadDefinitions(panel.http, props.inboxId))
  const defs = () => definitions[props.inboxId] ?? []
  const id = (d: Pick<AttributeDefinition, 'scope' | 'key'>) => `${d.scope}:${d.key}`
  const def = () => defs().find((d) => id(d) === id(props.condition))
  const set = (patch: Partial<AttributeCondition>) =>
    props.onChange({ ...props.condition, ...patch })
  const label = t('Condition {n} value', { n: props.n })
  const choose = (value: string) => {
    const chosen = defs().find((d) => id(d) === value)
    if (chosen) set({ scope: chosen.scope, key: chosen.key, op: 'is', value: startOf(chosen) })
  }
  const setOp = (op: Op) => {
    const none = op === 'set' || op === 'not_set'
    const d = def()
    set({
      op: op as AttributeCondition['op'],
      value: none ? null : (props.condition.value ?? (d ? startOf(d) : '')),
    })
  }

  return (
    <>
      <select
        class="cond-attribute"
        aria-label={t('Condition {n} attribute', { n: props.n })}
        onChange={(e) => choose(e.currentTarget.value)}
      >
        <option value="" selected={!def()}>
          {t('Choose an attribute')}
        </option>
        <For each={defs()}>
          {(d) => (
            <option value={id(d)} selected={d === def()}>
              {`${d.name} (${t(SCOPE_NAMES[d.scope])})`}
            </option>
          )}
        </For>
      </select>
      <Show when={def()}>
        {(d) => (
          <>
            <select
              aria-label={t('Condition {n} comparison', { n: props.n })}
              onChange={(e) => setOp(e.currentTarget.value as Op)}
            >
              <For each={ATTRIBUTE_OPS[d().type]}>
                {(op) => (
                  <option value={op} selected={op === props.condition.op}>
                    {t(OP_NAMES[op])}
                  </option>
                )}
              </For>
            </select>
            <Show when={props.condition.value !== null}>
              <AttributeValueInput
                def={d()}
                value={props.condition.value}
                label={label}
                onChange={(value) => set({ value })}
              />
            </Show>
          </>
        )}
      </Show>
    </>
  )
}

/**
 * A value of the attribute's type, as a rule's condition or action holds it: a list's choices
 * or yes/no in a select, else an input of its type (a number is kept as a number).
 */
export function AttributeValueInput(props: {
  def: AttributeDefinition
  value: string | number | boolean | null
  label: string
  onChange: (value: string | number | boolean) => void
}) {
  const d = () => props.def
  const pairs = (): Array<[string, string]> =>
    d().type === 'list'
      ? d().options.map((o) => [o, o])
      : [
          ['true', t('Yes')],
          ['false', t('No')],
        ]
  return (
    <Show
      when={d().type === 'list' || d().type === 'checkbox'}
      fallback={
        <input
          class="cond-value"
          aria-label={props.label}
          required
          dir="auto"
          maxLength={200}
          type={d().type === 'number' ? 'number' : d().type === 'date' ? 'date' : 'text'}
          step={d().type === 'number' ? 'any' : undefined}
          value={props.value === null ? '' : String(props.value)}
          onInput={(e) => {
            const raw = e.currentTarget.value
            props.onChange(d().type === 'number' && raw !== '' ? Number(raw) : raw)
          }}
        />
      }
    >
      <select
        class="cond-value"
        aria-label={props.label}
        onChange={(e) => {
          const raw = e.currentTarget.value
          props.onChange(d().type === 'checkbox' ? raw === 'true' : raw)
        }}
      >
        <For each={pairs()}>
          {([key, words]) => (
            <option value={key} selected={key === String(props.value)}>
              {words}
            </option>
          )}
        </For>
      </select>
    </Show>
  )
}
