/**
 * Erasure of a visitor on request (issue 18, S8): their profile, and the content of every
 * conversation they had, irreversibly. In this order, each step safe to repeat, so an erasure
 * cut short (a node killed, the database unavailable) is finished by asking again:
 *   1. the profile is emptied and every token they hold is void; their live connections are
 *      cut on every node (a `visitor` revocation), so nothing new comes from them;
 *   2. each conversation is erased by its actor (db/repos/erasure.ts), ordered after whatever
 *      reached it before: a message in flight is stored first and erased with the rest, one
 *      arriving after is refused. The list is read again until it holds nothing unerased (a
 *      conversation started in the instant before step 1);
 *   3. their files' bytes leave the storage now, not at the next cleanup round.
 * What stays is the shape (rows, seqs, times, statuses, scores), so aggregate figures hold.
 */
import type { Clock, Store } from '../actors/index.ts'
import { ParleyError, type Party } from '../protocol/index.ts'

/** Readings of the visitor's conversations before an erasure gives up on a moving list. */
const MAX_PASSES = 5

export interface ErasureReport {
  visitorId: string
  erasedAt: number
  /** Conversations whose content this request erased (erased before: not counted). */
  conversations: number
  /** Files whose bytes left the storage during this request. */
  filesPurged: number
}

export interface ErasureDeps {
  store: Store
  clock: Clock
  /** Empties the profile, voids the tokens, cuts the connections; false: no such visitor. */
  eraseProfile(visitorId: string): Promise<boolean>
  /** Erases one conversation through its actor. */
  eraseConversation(conversationId: string, by: Party): Promise<{ erased: boolean }>
  /** Removes the bytes of every file due for removal; how many went. */
  purgeFiles(): Promise<number>
}

export async function eraseVisitor(
  deps: ErasureDeps,
  visitorId: string,
  by: Party,
): Promise<ErasureReport> {
  if (!(await deps.eraseProfile(visitorId))) throw new ParleyError('not_found', 'visitor not found')
  let erased = 0
  for (let pass = 0; ; pass++) {
    const left = (await deps.store.queries.listVisitorConversations(visitorId)).filter(
      (c) => c.erasedAt === undefined,
    )
    if (left.length === 0) break
    if (pass === MAX_PASSES) {
      throw new ParleyError('unavailable', 'the visitor keeps starting conversations; retry', {
        retryAfterMs: 1000,
      })
    }
    for (const c of left) if ((await deps.eraseConversation(c.id, by)).erased) erased++
  }
  const filesPurged = await deps.purgeFiles()
  const visitor = await deps.store.visitors.getById(visitorId)
  return {
    visitorId,
    erasedAt: visitor?.erasedAt ?? deps.clock.now(),
    conversations: erased,
    filesPurged,
  }
}
