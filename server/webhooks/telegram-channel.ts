/**
 * The Telegram channel, incoming side (issue 17, I5; docs/webhooks.md): for each enabled
 * `telegram:visitor` endpoint, its bot's updates are read by long polling (`getUpdates`,
 * against TELEGRAM_API_URL) and each private chat's messages become a conversation of the
 * endpoint's inbox (channel `telegram`), the Telegram user as contact (outside id
 * `telegram:<chat id>`). Operators' answers go back through the endpoint like any delivery
 * (server/webhooks/dispatcher.ts).
 *
 * - One node polls (the `telegram.poller` lease in a cluster); where each bot's stream was read
 *   to is stored after each update is, so a restart neither skips nor repeats: an update read
 *   again has the same client message id (`tg-<chat>-<message>`), stored once.
 * - A message goes to the contact's newest conversation that is not closed, else starts one.
 * - Text and captions are taken; photos and documents are fetched from Telegram (`getFile`,
 *   at most the inbox's file size and Telegram's 20 MB) and go through the attachments path
 *   with the inbox's limits; a file refused, a voice note, a video or a sticker is named in
 *   words instead. `/start` alone starts nothing. Group chats, channels and edits are ignored.
 * - Typing: an operator typing in a Telegram conversation shows "typing…" in the chat
 *   (`sendChatAction`, at most every 4 s per chat). Telegram has no read receipts for bots.
 */
import {
  derivedId,
  type Clock,
  type Logger,
  type Principal,
  type Store,
  type VisitorRecord,
  type WebhookEndpointRecord,
} from '../../actors/index.ts'
import { MAX_TEXT_LENGTH, ParleyError } from '../../protocol/index.ts'
import type { AttachmentService } from '../attachments/service.ts'
import type { ChatService } from '../chat.ts'
import { findOrMakeContact } from '../contacts.ts'
import { callBotApi, isTelegramChannel } from './telegram.ts'

/** How often the list of channel bots is read again. */
const ENDPOINTS_MS = 5000
/** A failed poll waits this long before the next. */
const RETRY_MS = 5000
/** Typing shown at most this often per chat (Telegram shows it for about 5 s). */
const TYPING_EVERY_MS = 4000

interface TelegramUpdate {
  update_id: number
  message?: {
    message_id: number
    chat: { id: number; type: string }
    from?: { id: number; first_name?: string; last_name?: string; username?: string }
    text?: string
    caption?: string
    photo?: { file_id: string; file_size?: number }[]
    document?: { file_id: string; file_name?: string; file_size?: number; mime_type?: string }
    voice?: unknown
    video?: unknown
    sticker?: { emoji?: string }
  }
}

export interface ChannelLease {
  hold(): Promise<boolean>
}

/** Telegram lets bots download files up to this size. */
const TELEGRAM_MAX_DOWNLOAD = 20 * 1024 * 1024

/** The file a message carries that is fetched (the largest photo size, or a document). */
function fileOf(
  message: NonNullable<TelegramUpdate['message']>,
): { id: string; name: string; size: number | null } | null {
  const photo = message.photo?.at(-1)
  if (photo) return { id: photo.file_id, name: 'photo.jpg', size: photo.file_size ?? null }
  const doc = message.document
  if (doc)
    return { id: doc.file_id, name: doc.file_name ?? 'document', size: doc.file_size ?? null }
  return null
}

/** Words for what a message carries besides text and its file (named when not fetched). */
function described(message: NonNullable<TelegramUpdate['message']>, fileNote = ''): string {
  const words = (message.text ?? message.caption ?? '').trim()
  const extra = fileNote
    ? fileNote
    : message.photo || message.document
      ? ''
      : message.voice
        ? '[voice message]'
        : message.video
          ? '[video]'
          : message.sticker
            ? `[sticker ${message.sticker.emoji ?? ''}]`.replace(' ]', ']')
            : ''
  const text = [words, extra].filter(Boolean).join('\n')
  return text.length > MAX_TEXT_LENGTH ? `${text.slice(0, MAX_TEXT_LENGTH - 1)}…` : text
}

export class TelegramChannel {
  private readonly polls = new Map<string, AbortController>()
  private timer: ReturnType<typeof setInterval> | null = null
  private stopped = false
  private readonly typedAt = new Map<string, number>()

  constructor(
    private readonly deps: {
      store: Store
      chat: ChatService
      clock: Clock
      log: Logger
      apiUrl: string
      lease: ChannelLease | null
      /** Seconds a getUpdates call waits for news (Telegram allows up to 50). */
      pollSeconds: number
      /** Where files people send go (null: files are named, not kept). */
      attachments: AttachmentService | null
    },
  ) {}

  start(): void {
    void this.refresh()
    this.timer = setInterval(() => void this.refresh(), ENDPOINTS_MS)
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearInterval(this.timer)
    for (const poll of this.polls.values()) poll.abort()
    this.polls.clear()
  }

  /** Starts a poll for each channel bot, stops those gone or disabled, or all without the lease. */
  async refresh(): Promise<void> {
    if (this.stopped) return
    try {
      const held = this.deps.lease ? await this.deps.lease.hold() : true
      const wanted = held
        ? (await this.deps.store.webhooks.listEndpoints(null)).filter(
            (e) => e.enabled && isTelegramChannel(e.url),
          )
        : []
      const ids = new Set(wanted.map((e) => e.id))
      for (const [id, poll] of this.polls) {
        if (!ids.has(id)) {
          poll.abort()
          this.polls.delete(id)
        }
      }
      for (const endpoint of wanted) {
        if (this.polls.has(endpoint.id)) continue
        const poll = new AbortController()
        this.polls.set(endpoint.id, poll)
        void this.poll(endpoint, poll.signal)
      }
    } catch (error) {
      this.deps.log.warn('telegram channel refresh failed', { error })
    }
  }

  private async poll(endpoint: WebhookEndpointRecord, signal: AbortSignal): Promise<void> {
    const { store, clock, log, apiUrl, pollSeconds } = this.deps
    while (!signal.aborted && !this.stopped) {
      const offset = await store.telegramOffsets.get(endpoint.id).catch(() => null)
      if (offset === null) {
        await this.pause(RETRY_MS, signal)
        continue
      }
      const answer = await callBotApi<TelegramUpdate[]>(
        apiUrl,
        endpoint.secret,
        'getUpdates',
        { offset, timeout: pollSeconds, allowed_updates: ['message'] },
        (pollSeconds + 10) * 1000,
        signal,
      )
      if (signal.aborted) return
      if (!answer.ok) {
        log.warn('telegram channel poll failed', { endpointId: endpoint.id, error: answer.error })
        await this.pause(answer.retryAfterMs ?? RETRY_MS, signal)
        continue
      }
      for (const update of answer.result) {
        if (signal.aborted) return
        try {
          await this.take(endpoint, update)
        } catch (error) {
          // Not stored: read again from here after a pause (the offset did not move).
          log.warn('telegram update not stored', { endpointId: endpoint.id, error })
          await this.pause(RETRY_MS, signal)
          break
        }
        await store.telegramOffsets.set(endpoint.id, update.update_id + 1, clock.now())
      }
    }
  }

  private pause(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms)
      signal.addEventListener('abort', () => {
        clearTimeout(timer)
        resolve()
      })
    })
  }

  /** One update: a private chat's message into its conversation. */
  private async take(endpoint: WebhookEndpointRecord, update: TelegramUpdate): Promise<void> {
    const message = update.message
    if (!message || message.chat.type !== 'private') return
    const file = fileOf(message)
    const words = described(message)
    if ((words === '' && !file) || /^\/start(\s|$)/.test(words)) return
    const contact = await this.contact(endpoint.inboxId, message)
    const principal: Principal = { kind: 'visitor', id: contact.id, inboxId: endpoint.inboxId }
    const clientMsgId = `tg-${message.chat.id}-${message.message_id}`
    const { chat } = this.deps
    const open = (await chat.listVisitorConversations(principal)).find((c) => c.status !== 'closed')
    const conversationId =
      open?.id ??
      (await chat.start(principal, { clientMsgId, trusted: true, channel: 'telegram' }))
        .conversation.id
    let attachmentIds: string[] = []
    let note = ''
    if (file) {
      const fetched = await this.fetchFile(endpoint, principal, conversationId, file)
      if (typeof fetched === 'string') note = `[file not accepted: ${file.name} (${fetched})]`
      else attachmentIds = [fetched.id]
    }
    const text = described(message, note)
    await chat.send(principal, conversationId, clientMsgId, {
      ...(text ? { text } : {}),
      ...(attachmentIds.length ? { attachmentIds } : {}),
      trusted: true,
    })
  }

  /**
   * A message's file from Telegram into the attachments path; why not, in words, when it is
   * refused (too big, a type the inbox does not take). A Telegram that fails throws (retried).
   */
  private async fetchFile(
    endpoint: WebhookEndpointRecord,
    principal: Principal,
    conversationId: string,
    file: { id: string; name: string; size: number | null },
  ): Promise<{ id: string } | string> {
    const { apiUrl, attachments } = this.deps
    if (!attachments) return 'files are not taken here'
    if (file.size !== null && file.size > TELEGRAM_MAX_DOWNLOAD) return 'too big'
    const info = await callBotApi<{ file_path?: string; file_size?: number }>(
      apiUrl,
      endpoint.secret,
      'getFile',
      { file_id: file.id },
      15_000,
    )
    if (!info.ok) throw new Error(info.error)
    if (!info.result.file_path) return 'Telegram has no copy of it'
    const response = await fetch(
      `${apiUrl.replace(/\/$/, '')}/file/bot${endpoint.secret}/${info.result.file_path}`,
      { redirect: 'manual', signal: AbortSignal.timeout(60_000) },
    ).catch(() => null)
    if (!response?.ok || !response.body)
      throw new Error(`Telegram file download failed (${response?.status ?? 'unreachable'})`)
    const form = new FormData()
    form.append('file', await response.blob(), file.name)
    try {
      return await attachments.upload(
        principal,
        conversationId,
        new Request('http://telegram.invalid/upload', { method: 'POST', body: form }),
      )
    } catch (error) {
      if (error instanceof ParleyError) return error.message
      throw error
    }
  }

  /** The Telegram user as a visitor of the inbox, made the first time. */
  private async contact(
    inboxId: string,
    message: NonNullable<TelegramUpdate['message']>,
  ): Promise<VisitorRecord> {
    const { store, clock } = this.deps
    const externalId = `telegram:${message.chat.id}`
    const from = message.from
    const name =
      [from?.first_name, from?.last_name].filter(Boolean).join(' ').trim() ||
      (from?.username ? `@${from.username}` : null)
    let visitor = await findOrMakeContact(store, {
      inboxId,
      externalId,
      id: derivedId(`telegram:${inboxId}`, String(message.chat.id)),
      now: clock.now(),
    })
    if (name && visitor.name !== name && !visitor.erasedAt) {
      visitor =
        (await store.visitors.updateProfile(visitor.id, { name: name.slice(0, 100) })) ?? visitor
    }
    return visitor
  }

  /**
   * An operator types in a conversation: when it is a Telegram one, the chat shows "typing…"
   * (fire and forget; at most every TYPING_EVERY_MS per chat).
   */
  async typing(conversationId: string): Promise<void> {
    const { store, apiUrl } = this.deps
    const now = Date.now()
    const last = this.typedAt.get(conversationId) ?? 0
    if (now - last < TYPING_EVERY_MS) return
    this.typedAt.set(conversationId, now)
    if (this.typedAt.size > 10_000) this.typedAt.clear()
    const found = await this.deps.chat.peek(conversationId)
    if (!found || found.channel !== 'telegram') return
    const visitor = await store.visitors.getById(found.visitorId)
    const chatId = visitor?.externalId?.startsWith('telegram:')
      ? visitor.externalId.slice('telegram:'.length)
      : null
    if (!chatId) return
    const endpoint = (await store.webhooks.listEndpoints(found.inboxId)).find(
      (e) => e.enabled && isTelegramChannel(e.url),
    )
    if (!endpoint) return
    await callBotApi(
      apiUrl,
      endpoint.secret,
      'sendChatAction',
      { chat_id: chatId, action: 'typing' },
      5000,
    )
  }
}
