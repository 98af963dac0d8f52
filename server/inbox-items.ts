/** The operators' list rows (issue 16): a page of conversations and what each row shows. */
import { publicName, type ConversationQueries } from '../actors/index.ts'
import {
  INBOX_PREVIEW_LENGTH,
  visitorLabel,
  type Conversation,
  type InboxItem,
  type InboxLastMessage,
  type Message,
} from '../protocol/index.ts'

/** What a row calls the visitor of an erased conversation (the panel translates its own). */
export const ERASED_LABEL = 'Erased visitor'

/** Enriches a page with one batch of reads (ConversationQueries.inboxRowDetails). */
export async function inboxItems(
  queries: ConversationQueries,
  page: readonly Conversation[],
): Promise<InboxItem[]> {
  const details = await queries.inboxRowDetails(page)
  return page.map((c) => {
    const visitor = details.visitors.get(c.visitorId)
    const message = details.lastMessages.get(c.id)
    const assignee = c.assigneeId ? details.operators.get(c.assigneeId) : undefined
    const name = visitor?.name ?? null
    const email = visitor?.email ?? null
    return {
      ...c,
      visitor: {
        name,
        email,
        label:
          c.erasedAt !== undefined ? ERASED_LABEL : visitorLabel({ id: c.visitorId, name, email }),
      },
      lastMessage: message ? preview(message) : null,
      assignee: assignee
        ? { id: assignee.id, name: publicName(assignee), avatarId: assignee.avatarId }
        : null,
    }
  })
}

function preview(m: Message): InboxLastMessage {
  const file = m.attachments?.[0]
  return {
    authorKind: m.author.kind,
    authorId: m.author.id,
    // Code points, so a cut never splits a surrogate pair.
    text: [...m.text].slice(0, INBOX_PREVIEW_LENGTH).join(''),
    attachment: file ? { name: file.name, contentType: file.contentType } : null,
    deleted: m.deletedAt !== null,
    at: m.createdAt,
  }
}
