/**
 * Admin: each inbox's name and settings, its labels, macros, custom attributes and automation
 * rules, SLA policies and proactive messages (issue 20) and how to embed its widget. The
 * attributes', the rules', the SLA policies' and the proactive messages' editors are on-demand
 * chunks (Attributes-*, Rules-*, SlaPolicies-*, Campaigns-*, client/build.ts).
 *
 * A supervisor (issue 20): the inboxes of their scope (`GET /api/inboxes`, read when the page
 * opens), each under a heading with its name, with what they may change there: its labels,
 * macros, attributes, SLA policies, rules and proactive messages. Not the inbox's own settings,
 * members, branches, webhooks or embed code (admins' alone), nor any admin-only call.
 */
import { createResource, Index, lazy, Show } from 'solid-js'
import { httpJson, type InboxRecord } from '../../shared/index.ts'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'
import { EmbedCode } from './EmbedCode.tsx'
import { InboxForm } from './InboxForm.tsx'
import { LabelSettings } from './LabelSettings.tsx'
import { MacroSettings } from './MacroSettings.tsx'

const Attributes = lazy(() => import('./Attributes.tsx'))
const Campaigns = lazy(() => import('./Campaigns.tsx'))
const Help = lazy(() => import('./Help.tsx'))
const Rules = lazy(() => import('./Rules.tsx'))
const SlaPolicies = lazy(() => import('./SlaPolicies.tsx'))

export function InboxSettings() {
  const panel = usePanel()
  const admin = () => panel.state.login?.operator.role === 'admin'
  // The list's copy if the read fails (it comes from the same route).
  const [scope] = createResource(
    () => !admin(),
    () =>
      httpJson<{ inboxes: Array<{ id: string; name: string }> }>(
        panel.http.baseUrl,
        '/api/inboxes',
        { token: panel.http.token() },
      ).then(
        (r) => r.inboxes,
        () => panel.state.myInboxes,
      ),
  )
  return (
    <main class="admin">
      <h2>{t('Inbox settings')}</h2>
      <Show when={panel.state.notice}>
        <p class="error" role="alert">
          {panel.state.notice}
        </p>
      </Show>
      {/* Index keeps each form (and its "Saved") when the saved inbox replaces the old one. */}
      <Index each={admin() ? panel.state.inboxes : scope()}>
        {(inbox) => (
          <>
            <Show
              when={admin()}
              fallback={
                <h2>
                  <SafeText text={inbox().name} />
                </h2>
              }
            >
              <InboxForm inbox={inbox() as InboxRecord} />
            </Show>
            <LabelSettings inboxId={inbox().id} />
            <MacroSettings inboxId={inbox().id} />
            <Attributes inboxId={inbox().id} />
            <SlaPolicies inboxId={inbox().id} />
            <Rules inboxId={inbox().id} />
            <Campaigns inboxId={inbox().id} />
            <Show when={admin()}>
              <EmbedCode inboxId={inbox().id} />
            </Show>
          </>
        )}
      </Index>
      <Help />
    </main>
  )
}
