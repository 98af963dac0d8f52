/**
 * Admin, in an inbox's settings: its macros (issue 20), each with how many actions it does,
 * changed in place (MacroForm), deleted after a confirmation; "New macro" opens the editor
 * below. Every change reads the inbox's macros again, so the thread's Macros menu follows.
 */
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { usePanel } from '../context.ts'
import { t, tn } from '../i18n.ts'
import { macrosApi } from '../macros-api.ts'
import { MacroForm } from './MacroForm.tsx'
import { SettingsList } from './SettingsList.tsx'

export function MacroSettings(props: { inboxId: string }) {
  const panel = usePanel()
  void panel.actions.macrosFor(props.inboxId, true)
  return (
    <SettingsList
      title={t('Macros')}
      hint={t('Operators run them on a conversation from its thread.')}
      class="label-admin macro-admin"
      items={panel.state.macros[props.inboxId]}
      row={(macro) => (
        <span>
          <SafeText text={macro.name} />{' '}
          <span class="muted">{tn(macro.actions.length, '{n} action', '{n} actions')}</span>
        </span>
      )}
      form={(macro, done) => <MacroForm inboxId={props.inboxId} macro={macro} onDone={done} />}
      add={t('New macro')}
      confirm={[
        (macro) => t('Delete the macro {name}?', { name: macro.name }),
        t('Delete macro'),
        t('Operators can no longer run it.'),
      ]}
      remove={async (macro) => {
        await macrosApi(panel.http).remove(macro.id)
        await panel.actions.macrosFor(props.inboxId, true)
      }}
    />
  )
}
