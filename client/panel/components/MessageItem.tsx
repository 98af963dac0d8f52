/**
 * One message: author side, text, time, "edited", receipt, and edit/delete while unread. A
 * message from the system (an automatic reply) is marked as such, apart from both sides.
 */
import { Show } from 'solid-js'
import type { Message } from '../../shared/index.ts'
import { Icon } from '../../shared/ui/Icon.tsx'
import { RichText } from '../../shared/ui/RichText.tsx'
import { FileChips, MessageFiles } from '../../shared/ui/Attachments.tsx'
import { usePanel } from '../context.ts'
import { canChange, receiptOf } from '../derive.ts'
import { clock, fileStrings } from '../format.ts'
import { t } from '../i18n.ts'
import type { PendingMessage } from '../store.ts'
import { Receipt } from './Receipt.tsx'

export function MessageItem(props: { message: Message | PendingMessage }) {
  const panel = usePanel()
  const stored = () => ('seq' in props.message ? props.message : null)
  const fromOperator = () => {
    const m = stored()
    return m ? m.author.kind === 'operator' : true
  }
  /** Sent by the server on the team's behalf: never shown as a person's message. */
  const automatic = () => stored()?.author.kind === 'system'
  const deleted = () => stored()?.deletedAt != null
  const changeable = () => {
    const m = stored()
    return m !== null && canChange(panel.state, m)
  }
  const status = () => receiptOf(panel.state, props.message)
  return (
    <li
      class="row"
      classList={{
        mine: fromOperator(),
        theirs: !fromOperator() && !automatic(),
        auto: automatic(),
      }}
      data-status={fromOperator() ? status() : undefined}
      data-message-id={stored()?.id}
    >
      <Show when={changeable()}>
        <div class="actions">
          <button
            type="button"
            class="icon-button small"
            aria-label={t('Edit')}
            title={t('Edit')}
            onClick={() => panel.actions.startEdit(stored()?.id ?? '')}
          >
            <Icon name="edit" size={16} />
          </button>
          <button
            type="button"
            class="icon-button small"
            aria-label={t('Delete')}
            title={t('Delete')}
            onClick={() => void panel.actions.remove(stored()?.id ?? '')}
          >
            <Icon name="trash" size={16} />
          </button>
        </div>
      </Show>
      <div class="bubble" classList={{ deleted: deleted() }}>
        <Show when={automatic()}>
          <span class="auto-label">
            {stored()?.author.id === 'auto-reply'
              ? t('Automatic reply')
              : stored()?.author.id.startsWith('rule:')
                ? t('Automation rule')
                : t('System message')}
          </span>
        </Show>
        <Show when={!deleted()} fallback={<em>{t('Message deleted')}</em>}>
          <Show when={stored()?.attachments?.length}>
            <MessageFiles
              conversationId={stored()?.conversationId ?? ''}
              attachments={stored()?.attachments ?? []}
              links={panel.links}
              t={fileStrings()}
            />
          </Show>
          <Show when={!stored() && 'uploads' in props.message && props.message.uploads}>
            {(uploads) => <FileChips uploads={uploads()} t={fileStrings()} />}
          </Show>
          <Show when={props.message.text}>
            <RichText text={props.message.text} />
          </Show>
        </Show>
        <span class="meta">
          <Show when={stored()?.editedAt && !deleted()}>
            <span class="edited">{t('edited')}</span>
          </Show>
          <time dateTime={new Date(props.message.createdAt).toISOString()}>
            {clock(props.message.createdAt)}
          </time>
          <Show when={fromOperator()}>
            <Receipt status={status()} />
          </Show>
        </span>
      </div>
      <Show when={status() === 'failed'}>
        <button
          type="button"
          class="link-button"
          onClick={() => panel.actions.discard(props.message.clientMsgId ?? '')}
        >
          {t('Remove')}
        </button>
      </Show>
    </li>
  )
}
