/**
 * Admin, in an inbox's settings: its SLA policies (issue 20), an on-demand chunk (SlaPolicies-*,
 * client/build.ts). Each with its name and targets ("First response 30 min · Resolution 1 d",
 * "business hours"), changed in place (SlaPolicyForm), deleted after a confirmation
 * (conversations under it keep their deadlines); "New SLA policy" opens the form below. Every
 * change reads the inbox's policies again, so the thread's select and the rules follow.
 */
import { onMount } from 'solid-js'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'
import {
  KIND_NAMES,
  loadPolicies,
  policies,
  reloadPolicies,
  slaApi,
  spanText,
  TARGETS,
  type SlaPolicy,
} from '../attributes/index.ts'
import { SettingsList } from './SettingsList.tsx'
import { SlaPolicyForm } from './SlaPolicyForm.tsx'

/** "First response 30 min · Resolution 1 d · business hours". */
const targets = (p: SlaPolicy) =>
  [
    ...TARGETS.flatMap(([kind, field]) => {
      const minutes = p[field]
      return minutes === null ? [] : [`${t(KIND_NAMES[kind])} ${spanText(minutes)}`]
    }),
    ...(p.businessHours ? [t('business hours')] : []),
  ].join(' · ')

export default function SlaPolicies(props: { inboxId: string }) {
  const panel = usePanel()
  onMount(() => loadPolicies(panel.http, props.inboxId))
  return (
    <SettingsList
      title={t('SLA policies')}
      hint={t(
        'Targets for the first response, each next response and the resolution. Operators or rules apply a policy to a conversation; a missed deadline alerts its assignee.',
      )}
      class="label-admin sla-admin"
      items={policies[props.inboxId]}
      row={(policy) => (
        <span class="branch-main">
          <SafeText text={policy.name} /> <span class="muted">{targets(policy)}</span>
        </span>
      )}
      form={(policy, done) => (
        <SlaPolicyForm inboxId={props.inboxId} policy={policy} onDone={done} />
      )}
      add={t('New SLA policy')}
      confirm={[
        (policy) => t('Delete the SLA policy {name}?', { name: policy.name }),
        t('Delete policy'),
        t('Conversations under it keep the deadlines it gave them.'),
      ]}
      remove={async (policy) => {
        await slaApi(panel.http).remove(policy.id)
        await reloadPolicies(panel.http, props.inboxId)
      }}
    />
  )
}
