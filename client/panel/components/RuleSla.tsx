/**
 * A rule's "Apply an SLA policy" action (issue 20), offered by rules only: runs the conversation
 * under one of the inbox's SLA policies (nothing when it already runs under it). A policy
 * chosen before and since deleted stays listed, for the server to refuse. `slaProblem` says
 * what the server would refuse.
 */
import { For, Show } from 'solid-js'
import { usePanel } from '../context.ts'
import { msg, t } from '../i18n.ts'
import type { RuleAction } from '../rules-api.ts'
import { loadPolicies, policies } from '../attributes/index.ts'
import type { ExtraKind } from './MacroStep.tsx'

type ApplySla = Extract<RuleAction, { type: 'apply_sla' }>

/** Why the server would refuse action `n` (from 1), if it applies no policy; else undefined. */
export const slaProblem = (action: RuleAction, n: number) =>
  action.type === 'apply_sla' && !action.policyId
    ? t('Action {n}: choose an SLA policy.', { n })
    : undefined

function SlaFields(props: {
  action: RuleAction
  inboxId: string
  onChange: (action: RuleAction) => void
}) {
  const panel = usePanel()
  loadPolicies(panel.http, props.inboxId)
  const id = () => (props.action as ApplySla).policyId
  const options = (): Array<[string, string]> => {
    const all = (policies[props.inboxId] ?? []).map((p): [string, string] => [p.id, p.name])
    const gone =
      id() && !all.some(([x]) => x === id()) ? [[id(), t('(deleted)')] as [string, string]] : []
    return [['', t('Choose a policy')], ...gone, ...all]
  }
  return (
    <>
      <Show when={policies[props.inboxId]?.length === 0}>
        <p class="muted">{t('This inbox has no SLA policies yet.')}</p>
      </Show>
      <label>
        {t('SLA policy')}
        <select
          onChange={(e) => props.onChange({ type: 'apply_sla', policyId: e.currentTarget.value })}
        >
          <For each={options()}>
            {([value, name]) => (
              <option value={value} selected={value === id()}>
                {name}
              </option>
            )}
          </For>
        </select>
      </label>
    </>
  )
}

export const APPLY_SLA: ExtraKind<RuleAction> = {
  type: 'apply_sla',
  name: msg('Apply an SLA policy'),
  fresh: () => ({ type: 'apply_sla', policyId: '' }),
  fields: (props) => <SlaFields {...props} />,
}
