/**
 * "SLA breached: First response" with the visitor's name, when a deadline of a conversation
 * assigned to this operator passed (issue 20): an alert that stays until opened or dismissed
 * (opening the conversation dismisses it too). A hidden tab also gets a notification.
 */
import { createEffect, on, Show } from 'solid-js'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { usePanel } from '../context.ts'
import { visitorLabel } from '../derive.ts'
import { t } from '../i18n.ts'
import { alertHidden } from '../notify.ts'
import { KIND_NAMES } from '../sla/policies.ts'
import type { SlaAlert } from '../store.ts'
import { ToastActions } from './ToastActions.tsx'
import '../sla.css'

export function SlaToast() {
  const panel = usePanel()
  const title = (a: SlaAlert) => t('SLA breached: {kind}', { kind: t(KIND_NAMES[a.slaKind]) })
  /** The visitor, when the list knows the conversation. */
  const who = (a: SlaAlert) => {
    const c = panel.state.conversations.find((x) => x.id === a.conversationId)
    return c ? visitorLabel(panel.state, c.visitorId, c.id, c.erasedAt !== undefined) : ''
  }
  const open = (a: SlaAlert) => {
    panel.actions.dismissSla()
    void panel.actions.openConversation(a.conversationId)
  }
  createEffect(
    on(
      () => panel.state.slaAlert,
      (a) =>
        a &&
        alertHidden('assignments', a.conversationId, title(a), who(a), () => open(a), {
          always: true,
        }),
    ),
  )
  return (
    <div class="toast-region sla-region">
      <Show when={panel.state.slaAlert}>
        {(a) => (
          <div class="toast sla-toast" role="alert">
            <p>
              <strong>{title(a())}</strong> <SafeText text={who(a())} />
            </p>
            <ToastActions
              conversationId={a().conversationId}
              dismiss={() => panel.actions.dismissSla()}
            />
          </div>
        )}
      </Show>
    </div>
  )
}
