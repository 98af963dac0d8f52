/**
 * The e-mail channel (issue 17, I5; docs/email.md): an SMTP listener (the `smtp-server`
 * package) that takes mail for the inboxes' addresses (`settings.emailAddress`) and turns it
 * into conversations. It is meant to sit behind the organisation's MTA (which does spam and
 * sender checks), on loopback or a private network: MAIL_INBOUND_PORT, MAIL_INBOUND_HOST.
 *
 * - RCPT TO an address no inbox has: `550`; nothing is relayed, ever.
 * - A message is acknowledged (`250`) only once it is stored: the MTA keeps and retries
 *   whatever got a `451` (the store failing), so nothing acknowledged is lost, and a retried
 *   delivery is the same message (its Message-ID makes the client message id), never a second.
 * - The sender is the contact: the visitor of that inbox whose outside id is `email:<address>`
 *   (made the first time), its name and e-mail kept.
 * - A reply finds its conversation by `In-Reply-To`/`References` (Parley's own Message-IDs name
 *   the conversation), but only one of the same inbox and the same contact: a forged header
 *   pointing at another inbox's or another person's conversation starts a new one instead.
 * - Text: the plain part (else the HTML's text), the quoted history of a reply cut off,
 *   bounded to a message's length. Files go through the attachments path with the inbox's
 *   limits; one refused is named in the text, never silently dropped.
 * - No From, broken MIME, too big (SIZE is announced; MAIL_INBOUND_MAX_BYTES), or nothing to
 *   post: `550` with the reason. Connections per client address are limited.
 */
import { createHash } from 'node:crypto'
import { simpleParser, type ParsedMail } from 'mailparser'
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server'
import {
  derivedId,
  type InboxRecord,
  type Logger,
  type Principal,
  type Store,
  type VisitorRecord,
} from '../../actors/index.ts'
import { isParleyError, MAX_TEXT_LENGTH } from '../../protocol/index.ts'
import type { AttachmentService } from '../attachments/service.ts'
import { findOrMakeContact } from '../contacts.ts'
import type { ChatService } from '../chat.ts'
import { RateLimiter } from '../limits.ts'
import type { WebhookService } from '../webhooks/service.ts'

export interface InboundConfig {
  host: string
  port: number
  maxBytes: number
}

/** How often the address -> inbox map is read again (a changed address applies this soon). */
const ADDRESSES_MS = 10_000
/** Files one e-mail may carry into a message (more are named in the text). */
const MAX_FILES = 10
const CUT = '\n\n[…]'

type SmtpError = Error & { responseCode: number }

function smtpError(code: number, message: string): SmtpError {
  return Object.assign(new Error(message), { responseCode: code })
}

/** A client message id from a Message-ID (or the body, without one): the same mail, the same id. */
function mailKey(parsed: ParsedMail, raw: string): string {
  const basis = parsed.messageId ?? raw
  return `mail-${createHash('sha256').update(basis).digest('base64url').slice(0, 40)}`
}

/** The conversation ids Parley's own Message-IDs name in a reply's headers. */
export function threadCandidates(parsed: Pick<ParsedMail, 'inReplyTo' | 'references'>): string[] {
  const refs = [
    ...(parsed.inReplyTo ? [parsed.inReplyTo] : []),
    ...(Array.isArray(parsed.references)
      ? parsed.references
      : parsed.references
        ? [parsed.references]
        : []),
  ]
  const ids: string[] = []
  for (const ref of refs.reverse()) {
    const root = /^<conversation\.([A-Za-z0-9_-]{1,64})@/.exec(ref.trim())
    const reply = /^<([A-Za-z0-9_-]{1,64})\.\d+\.\d+@/.exec(ref.trim())
    const id = root?.[1] ?? reply?.[1]
    if (id && !ids.includes(id)) ids.push(id)
  }
  return ids
}

/** The new part of a reply: the quoted history ("On ... wrote:", "> ...") cut off. */
export function replyText(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n')
  const markers = [
    /^On .{1,200} wrote:\s*$/,
    /^.{0,200}\d{4}.{0,100}(wrote|пишет|написал[а]?):\s*$/,
    /^-{2,}\s*(Original Message|Исходное сообщение)\s*-{2,}\s*$/i,
  ]
  let end = lines.length
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    if (markers.some((m) => m.test(line.trim()))) {
      end = i
      break
    }
  }
  const kept = lines.slice(0, end)
  // Trailing quoted lines and blank lines go too.
  while (kept.length > 0 && /^\s*(>.*)?$/.test(kept.at(-1) ?? '')) kept.pop()
  const result = kept.join('\n').trim()
  return result === '' ? text.trim() : result
}

export class InboundMail {
  private server: SMTPServer | null = null
  private addresses = new Map<string, string>()
  private addressesAt = 0
  private readonly connections: RateLimiter

  constructor(
    private readonly deps: {
      config: InboundConfig
      store: Store
      chat: ChatService
      attachments: AttachmentService
      webhooks: WebhookService
      log: Logger
      now: () => number
    },
  ) {
    this.connections = new RateLimiter(30, 60, deps.now)
  }

  /** The port it listens on (0 until started). */
  port = 0

  async start(): Promise<void> {
    const { config, log } = this.deps
    const server = new SMTPServer({
      name: 'parley',
      banner: 'Parley inbound mail',
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      size: config.maxBytes,
      logger: false,
      maxClients: 100,
      socketTimeout: 60_000,
      closeTimeout: 10_000,
      onConnect: (session, callback) => {
        if (this.connections.tryTake(session.remoteAddress) > 0)
          return callback(smtpError(421, 'too many connections; try again later'))
        callback()
      },
      onRcptTo: (address, _session, callback) => {
        this.inboxFor(address.address)
          .then((inbox) => (inbox ? callback() : callback(smtpError(550, 'no such mailbox here'))))
          .catch(() => callback(smtpError(451, 'temporarily unavailable')))
      },
      onData: (stream, session, callback) => {
        this.receive(stream, session)
          .then((id) => callback(null, `stored as ${id}`))
          .catch((error: unknown) => {
            const code = (error as Partial<SmtpError>).responseCode
            if (!code) log.error('inbound mail failed', { error })
            callback(code ? (error as SmtpError) : smtpError(451, 'temporarily unavailable'))
          })
      },
    })
    server.on('error', (error) => log.warn('inbound mail server error', { error }))
    await new Promise<void>((resolve, reject) => {
      server.listen(config.port, config.host, () => resolve())
      server.server.once('error', reject)
    })
    const address = server.server.address()
    this.port = typeof address === 'object' && address ? address.port : config.port
    this.server = server
    log.info('inbound mail listening', { host: config.host, port: this.port })
  }

  stop(): Promise<void> {
    const server = this.server
    this.server = null
    return server ? new Promise((resolve) => server.close(() => resolve())) : Promise.resolve()
  }

  /** The inbox whose address this is (case-insensitive), if any. */
  private async inboxFor(address: string): Promise<string | null> {
    const now = this.deps.now()
    if (now - this.addressesAt > ADDRESSES_MS || this.addressesAt === 0) {
      const next = new Map<string, string>()
      for (const inbox of await this.deps.store.inboxes.list()) {
        const own = inbox.settings.emailAddress
        if (own) next.set(own.toLowerCase(), inbox.id)
      }
      this.addresses = next
      this.addressesAt = now
    }
    return this.addresses.get(address.trim().toLowerCase()) ?? null
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const chunks: Buffer[] = []
    for await (const chunk of stream) chunks.push(chunk as Buffer)
    if (stream.sizeExceeded) throw smtpError(552, 'message too big')
    const raw = Buffer.concat(chunks)
    let parsed: ParsedMail
    try {
      parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true })
    } catch {
      throw smtpError(550, 'the message could not be read (broken MIME)')
    }
    const from = parsed.from?.value[0]
    const sender = from?.address?.trim().toLowerCase()
    if (!sender || !/^[^@\s]+@[^@\s]+$/.test(sender) || sender.length > 254)
      throw smtpError(550, 'the message has no sender (From)')
    // One conversation per inbox the message was addressed to (usually one).
    const inboxIds = new Set<string>()
    for (const rcpt of session.envelope.rcptTo) {
      const inboxId = await this.inboxFor(rcpt.address)
      if (inboxId) inboxIds.add(inboxId)
    }
    const key = mailKey(parsed, raw.toString('latin1'))
    const stored: string[] = []
    for (const inboxId of inboxIds) {
      stored.push(
        await this.ingest(inboxId, parsed, {
          address: sender,
          name: from?.name?.trim() || null,
          key,
        }),
      )
    }
    return stored.join(',')
  }

  /** Stores one e-mail in one inbox; the conversation's id. */
  private async ingest(
    inboxId: string,
    parsed: ParsedMail,
    sender: { address: string; name: string | null; key: string },
  ): Promise<string> {
    const { store, chat } = this.deps
    const inbox = await store.inboxes.get(inboxId)
    if (!inbox) throw smtpError(550, 'no such mailbox here')
    const contact = await this.contact(inbox, sender)
    const principal: Principal = { kind: 'visitor', id: contact.id, inboxId }
    const body = this.textOf(parsed)
    const files = (parsed.attachments ?? []).filter(
      (a) => a.contentDisposition !== 'inline' || a.filename,
    )
    if (body === '' && files.length === 0) throw smtpError(550, 'the message is empty')
    await this.ensureReplies(inbox)

    // A reply: the conversation it answers, of this inbox and this contact only.
    let conversationId: string | null = null
    for (const candidate of threadCandidates(parsed)) {
      const found = await this.deps.chat.peek(candidate)
      if (
        found &&
        found.inboxId === inboxId &&
        found.visitorId === contact.id &&
        found.status !== 'closed'
      ) {
        conversationId = candidate
        break
      }
    }
    if (conversationId === null) {
      const started = await chat.start(principal, {
        clientMsgId: sender.key,
        trusted: true,
        channel: 'email',
      })
      conversationId = started.conversation.id
    }
    const refused: string[] = []
    const attachmentIds: string[] = []
    for (const file of files.slice(0, MAX_FILES)) {
      try {
        const form = new FormData()
        form.append(
          'file',
          new Blob([new Uint8Array(file.content)], { type: file.contentType }),
          file.filename ?? 'attachment',
        )
        const request = new Request('http://inbound.invalid/upload', { method: 'POST', body: form })
        const uploaded = await this.deps.attachments.upload(principal, conversationId, request)
        attachmentIds.push(uploaded.id)
      } catch (error) {
        if (!isParleyError(error)) throw error
        refused.push(`${file.filename ?? 'attachment'} (${error.message})`)
      }
    }
    for (const file of files.slice(MAX_FILES))
      refused.push(`${file.filename ?? 'attachment'} (too many files)`)
    const note = refused.length > 0 ? `\n\n[Files not accepted: ${refused.join('; ')}]` : ''
    const text = bound(`${body}${note}`.trim())
    await chat.send(principal, conversationId, sender.key, {
      ...(text ? { text } : {}),
      ...(attachmentIds.length ? { attachmentIds } : {}),
      trusted: true,
    })
    return conversationId
  }

  /** The sender as a visitor of the inbox: found by `email:<address>`, or made. */
  private async contact(
    inbox: InboxRecord,
    sender: { address: string; name: string | null },
  ): Promise<VisitorRecord> {
    const { store } = this.deps
    const externalId = `email:${sender.address}`
    let visitor = await findOrMakeContact(store, {
      inboxId: inbox.id,
      externalId,
      id: derivedId(`email:${inbox.id}`, sender.address),
      now: this.deps.now(),
    })
    if (visitor.email !== sender.address || (sender.name && visitor.name !== sender.name)) {
      const updated = await store.visitors.updateProfile(visitor.id, {
        email: sender.address,
        ...(sender.name ? { name: sender.name.slice(0, 100) } : {}),
      })
      visitor = updated ?? visitor
    }
    return visitor
  }

  /** The words of the e-mail: the plain part, else the HTML's text; the quoted history cut. */
  private textOf(parsed: ParsedMail): string {
    const plain = parsed.text ?? ''
    const subject = parsed.subject?.trim() ?? ''
    const words = replyText(plain)
    // A new conversation's subject says what it is about; a reply's ("Re: ...") says nothing.
    const withSubject =
      subject && !/^(re|fwd?|ответ|пересл)\s*:/i.test(subject) ? `${subject}\n\n${words}` : words
    return withSubject.replace(/\u0000/g, '').trim()
  }

  /**
   * Operators' answers in e-mail conversations go out through the inbox's e-mail endpoint
   * (server/webhooks/mail-replies.ts): made the first time mail comes in, if there is none.
   */
  private async ensureReplies(inbox: InboxRecord): Promise<void> {
    const endpoints = await this.deps.store.webhooks.listEndpoints(inbox.id)
    if (endpoints.some((e) => e.url.startsWith('email:'))) return
    try {
      await this.deps.webhooks.create({
        inboxId: inbox.id,
        url: 'email:visitor',
        events: ['message.created'],
        description: 'E-mail replies (made for the e-mail channel)',
        enabled: true,
      })
    } catch (error) {
      this.deps.log.warn('could not make the e-mail replies endpoint', { inboxId: inbox.id, error })
    }
  }
}

/** At most a message's length, marked where it was cut. */
function bound(text: string): string {
  if (text.length <= MAX_TEXT_LENGTH) return text
  return text.slice(0, MAX_TEXT_LENGTH - CUT.length) + CUT
}
