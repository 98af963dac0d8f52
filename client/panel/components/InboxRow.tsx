/**
 * One conversation in the list: a tick box for bulk actions, then the row itself: visitor,
 * newest message with its sender, time, status, priority when urgent or high (in words, not
 * color alone), its SLA while open (issue 20: the time to its next deadline, or breached; in
 * words, an icon when at risk or breached), whether it is snoozed and until when, its first
 * labels, assignee, inbox, wait and unread count.
 */
import { createEffect, For, Show } from 'solid-js'
import type { Conversation } from '../../shared/index.ts'
import { Icon } from '../../shared/ui/Icon.tsx'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { usePanel } from '../context.ts'
import { ago, operatorName, visitorLabel } from '../derive.ts'
import { STATUS_LABELS } from '../format.ts'
import { locale, t } from '../i18n.ts'
import { labelsOf, PRIORITY_NAMES } from '../labels.ts'
import { atRisk, slaDues } from '../sla.ts'
import { snoozedText } from '../snooze.ts'
import { Avatar } from './Avatar.tsx'
import { ChannelMark } from './ChannelMark.tsx'
import { LabelChip } from './LabelChip.tsx'

/** The labels a row shows; "+N" stands for the rest. */
const ROW_LABELS = 3
/** Arrow up: a high priority (an urgent one has the alert icon). */
const UP = 'M12 19V5 M6 11l6-6 6 6'

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
  /** Its SLA mark while open: breached, else the time to its earliest deadline. */
  const sla = () => {
    const s = c().sla
    if (!s || c().status !== 'open') return null
    if (s.breaches.length > 0) return { risk: 'breached', text: t('SLA breached') }
    const next = slaDues(s)[0]
    if (!next) return null
    const left = next.due - props.now < 60_000 ? t('<1 min') : ago(props.now, next.due)
    return { risk: atRisk(next, props.now) ? 'risk' : '', text: t('SLA {time}', { time: left }) }
  }
  const selected = () => panel.state.selection.includes(c().id)
  const labels = () => labelsOf(panel.state, c())
  const marked = () => {
    const p = c().priority
    return p === 'urgent' || p === 'high' ? p : null
  }
  // A label created since the inbox's labels were read: read them again (rate-limited).
  createEffect(() => {
    const ids = c().labels
    if (ids?.length) void panel.actions.labelsFor(c().inboxId, ids)
  })
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
            <Show when={marked()}>
              {(p) => (
                <span class="priority" data-priority={p()}>
                  <Icon name="alert" d={p() === 'high' ? UP : undefined} size={14} />
                  {t(PRIORITY_NAMES[p()])}
                </span>
              )}
            </Show>
            <Show when={sla()}>
              {(mark) => (
                <span class="sla-mark" data-sla={mark().risk}>
                  <Show when={mark().risk}>
                    <Icon name="alert" size={14} />
                  </Show>
                  {mark().text}
                  <Show when={mark().risk === 'risk'}>
                    <span class="sr-only">{t(', at risk')}</span>
                  </Show>
                </span>
              )}
            </Show>
            <Show when={c().snooze}>
              {(snooze) => (
                <span class="snoozed">
                  <Icon name="clock" size={14} />
                  {snoozedText(snooze())}
                </span>
              )}
            </Show>
            <For each={labels().slice(0, ROW_LABELS)}>{(label) => <LabelChip label={label} />}</For>
            <Show when={labels().length > ROW_LABELS}>
              <span
                class="tag tag-more"
                title={labels()
                  .slice(ROW_LABELS)
                  .map((l) => l.name)
                  .join(', ')}
              >
                +{labels().length - ROW_LABELS}
              </span>
            </Show>
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
