/**
 * Admin, in an inbox's settings: its labels (issue 20), each with its color and name, renamed
 * or recolored in place, deleted after a confirmation (it leaves every conversation that has
 * it); a form for a new one below. Every change reads the inbox's labels again, so the chips
 * and filters everywhere in the panel follow.
 */
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'
import { labelsApi } from '../labels-api.ts'
import { LabelChip } from './LabelChip.tsx'
import { LabelForm } from './LabelForm.tsx'
import { SettingsList } from './SettingsList.tsx'

export function LabelSettings(props: { inboxId: string }) {
  const panel = usePanel()
  void panel.actions.labelsFor(props.inboxId)
  return (
    <SettingsList
      title={t('Labels')}
      hint={t('Operators put labels on conversations and filter the list by them.')}
      class="label-admin"
      items={panel.state.labels[props.inboxId]}
      row={(label) => <LabelChip label={label} />}
      // The new label's form stays, empty, for the next one.
      form={(label, done) => (
        <LabelForm inboxId={props.inboxId} label={label} onDone={label ? done : undefined} />
      )}
      confirm={[
        (label) => t('Delete the label {name}?', { name: label.name }),
        t('Delete label'),
        t('It is removed from every conversation that has it.'),
      ]}
      remove={async (label) => {
        await labelsApi(panel.http).remove(label.id)
        await panel.actions.reloadLabels(props.inboxId)
      }}
    />
  )
}
