/**
 * Contacts the server makes (issue 17): visitors that came from an integration (`api`), an
 * e-mail (`email:<address>`) or Telegram (`telegram:<chat id>`) rather than the widget. One
 * outside id is one visitor of an inbox; the first message makes it, later ones find it, and two
 * first messages at once end with one visitor (the unique outside id decides).
 */
import type { Store, VisitorRecord } from '../actors/index.ts'
import { ParleyError } from '../protocol/index.ts'

/**
 * The inbox's visitor with this outside id (or, without one, with this id), made when there
 * is none yet.
 */
export async function findOrMakeContact(
  store: Store,
  contact: { inboxId: string; externalId: string | null; id: string; now: number },
): Promise<VisitorRecord> {
  const find = () =>
    contact.externalId
      ? store.visitors.findByExternalId(contact.inboxId, contact.externalId)
      : store.visitors.getById(contact.id)
  const found = await find()
  if (found) return found
  const record: VisitorRecord = {
    id: contact.id,
    inboxId: contact.inboxId,
    externalId: contact.externalId,
    createdAt: contact.now,
    signedOutAt: 0,
    name: null,
    email: null,
  }
  try {
    await store.visitors.create(record)
    return record
  } catch (error) {
    // Two first messages of one contact raced: the other made it.
    if (!(error instanceof ParleyError && error.code === 'conflict')) throw error
    const raced = await find()
    if (!raced) throw error
    return raced
  }
}
