/**
 * Conversation transcripts by e-mail (issue 17, I4): a visitor asks for their conversation to be
 * sent to them (to the address they give, else the one they left), or an operator sends it to
 * the visitor. Every message as the visitor saw it (no notes, no activity; deleted ones marked),
 * oldest first, with who wrote and when. Limited per visitor and per conversation across the
 * cluster: it sends mail to addresses a caller names.
 */
import type { Clock, Logger, Principal, Store } from '../../actors/index.ts'
import { ParleyError, type Message } from '../../protocol/index.ts'
import { takeShared, throttleKey, type ThrottleStore } from '../auth/throttle.ts'
import type { ChatService } from '../chat.ts'
import { requireMailer, type Mailer } from './mailer.ts'
import { transcript, type MailLang, type TranscriptLine } from './templates.ts'

/** The longest transcript, in messages (the newest beyond it are left out). */
const MAX_MESSAGES = 2000
const PAGE = 200

/** Transcripts per visitor (or per conversation, for operators): 3, then 3 an hour. */
const LIMIT = { burst: 3, perMinute: 3 / 60 }
/** Transcripts visitors of one client address ask for: 10, then 10 an hour (an office shares one). */
const PER_ADDRESS = { burst: 10, perMinute: 10 / 60 }

export class Transcripts {
  constructor(
    private readonly deps: {
      store: Store
      clock: Clock
      log: Logger
      mailer: Mailer | null
      chat: ChatService
      throttle: ThrottleStore
    },
  ) {}

  /** Sends the conversation to `email` (or the visitor's own address); where it went. */
  async send(
    principal: Principal,
    conversationId: string,
    opts: { email?: string; locale: MailLang; address: string },
  ): Promise<{ to: string }> {
    const mailer = requireMailer(this.deps.mailer)
    const { store, chat } = this.deps
    // Authorizes too: a visitor's own conversation, an operator's within their scope.
    const first = await chat.history(principal, conversationId, { afterSeq: 0, limit: PAGE })
    const loaded = await store.conversations.loadConversation(conversationId)
    if (!loaded) throw new ParleyError('not_found', 'conversation not found')
    const { conversation } = loaded
    const visitor = await store.visitors.getById(conversation.visitorId)
    // An operator sends it to the visitor's own address only: never to one they type.
    const to = principal.kind === 'visitor' ? (opts.email ?? visitor?.email) : visitor?.email
    if (principal.kind === 'operator' && opts.email !== undefined) {
      throw new ParleyError('validation_failed', 'email: an operator sends it to the visitor only')
    }
    if (!to) {
      throw new ParleyError('validation_failed', 'email: no address to send it to')
    }
    await this.take(
      principal.kind === 'visitor'
        ? `transcript.v.${principal.id}`
        : `transcript.c.${conversationId}`,
    )
    // A visitor names the address: new visitors from one client share one budget too.
    if (principal.kind === 'visitor')
      await this.take(`transcript.a.${throttleKey(opts.address)}`, PER_ADDRESS)
    const messages: Message[] = [...first.messages]
    let more = first.hasMore
    while (more && messages.length < MAX_MESSAGES) {
      const page = await chat.history(principal, conversationId, {
        afterSeq: messages.at(-1)?.seq ?? 0,
        limit: PAGE,
      })
      messages.push(...page.messages)
      more = page.hasMore && page.messages.length > 0
    }
    const inbox = await store.inboxes.get(conversation.inboxId)
    const inboxName = inbox?.name ?? 'Parley'
    const names = new Map<string, string>()
    const lines: TranscriptLine[] = []
    for (const m of messages.slice(0, MAX_MESSAGES)) {
      lines.push({
        who: await this.who(m, names, {
          inboxName,
          visitorName: visitor?.name ?? null,
          lang: opts.locale,
        }),
        at: m.createdAt,
        text: m.deletedAt === null ? m.text : '',
        files: m.deletedAt === null ? (m.attachments ?? []).map((a) => a.name) : [],
      })
    }
    const result = await mailer.send({ to, ...transcript(opts.locale, { inboxName, lines }) })
    if (!result.ok) {
      throw new ParleyError('unavailable', 'the e-mail could not be sent; try again later')
    }
    return { to }
  }

  private async who(
    m: Message,
    names: Map<string, string>,
    ctx: { inboxName: string; visitorName: string | null; lang: MailLang },
  ): Promise<string> {
    if (m.author.kind === 'visitor') return ctx.visitorName ?? (ctx.lang === 'ru' ? 'Вы' : 'You')
    if (m.author.kind === 'system') return ctx.inboxName
    const known = names.get(m.author.id)
    if (known) return known
    const op = await this.deps.store.operators.getById(m.author.id)
    const name = op?.displayName ?? op?.name ?? ctx.inboxName
    names.set(m.author.id, name)
    return name
  }

  private take(key: string, limit = LIMIT): Promise<void> {
    return takeShared(
      this.deps.throttle,
      key,
      limit,
      this.deps.clock.now(),
      'too many transcripts; try again later',
    )
  }
}
