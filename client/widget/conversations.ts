/**
 * The home view's data (15): the visitor's conversations as the server last listed them, with
 * the one on screen kept live from its own events (status, newest message, unread), and the
 * words and times the list shows. Loaded with the home view (its own chunk).
 */
import type { Message, VisitorConversation } from '../../protocol/index.ts'
import type { Lang } from './config.ts'
import { unreadCount } from './derive.ts'
import type { Strings } from './i18n.ts'
import type { WidgetState } from './store.ts'

const en = {
  open: 'Open',
  resolved: 'Resolved',
  closed: 'Closed',
  start: 'New conversation',
  none: 'No conversations yet',
  empty: 'No messages yet',
  files: (n: number) => (n === 1 ? '1 file' : `${n} files`),
}

const ru: typeof en = {
  open: 'Открыто',
  resolved: 'Решено',
  closed: 'Закрыто',
  start: 'Новое обращение',
  none: 'Обращений пока нет',
  empty: 'Сообщений пока нет',
  files: (n: number) => `Файлов: ${n}`,
}

export type HomeStrings = typeof en

export function homeStrings(lang: Lang): HomeStrings {
  return lang === 'ru' ? ru : en
}

/** The newest message of the conversation on screen (its loaded page). */
function newest(state: WidgetState): Message | null {
  return state.messages[state.messages.length - 1] ?? null
}

const activity = (c: VisitorConversation) => c.lastMessage?.createdAt ?? c.createdAt

/** The list, newest activity first, the conversation on screen as its events have it. */
export function homeItems(state: WidgetState): VisitorConversation[] {
  const shown = state.conversation
  const live = (c: VisitorConversation): VisitorConversation =>
    shown && c.id === shown.id && state.messages.length > 0
      ? { ...c, status: shown.status, lastMessage: newest(state), unread: unreadCount(state) }
      : c
  const items = state.list.map(live)
  if (shown && !items.some((c) => c.id === shown.id)) {
    items.push(live({ ...shown, lastMessage: null, unread: 0 }))
  }
  return items.sort((a, b) => activity(b) - activity(a))
}

/** One line of the newest message: the visitor's own marked as theirs. */
export function preview(m: Message | null, t: Strings, s: HomeStrings): string {
  if (!m) return s.empty
  if (m.deletedAt !== null) return t.deleted
  const files = m.attachments?.length ?? 0
  const text = m.text.replace(/\s+/g, ' ').trim().slice(0, 140) || (files ? s.files(files) : '')
  return m.author.kind === 'visitor' ? `${t.you}: ${text}` : text
}

/** "14:05" today, "3 Dec" this year, else "3 Dec 2025"; in the visitor's time zone. */
export function when(lang: Lang, at: number): string {
  const date = new Date(at)
  const now = new Date()
  if (date.toDateString() === now.toDateString()) {
    return new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit' }).format(date)
  }
  const year = date.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' as const }
  return new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'short', ...year }).format(date)
}
