/**
 * E-mail digests for operators who are offline (issue 17, I4): an operator who turned them on
 * (`/api/me/notifications`) and has no live connection gets, at most every DIGEST_EVERY_MS,
 * one e-mail listing the open conversations waiting for an answer that are theirs or nobody's
 * in their inboxes, when at least one of them had a visitor's message since the last digest.
 * The job runs every minute on one node of a cluster (a lock); a failed send is tried again at
 * the next run (the time of the last digest moves only once one went).
 */
import type { Clock, Logger, OperatorRecord, Principal, Store } from '../../actors/index.ts'
import type { PresenceBoard } from '../../actors/operator/presence.ts'
import type { InboxItem } from '../../protocol/index.ts'
import type { ChatService } from '../chat.ts'
import type { Mailer } from './mailer.ts'
import { digest, type DigestItem } from './templates.ts'

/** One digest per operator at most this often. */
export const DIGEST_EVERY_MS = 15 * 60_000
/** Conversations listed per section. */
const PER_SECTION = 20
const PREVIEW = 140

export class DigestJob {
  constructor(
    private readonly deps: {
      store: Store
      clock: Clock
      log: Logger
      mailer: Mailer | null
      board: PresenceBoard
      chat: ChatService
      publicUrl: string | null
      elevatedScope: 'all' | 'members'
    },
  ) {}

  /** One round: digests for whoever is due one; how many went. */
  async run(): Promise<{ sent: number }> {
    const { store, clock, mailer, board } = this.deps
    if (!mailer) return { sent: 0 }
    let sent = 0
    for (const pref of await store.notificationPrefs.digestRecipients()) {
      const now = clock.now()
      if (pref.digestSentAt !== null && now - pref.digestSentAt < DIGEST_EVERY_MS) continue
      // In the panel somewhere: it shows them everything already.
      if (board.get(pref.operatorId).present) continue
      const op = await store.operators.getById(pref.operatorId)
      if (!op || !op.active || !op.canChat) continue
      try {
        if (await this.send(op, pref.digestSentAt ?? 0, mailer)) {
          await store.notificationPrefs.digestSent(op.id, now)
          sent++
        }
      } catch (error) {
        this.deps.log.warn('digest failed', { operatorId: op.id, error })
      }
    }
    return { sent }
  }

  private async send(op: OperatorRecord, since: number, mailer: Mailer): Promise<boolean> {
    const principal = await this.principalOf(op)
    const list = (view: 'mine' | 'unassigned') =>
      this.deps.chat.listInbox(principal, {
        view,
        status: 'open',
        unansweredOnly: true,
        cursor: null,
        limit: PER_SECTION,
      })
    const [mine, unassigned] = await Promise.all([list('mine'), list('unassigned')])
    const all = [...mine.items, ...unassigned.items]
    // Nothing new since the last digest: no e-mail about what they were told already.
    if (!all.some((i) => (i.lastMessageAt ?? 0) > since)) return false
    const rendered = digest(op.locale === 'ru' ? 'ru' : 'en', {
      name: op.displayName ?? op.name,
      mine: mine.items.map((i) => this.item(i)),
      unassigned: unassigned.items.map((i) => this.item(i)),
    })
    const result = await mailer.send({ to: op.email, ...rendered })
    if (!result.ok)
      this.deps.log.warn('digest not sent', { operatorId: op.id, error: result.error })
    return result.ok
  }

  private item(i: InboxItem): DigestItem {
    const text = (i.lastMessage?.text ?? '').replace(/\s+/g, ' ').trim()
    const { publicUrl } = this.deps
    return {
      who: i.visitor.label,
      preview: text.length > PREVIEW ? `${text.slice(0, PREVIEW - 1)}…` : text,
      link: publicUrl
        ? `${publicUrl.replace(/\/$/, '')}/panel/#c/${encodeURIComponent(i.id)}`
        : null,
    }
  }

  private async principalOf(op: OperatorRecord): Promise<Principal> {
    const elevated = op.role === 'supervisor' || op.role === 'admin'
    return {
      kind: 'operator',
      id: op.id,
      role: op.role,
      canChat: op.canChat,
      inboxIds:
        elevated && this.deps.elevatedScope === 'all'
          ? null
          : await this.deps.store.inboxes.inboxesOf(op.id),
    }
  }
}
