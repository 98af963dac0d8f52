/**
 * A rule's "Set an attribute" action (issue 20), offered by rules only: sets one of the inbox's
 * conversation attributes to a value of its type, or clears it. An attribute chosen before and
 * since deleted stays listed by its key, for the server to refuse. `attributeProblem` says what the server
 * would refuse.
 */
import { createEffect, For, Show } from 'solid-js'
import { definitions, loadDefinitions } from '../attributes/index.ts'
import { usePanel } from '../context.ts'
import { msg, t } from '../i18n.ts'
import type { RuleAction } from '../rules-api.ts'
import type { ExtraKind } from './MacroStep.tsx'
import { AttributeValueInput, startOf } from './RuleAttributeCondition.tsx'

type SetAttribute = Extract<RuleAction, { type: 'set_attribute' }>

/** Why the server would refuse action `n` (from 1), if it names no attribute; else undefined. */
export const attributeProblem = (action: RuleAction, n: number) =>
  action.type === 'set_attribute' && !action.key
    ? t('Action {n}: choose an attribute.', { n })
    : undefined

function AttributeFields(props: {
  action: RuleAction
  inboxId: string
  onChange: (action: RuleAction) => void
}) {
  const panel = usePanel()
  createEffect(() => loadDefinitions(panel.http, props.inboxId))
  const action = () => props.action as SetAttribute
  const defs = () => (definitions[props.inboxId] ?? []).filter((d) => d.scope === 'conversation')
  const def = () => defs().find((d) => d.key === action().key)
  const set = (patch: Partial<SetAttribute>) => props.onChange({ ...action(), ...patch })
  const options = (): Array<[string, string]> => {
    const all = defs().map((d): [string, string] => [d.key, d.name])
    const key = action().key
    // A key since deleted shows as it is: the server refuses it on save.
    const gone = key && !def() ? [[key, key] as [string, string]] : []
    return [['', t('Choose an attribute')], ...gone, ...all]
  }
  return (
    <>
      <Show when={definitions[props.inboxId] && defs().length === 0}>
        <p class="muted">{t('This inbox has no conversation attributes yet.')}</p>
      </Show>
      <label>
        {t('Attribute')}
        <select
          onChange={(e) => {
            const chosen = defs().find((d) => d.key === e.currentTarget.value)
            set({ key: e.currentTarget.value, value: chosen ? startOf(chosen) : null })
          }}
        >
          <For each={options()}>
            {([key, name]) => (
              <option value={key} selected={key === action().key}>
                {name}
              </option>
            )}
          </For>
        </select>
      </label>
      <Show when={def()}>
        {(d) => (
          <>
            <label class="check">
              <input
                type="checkbox"
                checked={action().value === null}
                onChange={(e) => set({ value: e.currentTarget.checked ? null : startOf(d()) })}
              />
              {t('Clear it')}
            </label>
            <Show when={action().value !== null}>
              <AttributeValueInput
                def={d()}
                value={action().value}
                label={t('Value')}
                onChange={(value) => set({ value })}
              />
            </Show>
          </>
        )}
      </Show>
    </>
  )
}

export const SET_ATTRIBUTE: ExtraKind<RuleAction> = {
  type: 'set_attribute',
  name: msg('Set an attribute'),
  fresh: () => ({ type: 'set_attribute', key: '', value: null }),
  fields: (props) => <AttributeFields {...props} />,
}
