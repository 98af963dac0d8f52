/**
 * Snooze (issue 20): the conversation on screen set aside until a time or until its visitor
 * writes, and woken up again, over the socket; the words for a snooze, its time and its
 * thread lines.
 */
import type { Conversation, Transport } from '../shared/index.ts'
import { byRule, nameOf } from './activity.ts'
import { locale, t } from './i18n.ts'
import type { PanelMutations, PanelState, SnoozeLine } from './store.ts'

type Snooze = NonNullable<Conversation['snooze']>

/** The id of the note above a snoozed thread ("Snooze" is described by it). */
export const SNOOZE_NOTE = 'snooze-note'

/** "Dec 7, 09:00" (the year too when it is not this one), in the UI language. */
export function snoozeTime(at: number): string {
  const d = new Date(at)
  return new Intl.DateTimeFormat(locale(), {
    month: 'short',
    day: 'numeric',
    year: d.getFullYear() === new Date().getFullYear() ? undefined : 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(d)
}

/** "Snoozed until Dec 7, 09:00", "Snoozed until the visitor replies". */
export function snoozedText(snooze: Snooze): string {
  return snooze.until === null
    ? t('Snoozed until the visitor replies')
    : t('Snoozed until {time}', { time: snoozeTime(snooze.until) })
}

/**
 * A snooze line (issue 20): "Anna snoozed until Dec 7, 09:00", "Anna snoozed until the visitor
 * replies", "Anna unsnoozed", "Woke up: the visitor wrote", "Woke up on time"; "Snooze ended"
 * right after a status change (resolving or closing wakes it, whoever did it).
 */
export function snoozeLineText(state: PanelState, line: SnoozeLine): string {
  const { snooze, by } = line.data
  if (snooze === null) {
    const seq = line.seq - 1
    if (state.activity.some((l) => l.seq === seq && l.name === 'conversation.status')) {
      return t('Snooze ended')
    }
    if (by.kind === 'visitor') return t('Woke up: the visitor wrote')
    if (by.kind === 'system') return by.id === 'snooze' ? t('Woke up on time') : t('Snooze ended')
  }
  const name =
    by.kind === 'operator' ? nameOf(state, by.id) : byRule(by) ? t('Automation rule') : t('System')
  if (snooze === null) return t('{name} unsnoozed', { name })
  return snooze.until === null
    ? t('{name} snoozed until the visitor replies', { name })
    : t('{name} snoozed until {time}', { name, time: snoozeTime(snooze.until) })
}

export function createSnooze(
  state: PanelState,
  m: PanelMutations,
  transport: Transport,
  /** Shows why a change was refused (the conversation's notice). */
  fail: (e: unknown) => void,
) {
  async function send(frame: { type: 'snooze'; until?: number } | { type: 'unsnooze' }) {
    const conversationId = state.selectedId
    if (!conversationId) return
    m.set('notice', null)
    try {
      const ack = await transport.request<{ snooze: Snooze | null }>({ ...frame, conversationId })
      // The row leaves (or rejoins) the list now; the feed confirms it later.
      m.set('conversations', (c) => c.id === conversationId, 'snooze', ack.snooze ?? undefined)
    } catch (e) {
      fail(e)
    }
  }
  return {
    /** Until `until` (epoch ms), or (null) until the visitor writes. */
    snooze: (until: number | null) =>
      send(until === null ? { type: 'snooze' } : { type: 'snooze', until }),
    unsnooze: () => send({ type: 'unsnooze' }),
  }
}
