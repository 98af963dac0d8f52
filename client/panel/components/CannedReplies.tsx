/**
 * The canned replies page: an inbox's shared replies (admins from the inbox settings,
 * supervisors from their own page, for the inboxes they supervise) or the operator's own
 * (everyone, from their menu). Lists them with their shortcut, title and the
 * start of the text; creates, edits and deletes (after a confirmation).
 */
import { createEffect, createSignal, For, on, Show } from 'solid-js'
import { Icon } from '../../shared/ui/Icon.tsx'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import type { CannedReply } from '../api.ts'
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'
import { CannedForm } from './CannedForm.tsx'
import { Modal } from './Modal.tsx'
import '../canned.css'

export function CannedReplies(props: { inboxId: string | null }) {
  const panel = usePanel()
  const [replies, setReplies] = createSignal<CannedReply[] | null>(null)
  const [error, setError] = createSignal<string | null>(null)
  /** The reply in the form, 'new', or none. */
  const [editing, setEditing] = createSignal<CannedReply | 'new' | null>(null)
  const [deleting, setDeleting] = createSignal<CannedReply | null>(null)
  let heading!: HTMLHeadingElement

  const load = async () => {
    const scope = props.inboxId
    const answer = await panel.actions.listCanned(scope)
    // Another scope was chosen meanwhile: its own load shows its replies.
    if (scope !== props.inboxId) return
    if (typeof answer === 'string') return setError(answer)
    setError(null)
    setReplies(answer)
  }
  // Another scope chosen while the page shows (the menu's "My canned replies"): its replies.
  createEffect(
    on(
      () => props.inboxId,
      () => {
        setEditing(null)
        setReplies(null)
        void load()
        // Shown in place of another view: focus starts here.
        queueMicrotask(() => heading.focus())
      },
    ),
  )
  const inboxName = () =>
    (
      panel.state.inboxes.find((i) => i.id === props.inboxId) ??
      panel.state.myInboxes.find((i) => i.id === props.inboxId)
    )?.name ?? ''
  const role = () => panel.state.login?.operator.role
  /** Admins reach an inbox's replies from its settings; supervisors from their own page. */
  const fromSettings = () => role() === 'admin'
  const supervises = () => role() === 'supervisor' && panel.state.myInboxes.length > 0
  const done = (saved: boolean) => {
    setEditing(null)
    heading.focus()
    if (saved) void load()
  }

  return (
    <main class="admin">
      <div class="page-head">
        <button
          type="button"
          class="icon-button"
          aria-label={
            !props.inboxId
              ? t('Back to the inbox')
              : fromSettings()
                ? t('Back to inbox settings')
                : t('Back to my canned replies')
          }
          onClick={() =>
            !props.inboxId
              ? panel.actions.showPage('inbox')
              : fromSettings()
                ? panel.actions.showPage('inboxes')
                : panel.actions.openCanned(null)
          }
        >
          <Icon name="back" />
        </button>
        <h2 tabIndex={-1} ref={heading}>
          <Show when={props.inboxId} fallback={t('My canned replies')}>
            {t('Canned replies of {name}')
              .split(/(\{name\})/)
              .map((part) => (part === '{name}' ? <SafeText text={inboxName()} /> : part))}
          </Show>
        </h2>
      </div>
      <p class="muted">
        {props.inboxId
          ? t('Shared by every operator of this inbox.')
          : t('Yours alone, in every inbox.')}{' '}
        {t('Type / in a reply to pick one.')}
      </p>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
      <Show when={!props.inboxId && supervises()}>
        <nav aria-label={t('Shared replies of your inboxes')}>
          <span class="muted">{t('Shared replies of your inboxes:')} </span>
          <For each={panel.state.myInboxes}>
            {(inbox, i) => (
              <>
                {i() > 0 ? ', ' : ''}
                <button
                  type="button"
                  class="link-button"
                  onClick={() => panel.actions.openCanned(inbox.id)}
                >
                  <SafeText text={inbox.name} />
                </button>
              </>
            )}
          </For>
        </nav>
      </Show>
      <Show
        when={editing()}
        keyed
        fallback={
          <div>
            <button type="button" onClick={() => setEditing('new')}>
              {t('New reply')}
            </button>
          </div>
        }
      >
        {(reply) => (
          <CannedForm
            inboxId={props.inboxId}
            reply={reply === 'new' ? null : reply}
            onDone={done}
          />
        )}
      </Show>
      <Show when={replies()}>
        {(list) => (
          <Show
            when={list().length > 0}
            fallback={<p class="muted">{t('No canned replies yet.')}</p>}
          >
            <ul class="branch-list" aria-label={t('Canned replies')}>
              <For each={list()}>
                {(r) => (
                  <li class="branch-row">
                    <div class="branch-main">
                      <span>
                        <code class="canned-code">/{r.shortcut}</code>{' '}
                        <SafeText class="branch-name" text={r.title} />
                      </span>
                      <SafeText class="canned-preview muted" text={r.text} />
                    </div>
                    <div class="branch-actions">
                      <button
                        type="button"
                        class="secondary"
                        aria-label={t('Edit /{shortcut}', { shortcut: r.shortcut })}
                        onClick={() => setEditing(r)}
                      >
                        {t('Edit')}
                      </button>
                      <button
                        type="button"
                        class="secondary"
                        aria-label={t('Delete /{shortcut}', { shortcut: r.shortcut })}
                        onClick={() => setDeleting(r)}
                      >
                        {t('Delete')}
                      </button>
                    </div>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        )}
      </Show>
      <Show when={deleting()}>
        {(r) => {
          const [failed, setFailed] = createSignal<string | null>(null)
          let gone = false
          const confirm = async (close: () => void) => {
            const failure = await panel.actions.deleteCanned(r().id)
            if (failure) return setFailed(failure)
            gone = true
            close()
          }
          return (
            <Modal
              title={t('Delete /{shortcut}?', { shortcut: r().shortcut })}
              onClose={() => {
                setDeleting(null)
                heading.focus()
                if (gone) void load()
              }}
            >
              {(close) => (
                <div class="dialog-body">
                  <p>
                    {(props.inboxId
                      ? t('The reply {title} will be deleted for every operator of this inbox.')
                      : t('The reply {title} will be deleted.')
                    )
                      .split(/(\{title\})/)
                      .map((part) => (part === '{title}' ? <SafeText text={r().title} /> : part))}
                  </p>
                  <Show when={failed()}>
                    <p class="error" role="alert">
                      {failed()}
                    </p>
                  </Show>
                  <div class="form-foot">
                    <button type="button" class="secondary" onClick={close}>
                      {t('Cancel')}
                    </button>
                    <button type="button" class="danger" onClick={() => void confirm(close)}>
                      {t('Delete reply')}
                    </button>
                  </div>
                </div>
              )}
            </Modal>
          )
        }}
      </Show>
    </main>
  )
}
