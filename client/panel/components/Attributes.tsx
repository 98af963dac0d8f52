/**
 * Admin, in an inbox's settings: its custom attributes (issue 20), an on-demand chunk
 * (Attributes-*, client/build.ts). Each with its name, scope, type and key (a list with its
 * choices), renamed or given other choices in place (AttributeForm), deleted after a
 * confirmation (its values leave every conversation and visitor); "New attribute" opens the
 * form below. Every change reads the inbox's definitions again, so the sidebar, the list's
 * filter and the rules follow.
 */
import { onMount } from 'solid-js'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import {
  definitions,
  loadDefinitions,
  reloadDefinitions,
  SCOPE_NAMES,
  TYPE_NAMES,
} from '../attributes/index.ts'
import { attributesApi } from '../attributes-api.ts'
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'
import { AttributeForm } from './AttributeForm.tsx'
import { SettingsList } from './SettingsList.tsx'

export default function Attributes(props: { inboxId: string }) {
  const panel = usePanel()
  onMount(() => loadDefinitions(panel.http, props.inboxId))
  return (
    <SettingsList
      title={t('Attributes')}
      hint={t(
        'Typed details of visitors and conversations: operators fill them in the sidebar, the list filters by them, rules test them.',
      )}
      class="label-admin attribute-admin"
      items={definitions[props.inboxId]}
      row={(def) => (
        <span class="attribute-def">
          <SafeText text={def.name} />{' '}
          <span class="muted">
            {t(SCOPE_NAMES[def.scope])} · {t(TYPE_NAMES[def.type])} · <code>{def.key}</code>
            {def.type === 'list' ? ` · ${def.options.join(', ')}` : ''}
          </span>
        </span>
      )}
      form={(def, done) => <AttributeForm inboxId={props.inboxId} def={def} onDone={done} />}
      add={t('New attribute')}
      confirm={[
        (def) => t('Delete the attribute {name}?', { name: def.name }),
        t('Delete attribute'),
        t('Its values are removed from every conversation and visitor that has one.'),
      ]}
      remove={async (def) => {
        await attributesApi(panel.http).remove(def.id)
        await reloadDefinitions(panel.http, props.inboxId)
      }}
    />
  )
}
