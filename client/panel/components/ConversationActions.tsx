/**
 * Assign to me / release, transfer, the inbox's macros (MacroMenu, issue 20), and resolve, close,
 * snooze (SnoozeMenu, issue 20) or reopen (operators with chat permission). Transfer: the assignee, anyone for an unassigned
 * conversation, a supervisor or admin for any; the dialog hands focus back to its button (or,
 * when it is gone, the first action).
 */
import { createSignal, Show } from 'solid-js'
import { usePanel } from '../context.ts'
import { selected } from '../derive.ts'
import { msg, t } from '../i18n.ts'
import { MacroMenu } from './MacroMenu.tsx'
import { SnoozeMenu } from './SnoozeMenu.tsx'
import { TransferDialog } from './TransferDialog.tsx'

export function ConversationActions() {
  const panel = usePanel()
  const me = () => panel.state.login?.operator.id ?? ''
  const c = () => selected(panel.state)
  const [transferring, setTransferring] = createSignal(false)
  let root: HTMLDivElement | undefined
  let transferButton: HTMLButtonElement | undefined
  const mayTransfer = () => {
    const conversation = c()
    const role = panel.state.login?.operator.role
    return (
      conversation?.status === 'open' &&
      (conversation.assigneeId === null ||
        conversation.assigneeId === me() ||
        role === 'supervisor' ||
        role === 'admin')
    )
  }
  const closeDialog = () => {
    if (!transferring()) return
    setTransferring(false)
    if (transferButton?.isConnected) transferButton.focus()
    else root?.querySelector('button')?.focus()
  }
  return (
    <Show when={c() && c()?.erasedAt === undefined && panel.state.login?.operator.canChat}>
      <div class="conv-actions" ref={root}>
        <Show
          when={c()?.assigneeId === me()}
          fallback={
            <button type="button" class="secondary" onClick={() => panel.actions.assign(me())}>
              {t('Assign to me')}
            </button>
          }
        >
          <button type="button" class="secondary" onClick={() => panel.actions.assign(null)}>
            {t('Release')}
          </button>
        </Show>
        <Show when={mayTransfer()}>
          <button
            ref={transferButton}
            type="button"
            class="secondary"
            aria-haspopup="dialog"
            onClick={() => setTransferring(true)}
          >
            {t('Transfer…')}
          </button>
        </Show>
        <Show when={c()?.inboxId} keyed>
          {(inboxId) => <MacroMenu inboxId={inboxId} />}
        </Show>
        <Show
          when={c()?.status === 'open'}
          fallback={
            <button type="button" class="secondary" onClick={() => panel.actions.setStatus('open')}>
              {t('Reopen')}
            </button>
          }
        >
          <button
            type="button"
            title={t(RESOLVE_HINT)}
            onClick={() => panel.actions.setStatus('resolved')}
          >
            {t('Resolve')}
          </button>
          <button
            type="button"
            class="secondary"
            title={t(CLOSE_HINT)}
            onClick={() => panel.actions.setStatus('closed')}
          >
            {t('Close')}
          </button>
          <SnoozeMenu snoozed={c()?.snooze !== undefined} />
        </Show>
      </div>
      <Show when={transferring() && c()}>
        {(conversation) => <TransferDialog conversation={conversation()} onClose={closeDialog} />}
      </Show>
    </Show>
  )
}

/** Resolve vs Close (README "Resolve or close"): what the visitor sees after each. */
const RESOLVE_HINT = msg(
  'Answered: the visitor is asked for a rating, and writing again reopens this conversation',
)
const CLOSE_HINT = msg(
  'Finished for good (spam, ended): writing again starts a new conversation in the widget',
)
