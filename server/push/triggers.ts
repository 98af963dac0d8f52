/**
 * What is worth a push (issue 20), decided where each change of an inbox is seen once in the
 * cluster (its inbox actor): a new conversation nobody has, for the inbox's team; a
 * conversation given to someone (by routing, escalation, a transfer or a colleague), for them;
 * a visitor's message in an assigned conversation, for its assignee; a missed SLA deadline,
 * for its assignee. Mentions are pushed where the note is written (ChatService).
 */
import type { InboxChange } from '../../actors/bus.ts'
import type { Store } from '../../actors/index.ts'
import type { PanelLocale } from '../../protocol/index.ts'
import type { PushMessage, PushService } from './service.ts'

const TEXT = {
  en: {
    created: 'New conversation',
    assigned: 'A conversation is yours',
    message: 'New message',
    sla: 'SLA deadline missed',
    visitor: 'Visitor',
  },
  ru: {
    created: 'Новый диалог',
    assigned: 'Вам передан диалог',
    message: 'Новое сообщение',
    sla: 'Нарушен срок SLA',
    visitor: 'Посетитель',
  },
} as const

/** The newest visitor text of the conversation, shortened (empty when none). */
async function excerpt(store: Store, conversationId: string): Promise<string> {
  const [last] = await store.queries.listMessages(conversationId, { limit: 1 })
  const text = last && last.author.kind === 'visitor' ? last.text.replace(/\s+/g, ' ').trim() : ''
  return text.length > 120 ? `${text.slice(0, 119)}…` : text
}

export function pushTriggers(store: Store, push: PushService, panelUrl: string) {
  const at = (conversationId: string) => `${panelUrl}#c/${encodeURIComponent(conversationId)}`
  const message =
    (kind: PushMessage['kind'], conversationId: string, title: keyof (typeof TEXT)['en']) =>
    async (locale: PanelLocale): Promise<Omit<PushMessage, 'at'>> => {
      const t = TEXT[locale]
      return {
        kind,
        conversationId,
        title: t[title],
        body: (await excerpt(store, conversationId)) || t.visitor,
        url: at(conversationId),
        tag: conversationId,
      }
    }
  return async (change: InboxChange): Promise<void> => {
    const conv = change.conversation
    switch (change.kind) {
      case 'created':
        if (conv.status === 'open' && conv.assigneeId === null) {
          const team = await store.inboxes.members(conv.inboxId)
          await push.notify(team, message('new_conversation', conv.id, 'created'))
        }
        return
      case 'assigned':
        if (
          conv.assigneeId !== null &&
          !(change.by.kind === 'operator' && change.by.id === conv.assigneeId)
        ) {
          await push.notify([conv.assigneeId], message('assigned', conv.id, 'assigned'))
        }
        return
      case 'message':
        // The hot path: one call per visitor message; nothing to do for an assignee known to
        // have no subscription.
        if (
          change.author === 'visitor' &&
          conv.assigneeId !== null &&
          push.mayNotify([conv.assigneeId])
        ) {
          await push.notify([conv.assigneeId], message('message', conv.id, 'message'))
        }
        return
      case 'sla_breached':
        if (conv.assigneeId !== null) {
          await push.notify([conv.assigneeId], message('sla_breached', conv.id, 'sla'))
        }
        return
      default:
        return
    }
  }
}
