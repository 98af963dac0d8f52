/**
 * Assign to me / release, transfer, the inbox's macros (MacroMenu, issue 20), and resolve, close,
 * mark pending (issue 20: answered, waiting on the visitor), snooze (SnoozeMenu, issue 20; open
 * ones only) or reopen (operators with chat permission). A pressed status button that goes hands
 * the focus to the first of the status buttons that replace it. Transfer: the assignee, anyone
 * for an unassigned conversation, a supervisor or admin for any; the dialog hands focus back to
 * its button (or, when it is gone, the first action).
 */
import { createEffect, createSignal, on, Show } from 'solid-js'
import type { Conversation } from '../../shared/index.ts'
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
      // Open or pending (issue 20): the server moves either.
      (conversation?.status === 'open' || conversation?.status === 'pending') &&
      (conversation.assigneeId === null ||
        conversation.assigneeId === me() ||
        role === 'supervisor' ||
        role === 'admin')
    )
  }
  /** A status button pressed: once the buttons change, the focus goes to the new first one. */
  let pressed = false
  const setStatus = (status: Conversation['status']) => {
    pressed = true
    panel.actions.setStatus(status)
  }
  createEffect(
    on(
      () => c()?.status,
      () => {
        // Only when the pressed button went (the focus fell to the page), never from a field.
        if (pressed && document.activeElement === document.body) {
          root?.querySelector<HTMLButtonElement>('[data-status-action]')?.focus()
        }
        pressed = false
      },
      { defer: true },
    ),
  )
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
          when={c()?.status === 'open' || c()?.status === 'pending'}
          fallback={
            <button
              type="button"
              class="secondary"
              data-status-action
              onClick={() => setStatus('open')}
            >
              {t('Reopen')}
            </button>
          }
        >
          <Show when={c()?.status === 'pending'}>
            <button
              type="button"
              class="secondary"
              data-status-action
              onClick={() => setStatus('open')}
            >
              {t('Reopen')}
            </button>
          </Show>
          <button
            type="button"
            data-status-action
            title={t(RESOLVE_HINT)}
            onClick={() => setStatus('resolved')}
          >
            {t('Resolve')}
          </button>
          <Show when={c()?.status === 'open'}>
            <button
              type="button"
              class="secondary"
              data-status-action
              title={t(PENDING_HINT)}
              onClick={() => setStatus('pending')}
            >
              {t('Mark pending')}
            </button>
          </Show>
          <button
            type="button"
            class="secondary"
            title={t(CLOSE_HINT)}
            onClick={() => setStatus('closed')}
          >
            {t('Close')}
          </button>
          <Show when={c()?.status === 'open'}>
            <SnoozeMenu snoozed={c()?.snooze !== undefined} />
          </Show>
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
/** Pending (issue 20): answered, waiting on the visitor, who sees it open. */
const PENDING_HINT = msg('Waiting on the visitor: their next message opens it again')
const CLOSE_HINT = msg(
  'Finished for good (spam, ended): writing again starts a new conversation in the widget',
)
