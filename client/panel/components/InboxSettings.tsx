/**
 * Admin: each inbox's name and settings, its labels, macros and automation rules (issue 20) and
 * how to embed its widget. The rules' editor is an on-demand chunk (Rules-*, client/build.ts).
 */
import { Index, lazy, Show } from 'solid-js'
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'
import { EmbedCode } from './EmbedCode.tsx'
import { InboxForm } from './InboxForm.tsx'
import { LabelSettings } from './LabelSettings.tsx'
import { MacroSettings } from './MacroSettings.tsx'

const Rules = lazy(() => import('./Rules.tsx'))

export function InboxSettings() {
  const panel = usePanel()
  return (
    <main class="admin">
      <h2>{t('Inbox settings')}</h2>
      <Show when={panel.state.notice}>
        <p class="error" role="alert">
          {panel.state.notice}
        </p>
      </Show>
      {/* Index keeps each form (and its "Saved") when the saved inbox replaces the old one. */}
      <Index each={panel.state.inboxes}>
        {(inbox) => (
          <>
            <InboxForm inbox={inbox()} />
            <LabelSettings inboxId={inbox().id} />
            <MacroSettings inboxId={inbox().id} />
            <Rules inboxId={inbox().id} />
            <EmbedCode inboxId={inbox().id} />
          </>
        )}
      </Index>
    </main>
  )
}
