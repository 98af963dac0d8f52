/**
 * The conversation on screen: its header (the visitor's name once known, status, "Offline
 * request", details) and actions, whether it is snoozed, which colleagues have it open too, the
 * messages, who is typing (the visitor, colleagues), and the composer.
 */
import { onCleanup, Show } from 'solid-js'
import { createFileDraft } from '../../shared/attachments.ts'
import { createDropZone } from '../../shared/ui/Attachments.tsx'
import { Icon } from '../../shared/ui/Icon.tsx'
import { usePanel } from '../context.ts'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { selected, visitorLabel } from '../derive.ts'
import { fileStrings, STATUS_LABELS } from '../format.ts'
import { locale, t, tn } from '../i18n.ts'
import { nameOf } from '../activity.ts'
import { AlsoViewing } from './AlsoViewing.tsx'
import { Composer } from './Composer.tsx'
import { WatchBanner } from './WatchBanner.tsx'
import { ConversationActions } from './ConversationActions.tsx'
import { ConversationDetails } from './ConversationDetails.tsx'
import { MessageList } from './MessageList.tsx'
import { SnoozeNote } from './SnoozeNote.tsx'
import { DetailsToggle } from './VisitorSidebar.tsx'

export function ConversationPane(props: { id: string }) {
  const panel = usePanel()
  const conversation = () => selected(panel.state)
  const files = createFileDraft(panel.uploads(props.id))
  onCleanup(() => files.clear())
  const drop = createDropZone(
    (list) => files.add(list),
    () => !panel.state.editing && panel.state.login?.operator.canChat === true,
  )
  return (
    <section
      class="pane conversation"
      data-conversation-id={props.id}
      aria-label={t('Conversation')}
      onDragEnter={drop.handlers.onDragEnter}
      onDragOver={drop.handlers.onDragOver}
      onDragLeave={drop.handlers.onDragLeave}
      onDrop={drop.handlers.onDrop}
    >
      <header class="conv-head">
        <button
          type="button"
          class="icon-button back"
          aria-label={t('Back to conversations')}
          onClick={() => panel.actions.back()}
        >
          <Icon name="back" />
        </button>
        <div class="conv-title">
          <h2>
            <Show when={conversation()} fallback={t('Conversation')}>
              {(c) => (
                <SafeText
                  text={visitorLabel(
                    panel.state,
                    c().visitorId,
                    c().id,
                    c().erasedAt !== undefined,
                  )}
                />
              )}
            </Show>
          </h2>
          <Show when={conversation()}>
            {(c) => (
              <>
                <span class="pill" data-status={c().status}>
                  {t(STATUS_LABELS[c().status])}
                </span>
                <Show when={c().offline}>
                  <span
                    class="pill offline-pill"
                    title={t(
                      'Left while nobody could answer: the visitor expects a reply by e-mail',
                    )}
                  >
                    {t('Offline request')}
                  </span>
                </Show>
              </>
            )}
          </Show>
        </div>
        <Show when={conversation()}>{(c) => <AlsoViewing conversation={c()} />}</Show>
        <DetailsToggle />
        <ConversationActions />
      </header>
      <Show when={conversation()}>
        {(c) => (
          <>
            <ConversationDetails conversation={c()} />
            <SnoozeNote conversation={c()} />
          </>
        )}
      </Show>
      <Show when={panel.state.notice}>
        <div class="notice" role="alert">
          <span>{panel.state.notice}</span>
          <button
            type="button"
            class="icon-button small"
            aria-label={t('Dismiss')}
            onClick={() => panel.actions.dismissNotice()}
          >
            <Icon name="close" size={16} />
          </button>
        </div>
      </Show>
      <WatchBanner />
      <Show when={conversation()?.erasedAt}>
        {(at) => (
          <p class="notice erased" role="note">
            {t('Erased on {date}: its messages, notes, files and pages are gone for good.', {
              date: new Date(at()).toLocaleString(locale()),
            })}
          </p>
        )}
      </Show>
      <MessageList />
      <Show when={panel.state.visitorTyping}>
        <p class="typing" aria-live="polite">
          {t('Visitor is typing…')}
        </p>
      </Show>
      <Show when={panel.state.typists.length > 0}>
        <p class="typing" aria-live="polite">
          {tn(
            panel.state.typists.length,
            '{names} is typing a reply…',
            '{names} are typing a reply…',
            {
              names: panel.state.typists.map((id) => nameOf(panel.state, id)).join(', '),
            },
          )}
        </p>
      </Show>
      {/* Without the chat permission (a supervisor or admin viewing): read-only. */}
      <Show when={panel.state.login?.operator.canChat && conversation()?.erasedAt === undefined}>
        <Composer files={files} />
      </Show>
      <Show when={drop.dragging()}>
        <div class="drop-overlay">{fileStrings().drop}</div>
      </Show>
    </section>
  )
}
