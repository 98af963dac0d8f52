/** Admin: each inbox's name and settings. */
import { Index, Show } from 'solid-js'
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'
import { EmbedCode } from './EmbedCode.tsx'
import { InboxForm } from './InboxForm.tsx'

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
            <EmbedCode inboxId={inbox().id} />
          </>
        )}
      </Index>
    </main>
  )
}
