/**
 * Title, status and the close button. The title names the operator the conversation is
 * assigned to, once their name is known ("Anna from Support"), with their face (picture or
 * initials) in place of the chat icon; before that, the inbox's title (its name by default). The status is the connection's while it is in trouble,
 * else the team's availability (R5): online, busy (queued), or offline with when it is back; a
 * visitor in the queue is told busy, one an operator has is not. Online, it adds the team's
 * typical reply time when the server knows one ("Typically replies in ~3 min"), never a guess,
 * unless the inbox turned it off (appearance.showReplyTime).
 * Not connected, it says "Connecting…" (amber dot), and with messages waiting that they go
 * once the connection is back. A polite live region, so a change is read out. With a pre-chat form, "Your details" opens
 * the visitor's answers to change them.
 */
import { Show } from 'solid-js'
import { useWidget } from '../context.ts'
import { preChatForm, queuePlace } from '../derive.ts'
import { appearanceOf } from '../appearance.ts'
import type { Lang } from '../config.ts'
import { Icon } from '../../shared/ui/Icon.tsx'
import { Face } from './Face.tsx'
import { HomeButton } from './HomeButton.tsx'

export function Header() {
  const w = useWidget()
  const connection = () => {
    const c = w.state.connection
    if (c === 'connected' || c === 'idle') return 'online'
    return c === 'connecting' && w.state.messages.length === 0 ? 'connecting' : 'offline'
  }
  const assignee = () => w.state.conversation?.assigneeId
  const name = () => {
    const id = !w.state.home && assignee()
    return id ? w.actions.name(id) : undefined
  }
  const status = () => {
    const key = connection()
    const a = w.state.availability
    if (key !== 'online') return { key, text: w.t.connecting }
    if (!a || a.state !== 'offline') {
      // The visitor's own case first: one waiting is told busy, one an operator has online.
      const taken = assignee() && w.state.conversation?.status === 'open'
      let state = a?.state
      if (state === 'busy' && taken) state = 'online'
      if (state === 'online' && queuePlace(w.state)) state = 'busy'
      return { key: state, text: state ? w.t[state] : '' }
    }
    const text = a.offlineText || w.t.closed
    const at = a.nextOpeningAt
    return { key: 'offline', text: at ? `${text} · ${w.t.back(when(w.state.lang, at))}` : text }
  }
  /** The server's median first response, while the visitor is shown the team online. */
  const replyMinutes = () =>
    status().key === 'online' && appearanceOf(w.state).showReplyTime
      ? (w.state.availability?.typicalReplyMinutes ?? null)
      : null
  const waiting = () => connection() !== 'online' && w.state.pending.length > 0
  return (
    <header class="header">
      <HomeButton />
      <div class="avatar" aria-hidden="true">
        <Show when={name()} fallback={<Icon name="chat" size={22} filled />}>
          {(n) => <Face operatorId={assignee() ?? ''} name={n()} large />}
        </Show>
      </div>
      <div class="heading">
        <h1 class="title">
          {name() ? w.t.from(name() as string) : appearanceOf(w.state).title || w.t.title}
        </h1>
        <p
          class="status"
          data-connection={connection()}
          data-state={status().key}
          role="status"
          aria-live="polite"
        >
          <span class="dot" aria-hidden="true" />
          {status().text}
          <Show when={waiting()}>
            <span class="reply-time">
              <span class="sr-only">, </span>
              {w.t.offline}
            </span>
          </Show>
          <Show when={replyMinutes()}>
            {(minutes) => (
              <span class="reply-time">
                <span class="sr-only">, </span>
                {w.t.replies(minutes())}
              </span>
            )}
          </Show>
        </p>
      </div>
      <Show when={preChatForm(w.state).mode !== 'off'}>
        <button
          id="pw-details"
          type="button"
          class="icon-button"
          aria-label={w.t.details}
          title={w.t.details}
          aria-expanded={w.state.detailsOpen}
          onClick={() => void w.actions.openDetails(!w.state.detailsOpen)}
        >
          <Icon name="edit" />
        </button>
      </Show>
      <button
        type="button"
        class="icon-button header-close"
        aria-label={w.t.closeChat}
        onClick={() => w.actions.close()}
      >
        <Icon name="close" />
      </button>
    </header>
  )
}

const DAY = 86_400_000

/** "today 09:00", "tomorrow 09:00", else "Mon 09:00"; in the visitor's time zone. */
function when(lang: Lang, at: number): string {
  const midnight = (t: number) => new Date(t).setHours(0, 0, 0, 0)
  const days = Math.round((midnight(at) - midnight(Date.now())) / DAY)
  const time = { hour: '2-digit', minute: '2-digit' } as const
  if (days < 2) {
    const day = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' }).format(days, 'day')
    return `${day} ${new Intl.DateTimeFormat(lang, time).format(at)}`
  }
  return new Intl.DateTimeFormat(lang, { weekday: 'short', ...time }).format(at)
}
