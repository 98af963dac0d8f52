/**
 * One conversation in the list: a tick box for bulk actions, then the row itself: visitor,
 * newest message with its sender, time, status, assignee, inbox, wait and unread count.
 */
import { createEffect, Show } from 'solid-js'
import type { Conversation } from '../../shared/index.ts'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { usePanel } from '../context.ts'
import { ago, operatorName, visitorLabel } from '../derive.ts'
import { STATUS_LABELS } from '../format.ts'
import { locale, t } from '../i18n.ts'
import { Avatar } from './Avatar.tsx'
import { ChannelMark } from './ChannelMark.tsx'

export function InboxRow(props: {
  conversation: Conversation
  now: number
  /** Its place in the whole list (1-based) and the list's size (-1: more pages to come). */
  position: number
  setSize: number
}) {
  const panel = usePanel()
  const c = () => props.conversation
  const me = () => panel.state.login?.operator.id
  const details = () => panel.state.rowDetails[c().id]
  const unread = () => panel.state.unread[c().id] ?? 0
  const activity = () => c().lastMessageAt ?? c().createdAt
  const label = () => visitorLabel(panel.state, c().visitorId, c().id, c().erasedAt !== undefined)
  const last = () => details()?.lastMessage ?? null
  const assignee = () => {
    const a = details()?.assignee
    // The feed may have moved it since the page came: the name only when it is still theirs.
    return a && a.id === c().assigneeId ? a : null
  }
  /** Who wrote the newest message, as its preview starts: "You: ", "Anna: ", or nothing. */
  const sender = () => {
    const m = last()
    if (!m || m.authorKind !== 'operator') return ''
    if (m.authorId === me()) return t('You: ')
    const name =
      assignee()?.id === m.authorId ? assignee()?.name : operatorName(panel.state, m.authorId)
    return name ? `${name.split(/\s+/)[0]}: ` : ''
  }
  // A colleague who wrote last but is not the assignee: their name comes with the inbox's team.
  createEffect(() => {
    const m = last()
    if (m?.authorKind === 'operator' && m.authorId !== me() && !sender()) {
      panel.actions.loadTeam(c().inboxId).catch(() => undefined)
    }
  })
  const preview = () => {
    const m = last()
    if (!m) return ''
    if (m.text) return m.text
    if (m.attachment)
      return m.attachment.contentType.startsWith('image/') ? t('Photo') : m.attachment.name
    return ''
  }
  const inboxName = () =>
    panel.state.myInboxes.length > 1
      ? panel.state.myInboxes.find((i) => i.id === c().inboxId)?.name
      : undefined
  /** "waiting 5 min" since the visitor's first unanswered message (nobody waits once it ended). */
  const waiting = () => {
    const since = c().waitingSince
    if (since == null || c().status !== 'open') return null
    // Under a minute: ago() would say "now".
    const long = props.now - since < 60_000 ? t('<1 min') : ago(since, props.now)
    return t('waiting {time}', { time: long })
  }
  const selected = () => panel.state.selection.includes(c().id)
  return (
    <li
      class="row-item"
      classList={{ ticked: selected() }}
      aria-posinset={props.position}
      aria-setsize={props.setSize}
    >
      <input
        type="checkbox"
        class="row-check"
        aria-label={t('Select {name}', { name: label() })}
        checked={selected()}
        onChange={(e) => panel.actions.toggleSelected(c().id, e.currentTarget.checked)}
      />
      <button
        type="button"
        class="conversation-row"
        data-conversation-id={c().id}
        data-unanswered={c().hasUnansweredIncoming ? 'true' : undefined}
        aria-current={panel.state.selectedId === c().id ? 'true' : undefined}
        onClick={() => void panel.actions.openConversation(c().id)}
      >
        <Avatar
          name={label().replace(/\s+\d+$/, '')}
          avatarId={null}
          colorKey={c().visitorId}
          size={38}
        />
        <span class="row-main">
          <span class="row-title">
            {/* The channel it came by: the widget's live chat or request, e-mail, Telegram, API. */}
            <ChannelMark of={c()} />
            <SafeText class="name" text={label()} />
            <time
              dateTime={new Date(activity()).toISOString()}
              title={new Date(activity()).toLocaleString(locale())}
            >
              {ago(activity(), props.now)}
            </time>
          </span>
          <span class="row-preview">
            <Show when={!last()?.deleted} fallback={<em class="muted">{t('Message deleted')}</em>}>
              <span class="sender">{sender()}</span>
              <SafeText class="muted" text={preview()} />
            </Show>
          </span>
          <span class="row-sub">
            <span class="pill" data-status={c().status}>
              {t(STATUS_LABELS[c().status])}
            </span>
            <Show when={c().assigneeId} fallback={<span class="muted">{t('Unassigned')}</span>}>
              {(id) => (
                <span class="assignee">
                  <Show when={assignee()}>
                    {(a) => (
                      <Avatar name={a().name} avatarId={a().avatarId} colorKey={a().id} size={16} />
                    )}
                  </Show>
                  <SafeText
                    class="muted"
                    text={
                      id() === me()
                        ? t('You')
                        : (assignee()?.name ?? operatorName(panel.state, id()) ?? '…')
                    }
                  />
                </span>
              )}
            </Show>
            <Show when={inboxName()}>
              {(name) => <SafeText class="inbox-name muted" text={name()} />}
            </Show>
            <Show when={c().hasUnansweredIncoming}>
              <span class="unanswered">{waiting() ?? t('Unanswered')}</span>
            </Show>
            <Show when={unread() > 0}>
              <span class="badge" aria-label={t('{n} unread', { n: unread() })}>
                {unread()}
              </span>
            </Show>
          </span>
        </span>
      </button>
    </li>
  )
}
