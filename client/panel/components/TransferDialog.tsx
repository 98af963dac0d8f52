/**
 * Hands the conversation on (R4): to a branch (its first free operator, else its queue) or to an
 * operator (theirs at once when available, else it waits in their branch), with a note only the
 * receiver sees. The team is loaded afresh on opening, so statuses and loads are current.
 */
import { createSignal, createUniqueId, Show } from 'solid-js'
import type { Conversation } from '../../shared/index.ts'
import { describe } from '../chat.ts'
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'
import type { TransferTarget } from '../transfers.ts'
import { Modal } from './Modal.tsx'
import { TransferTargets } from './TransferTargets.tsx'

/** The server's limit on a note (MAX_TRANSFER_NOTE). */
const NOTE_MAX = 500

export function TransferDialog(props: {
  conversation: Conversation
  /** `transferred`: it went through (the opening button may be gone). */
  onClose: (transferred: boolean) => void
}) {
  const panel = usePanel()
  const inboxId = props.conversation.inboxId
  const team = () => panel.state.teams[inboxId]
  const [loadError, setLoadError] = createSignal<string | null>(null)
  const [target, setTarget] = createSignal<TransferTarget | null>(null)
  const [note, setNote] = createSignal('')
  const [error, setError] = createSignal<string | null>(null)
  const [busy, setBusy] = createSignal(false)
  const countId = createUniqueId()
  let transferred = false
  panel.actions.loadTeam(inboxId, true).catch((e: unknown) => setLoadError(describe(e)))

  const submit = async (e: SubmitEvent, close: () => void) => {
    e.preventDefault()
    const to = target()
    if (!to) return setError(t('Choose a branch or an operator.'))
    setBusy(true)
    setError(null)
    const failure = await panel.actions.transfer(props.conversation.id, to, note())
    setBusy(false)
    if (failure) return setError(failure)
    transferred = true
    close()
  }

  return (
    <Modal
      title={t('Transfer conversation')}
      class="transfer-dialog"
      onClose={() => props.onClose(transferred)}
    >
      {(close) => (
        <Show
          when={team()}
          fallback={
            <div class="dialog-body">
              <p role={loadError() ? 'alert' : 'status'} classList={{ error: !!loadError() }}>
                {loadError() ?? t('Loading the team…')}
              </p>
              <div class="form-foot">
                <button type="button" class="secondary" onClick={close}>
                  {t('Cancel')}
                </button>
              </div>
            </div>
          }
        >
          {(loaded) => (
            <form class="dialog-body" onSubmit={(e) => void submit(e, close)}>
              <TransferTargets
                team={loaded()}
                conversation={props.conversation}
                selected={target()}
                onSelect={(to) => {
                  setTarget(to)
                  setError(null)
                }}
              />
              <label>
                {t('Note for the receiver (optional)')}
                <textarea
                  rows={3}
                  dir="auto"
                  maxLength={NOTE_MAX}
                  value={note()}
                  onInput={(e) => setNote(e.currentTarget.value)}
                  aria-describedby={countId}
                />
              </label>
              <p id={countId} class="muted note-count">
                {t('{count} / {max}. The visitor never sees it.', {
                  count: note().length,
                  max: NOTE_MAX,
                })}
              </p>
              <Show when={error()}>
                <p class="error" role="alert">
                  {error()}
                </p>
              </Show>
              <div class="form-foot">
                <button type="submit" disabled={busy()}>
                  {t('Transfer')}
                </button>
                <button type="button" class="secondary" onClick={close}>
                  {t('Cancel')}
                </button>
              </div>
            </form>
          )}
        </Show>
      )}
    </Modal>
  )
}
