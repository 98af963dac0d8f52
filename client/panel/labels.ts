/**
 * Priority and labels (issue 20): each inbox's labels, loaded once and kept in the store (read
 * again after an admin's change, or when a conversation carries one this copy does not know),
 * and the conversation on screen's priority and labels, changed over the socket.
 */
import { reconcile } from 'solid-js/store'
import type { Conversation, Transport } from '../shared/index.ts'
import type { ConversationPriority, Label, PanelApi } from './api.ts'
import { msg } from './i18n.ts'
import type { PanelMutations, PanelState } from './store.ts'

/** Most urgent first: the select's order and the list's priority sort (protocol's rank). */
export const PRIORITIES: readonly ConversationPriority[] = ['urgent', 'high', 'normal', 'low']

/** The words for each priority: msg() keys, translated with t() where shown. */
export const PRIORITY_NAMES: Record<ConversationPriority, string> = {
  urgent: msg('Urgent'),
  high: msg('High'),
  normal: msg('Normal'),
  low: msg('Low'),
}

/** A conversation's priority (absent: normal) as a rank, 0 the most urgent. */
export const priorityRank = (c: Pick<Conversation, 'priority'>) =>
  PRIORITIES.indexOf(c.priority ?? 'normal')

/** An opening picker reads the inbox's labels again when its copy is older than this. */
const STALE_MS = 30_000

/** The labels of the conversation its inbox still defines, in the order they were added. */
export function labelsOf(state: PanelState, c: Conversation): Label[] {
  const known = state.labels[c.inboxId] ?? []
  return (c.labels ?? []).flatMap((id) => known.filter((l) => l.id === id))
}

export function createLabels(
  state: PanelState,
  m: PanelMutations,
  api: PanelApi,
  transport: Transport,
  /** Shows why a change was refused (the conversation's notice). */
  fail: (e: unknown) => void,
) {
  const loading = new Map<string, Promise<void>>()
  const loadedAt = new Map<string, number>()
  /** Label ids met on conversations and looked for once already. */
  const sought = new Set<string>()

  function load(inboxId: string): Promise<void> {
    const running = loading.get(inboxId)
    if (running) return running
    const done = api
      .labels(inboxId)
      .then(({ labels }) => {
        loadedAt.set(inboxId, Date.now())
        // By id: chips and rows on screen (and a focused button in one) stay.
        m.set('labels', inboxId, reconcile(labels, { key: 'id' }))
      })
      .catch(() => undefined)
      .finally(() => loading.delete(inboxId))
    loading.set(inboxId, done)
    return done
  }

  /** The change went through: the row shows it now, the feed confirms it later. */
  const patch = (id: string, fields: Pick<Conversation, 'priority' | 'labels'>) =>
    m.set('conversations', (c) => c.id === id, fields)

  return {
    /**
     * The inbox's labels into the store, unless there already. Read again when `check` names
     * an id the copy lacks and was not looked for yet (a label created since; a deleted one is
     * looked for once), or, at most every STALE_MS, when it is `true` (a picker opening).
     */
    labelsFor(inboxId: string, check: readonly string[] | true = []): Promise<void> {
      const known = state.labels[inboxId]
      if (!known) return load(inboxId)
      if (check === true) {
        return Date.now() - (loadedAt.get(inboxId) ?? 0) > STALE_MS
          ? load(inboxId)
          : Promise.resolve()
      }
      const unknown = check.filter((id) => !sought.has(id) && !known.some((l) => l.id === id))
      for (const id of unknown) sought.add(id)
      return unknown.length > 0 ? load(inboxId) : Promise.resolve()
    },
    /** After an admin's change (a label created, renamed, deleted): read them again now. */
    reloadLabels: (inboxId: string) => load(inboxId),
    async setPriority(priority: ConversationPriority) {
      const conversationId = state.selectedId
      if (!conversationId) return
      m.set('notice', null)
      try {
        const frame = { type: 'set_priority', conversationId, priority } as const
        const ack = await transport.request<{ priority: ConversationPriority }>(frame)
        patch(conversationId, { priority: ack.priority })
      } catch (e) {
        fail(e)
      }
    },
    /** Adds and removes labels of the conversation on screen; true when it went through. */
    async changeLabels(change: { add?: string[]; remove?: string[] }): Promise<boolean> {
      const conversationId = state.selectedId
      if (!conversationId) return false
      m.set('notice', null)
      try {
        const frame = { type: 'set_labels', conversationId, ...change } as const
        const ack = await transport.request<{ labels: string[] }>(frame)
        patch(conversationId, { labels: ack.labels })
        return true
      } catch (e) {
        fail(e)
        return false
      }
    },
  }
}
