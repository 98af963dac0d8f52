/**
 * One message bubble: who wrote it, text, time, "edited", receipt, and edit/delete while still
 * unread. The team's side is named: the operator (the generic label until their name is known),
 * or "Automatic reply" on a bubble of its own; the name shows on the first of a run (`head`),
 * an operator's with their face (picture or initials).
 */
import { attachStrings } from '../../shared/attach-i18n.ts'
import { Show } from 'solid-js'
import type { Message } from '../../shared/index.ts'
import { useWidget } from '../context.ts'
import { canChange, isMine, receiptOf } from '../derive.ts'
import type { PendingMessage } from '../store.ts'
import { Icon } from '../../shared/ui/Icon.tsx'
import { Face } from './Face.tsx'
import { Receipt } from './Receipt.tsx'
import { RichText } from '../../shared/ui/RichText.tsx'
import { FileChips, MessageFiles } from '../../shared/ui/Attachments.tsx'

export function MessageItem(props: { message: Message | PendingMessage; head?: boolean }) {
  const w = useWidget()
  const stored = () => ('seq' in props.message ? props.message : null)
  const author = () => stored()?.author
  const auto = () => author()?.kind === 'system' && author()?.id === 'auto-reply'
  const mine = () => {
    const m = stored()
    return m ? isMine(w.state, m) : true
  }
  const who = () => {
    const a = author()
    if (mine()) return w.t.you
    if (auto()) return w.t.auto
    return (a?.kind === 'operator' && w.actions.name(a.id)) || w.t.support
  }
  /** The operator beside whose name their face shows (the head of a run), once named. */
  const face = () => {
    const a = author()
    const name = a?.kind === 'operator' && !mine() ? w.actions.name(a.id) : undefined
    return a && name ? { id: a.id, name } : null
  }
  const deleted = () => stored()?.deletedAt != null
  const changeable = () => {
    const m = stored()
    return m !== null && canChange(w.state, m)
  }
  const time = () =>
    new Intl.DateTimeFormat(w.state.lang, { hour: '2-digit', minute: '2-digit' }).format(
      props.message.createdAt,
    )
  const status = () => receiptOf(w.state, props.message)
  return (
    <li
      class="row"
      classList={{
        mine: mine(),
        theirs: !mine(),
        auto: auto(),
        editing: w.state.editing === stored()?.id,
      }}
      data-status={mine() ? status() : undefined}
      data-message-id={stored()?.id}
    >
      <Show when={changeable()}>
        <div class="actions">
          <button
            type="button"
            class="icon-button small"
            aria-label={w.t.edit}
            title={w.t.edit}
            onClick={() => w.actions.startEdit(stored()?.id ?? '')}
          >
            <Icon name="edit" size={16} />
          </button>
          <button
            type="button"
            class="icon-button small"
            aria-label={w.t.delete}
            title={w.t.delete}
            onClick={() => void w.actions.remove(stored()?.id ?? '')}
          >
            <Icon name="trash" size={16} />
          </button>
        </div>
      </Show>
      <div class="bubble" classList={{ deleted: deleted() }}>
        <span class={!mine() && (props.head || auto()) ? 'author' : 'sr-only'}>
          <Show when={props.head && face()}>
            {(f) => <Face operatorId={f().id} name={f().name} />}
          </Show>
          {who()}
        </span>
        <span class="sr-only">: </span>
        <Show when={!deleted()} fallback={<em>{w.t.deleted}</em>}>
          <Show when={stored()?.attachments?.length}>
            <MessageFiles
              conversationId={stored()?.conversationId ?? ''}
              attachments={stored()?.attachments ?? []}
              links={w.links}
              t={attachStrings(w.state.lang)}
              mount={() => document.querySelector('.pw')}
            />
          </Show>
          <Show when={!stored() && 'uploads' in props.message && props.message.uploads}>
            {(uploads) => <FileChips uploads={uploads()} t={attachStrings(w.state.lang)} />}
          </Show>
          <Show when={props.message.text}>
            <RichText text={props.message.text} />
          </Show>
        </Show>
        <span class="meta">
          <Show when={stored()?.editedAt && !deleted()}>
            <span class="edited">{w.t.edited}</span>
          </Show>
          <time dateTime={new Date(props.message.createdAt).toISOString()}>{time()}</time>
          <Show when={mine()}>
            <Receipt status={status()} />
          </Show>
        </span>
      </div>
      <Show when={status() === 'failed'}>
        <button
          type="button"
          class="link-button"
          onClick={() => w.actions.discard(props.message.clientMsgId ?? '')}
        >
          {w.t.discard}
        </button>
      </Show>
    </li>
  )
}
