/**
 * Telegram notifications (issue 17, I2): an inbox's endpoint whose target is a Telegram chat
 * (`telegram:<chat id>`, `telegram:@channel`, optionally `?lang=ru`) instead of a URL. It rides
 * the webhook outbox (server/webhooks/dispatcher.ts): the same marks, the same delivery rows,
 * retries and failing state, so a notification is as durable as a webhook and never touches the
 * chat path. What differs:
 * - which events notify (`notifies`): a new conversation, a visitor's message while nobody is
 *   assigned, an escalation, an offline request, a missed SLA deadline (issue 20); nothing
 *   else, however the endpoint subscribes;
 * - delivery is batched: the rows due for one chat go out as one message (`formatBatch`), at
 *   most one message per chat every TELEGRAM_GAP_MS, so a burst of 100 messages is one or two
 *   notifications, not 100 (and Telegram's 20-per-minute group limit holds);
 * - the request is the Bot API's `sendMessage` (`sendTelegram`) at TELEGRAM_API_URL, with the
 *   endpoint's bot token; a 429's `retry_after` is obeyed.
 */
import type { WebhookEventType } from '../../protocol/webhooks.ts'
import type { WebhookPayload } from './events.ts'
import type { PostResult } from './sender.ts'

export const TELEGRAM_SCHEME = 'telegram:'
/** One message per chat at most this often (Telegram allows about 20 a minute in a group). */
export const TELEGRAM_GAP_MS = 3000
/** Telegram's limit on a message's text. */
const MAX_TEXT = 4096
/** Characters of a message quoted in a notification. */
const QUOTE = 200

/** The events a Telegram endpoint may subscribe to. */
export const TELEGRAM_EVENTS: readonly WebhookEventType[] = [
  'conversation.created',
  'message.created',
  'conversation.assigned',
  'offline_request.created',
  'conversation.sla_breached',
]

export interface TelegramTarget {
  chatId: string
  lang: 'en' | 'ru'
  /**
   * One operator's own chat (`?operator=<id>`): besides what nobody has taken, they hear of
   * visitors' messages in the conversations assigned to them. Null: a team's chat.
   */
  operatorId: string | null
}

/** A bot token as BotFather hands it out: `<bot id>:<secret>`. */
export const BOT_TOKEN = /^\d{1,20}:[A-Za-z0-9_-]{30,80}$/

/** A Telegram chat to notify (not the channel bot, `telegram:visitor`). */
export function isTelegramTarget(url: string): boolean {
  return url.startsWith(TELEGRAM_SCHEME) && !isTelegramChannel(url)
}

/**
 * The Telegram channel (issue 17, I5): a bot whose private chats are conversations; the
 * endpoint carries operators' answers back (server/webhooks/telegram-channel.ts reads the
 * updates).
 */
export const TELEGRAM_CHANNEL_TARGET = 'telegram:visitor'

export function isTelegramChannel(url: string): boolean {
  return url === TELEGRAM_CHANNEL_TARGET
}

/** Whether a reported event is an operator's answer in a Telegram conversation. */
export function channelNotifies(payload: WebhookPayload): boolean {
  if (payload.type === 'ping') return true
  const data = payload.data as {
    conversation?: { channel?: string }
    message?: { author?: { kind?: string }; text?: string; attachments?: unknown[] }
  }
  return (
    payload.type === 'message.created' &&
    data.conversation?.channel === 'telegram' &&
    data.message?.author?.kind === 'operator' &&
    ((data.message.text ?? '') !== '' || (data.message.attachments?.length ?? 0) > 0)
  )
}

/** The chat and language of a `telegram:` target; null when it is malformed. */
export function parseTelegramTarget(url: string): TelegramTarget | null {
  const match = /^telegram:(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})(?:\?(.*))?$/.exec(url)
  if (!match?.[1]) return null
  const query = new URLSearchParams(match[2] ?? '')
  const known = ['lang', 'operator']
  if ([...query.keys()].some((k) => !known.includes(k) || query.getAll(k).length > 1)) return null
  const lang = query.get('lang')
  const operatorId = query.get('operator')
  if (lang !== null && lang !== 'en' && lang !== 'ru') return null
  if (operatorId !== null && !/^[A-Za-z0-9_-]{1,64}$/.test(operatorId)) return null
  return { chatId: match[1], lang: lang === 'ru' ? 'ru' : 'en', operatorId }
}

/**
 * Whether a reported event is worth a notification in this chat (the conversation as it is
 * now): a team's chat hears of what nobody has taken; an operator's own chat also of their
 * own conversations.
 */
export function notifies(
  payload: WebhookPayload,
  target: Pick<TelegramTarget, 'operatorId'> | null = null,
): boolean {
  const data = payload.data as {
    conversation?: { assigneeId?: string | null }
    message?: { author?: { kind?: string } }
    reason?: string
  }
  switch (payload.type) {
    case 'ping':
    case 'conversation.created':
    case 'offline_request.created':
      return true
    case 'message.created':
      // A visitor's message nobody has taken yet (or, in an operator's own chat, theirs).
      return (
        data.message?.author?.kind === 'visitor' &&
        (!data.conversation?.assigneeId ||
          (target?.operatorId != null && data.conversation.assigneeId === target.operatorId))
      )
    case 'conversation.assigned':
      return data.reason === 'escalation'
    case 'conversation.sla_breached':
      return true
    default:
      return false
  }
}

const TEXTS = {
  en: {
    test: 'Parley: test notification. Notifications for this inbox arrive in this chat.',
    created: 'New conversation',
    offline: 'Offline request',
    messages: (n: number) => (n === 1 ? 'New message' : `${n} new messages`),
    escalated: 'Escalated: not opened in time, reassigned',
    breached: (kinds: string) => `SLA breached: ${kinds}`,
    slaKinds: {
      first_response: 'first response',
      next_response: 'next response',
      resolution: 'resolution',
    } as Record<string, string>,
    visitor: 'Visitor',
    open: 'Open',
    more: (n: number) => `…and ${n} more`,
  },
  ru: {
    test: 'Parley: проверка уведомлений. Уведомления этого ящика приходят в этот чат.',
    created: 'Новый диалог',
    offline: 'Заявка (никого не было в сети)',
    messages: (n: number) => (n === 1 ? 'Новое сообщение' : `Новых сообщений: ${n}`),
    escalated: 'Эскалация: не открыт вовремя, передан другому',
    breached: (kinds: string) => `Нарушен SLA: ${kinds}`,
    slaKinds: {
      first_response: 'первый ответ',
      next_response: 'следующий ответ',
      resolution: 'решение',
    } as Record<string, string>,
    visitor: 'Посетитель',
    open: 'Открыть',
    more: (n: number) => `…и ещё ${n}`,
  },
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function quote(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > QUOTE ? `${flat.slice(0, QUOTE - 1)}…` : flat
}

/**
 * One message for a batch of reported events (in delivery order): a block per conversation,
 * what happened in it and the newest visitor text, with a link to the panel when the server
 * knows its public address. Longer than Telegram allows: the last blocks are summed up.
 */
export function formatBatch(
  payloads: readonly WebhookPayload[],
  opts: {
    lang: 'en' | 'ru'
    /** The server's public address (PUBLIC_URL), for links; null: no links. */
    publicUrl: string | null
    /** Visitor names by conversation id, where known. */
    names: ReadonlyMap<string, string>
    inboxName: string | null
  },
): string {
  const t = TEXTS[opts.lang]
  if (payloads.every((p) => p.type === 'ping')) return t.test
  const byConversation = new Map<string, WebhookPayload[]>()
  for (const p of payloads) {
    if (p.conversationId === null) continue
    byConversation.set(p.conversationId, [...(byConversation.get(p.conversationId) ?? []), p])
  }
  const blocks: string[] = []
  for (const [conversationId, events] of byConversation) {
    const lines: string[] = []
    const types = new Set(events.map((e) => e.type))
    const name = opts.names.get(conversationId) ?? t.visitor
    const head = types.has('offline_request.created')
      ? t.offline
      : types.has('conversation.created')
        ? t.created
        : types.has('message.created')
          ? t.messages(events.filter((e) => e.type === 'message.created').length)
          : null
    if (head) lines.push(`<b>${escape(head)}</b> · ${escape(name)}`)
    if (types.has('conversation.assigned')) {
      lines.push(`<b>${escape(t.escalated)}</b>${head ? '' : ` · ${escape(name)}`}`)
    }
    const breaches = events.flatMap((e) =>
      e.type === 'conversation.sla_breached'
        ? [t.slaKinds[(e.data as { kind?: string }).kind ?? ''] ?? '']
        : [],
    )
    if (breaches.length > 0) {
      const kinds = [...new Set(breaches)].filter((k) => k !== '').join(', ')
      lines.push(
        `<b>${escape(t.breached(kinds))}</b>${head || lines.length > 0 ? '' : ` · ${escape(name)}`}`,
      )
    }
    const texts = events
      .flatMap((e) => {
        const message = (e.data as { message?: { text?: string; author?: { kind?: string } } })
          .message
        return message?.author?.kind === 'visitor' && message.text ? [message.text] : []
      })
      .slice(-1)
    for (const text of texts) lines.push(`«${escape(quote(text))}»`)
    if (opts.publicUrl) {
      const link = `${opts.publicUrl.replace(/\/$/, '')}/panel/#c/${encodeURIComponent(conversationId)}`
      lines.push(`<a href="${escape(link)}">${escape(t.open)}</a>`)
    }
    blocks.push(lines.join('\n'))
  }
  const title = opts.inboxName ? `<b>${escape(opts.inboxName)}</b>\n\n` : ''
  let text = title
  for (let i = 0; i < blocks.length; i++) {
    const next = `${text}${i > 0 ? '\n\n' : ''}${blocks[i]}`
    const rest = blocks.length - i - 1
    // Room for the summary line of what would not fit.
    if (next.length > MAX_TEXT - (rest > 0 ? 40 : 0)) {
      text += `\n\n${escape(t.more(blocks.length - i))}`
      return text
    }
    text = next
  }
  return text
}

/** One Bot API call with a JSON body; the parsed answer, or why it failed. Never throws. */
export async function callBotApi<T>(
  apiUrl: string,
  botToken: string,
  method: string,
  body: Record<string, unknown>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ ok: true; result: T } | { ok: false; error: string; retryAfterMs: number | null }> {
  try {
    const response = await fetch(`${apiUrl.replace(/\/$/, '')}/bot${botToken}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      redirect: 'manual',
      signal: signal
        ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)])
        : AbortSignal.timeout(timeoutMs),
    })
    const answer = (await response.json().catch(() => ({}))) as {
      ok?: boolean
      result?: T
      description?: string
      parameters?: { retry_after?: number }
    }
    if (response.ok && answer.ok === true) return { ok: true, result: answer.result as T }
    const retryAfter = answer.parameters?.retry_after
    return {
      ok: false,
      error: `Telegram: ${answer.description ?? `HTTP ${response.status}`}`,
      retryAfterMs: typeof retryAfter === 'number' ? Math.min(retryAfter, 3600) * 1000 : null,
    }
  } catch (error) {
    // Never the error's own text: it may quote the URL, which holds the token.
    const name = error instanceof Error ? error.name : 'error'
    return { ok: false, error: `Telegram unreachable (${name})`, retryAfterMs: null }
  }
}

export interface TelegramResult extends PostResult {
  /** Telegram asked to wait this long (429 retry_after), in ms. */
  retryAfterMs: number | null
}

/** One `sendMessage`; never throws (what went wrong is in the result). */
export async function sendTelegram(
  apiUrl: string,
  botToken: string,
  chatId: string,
  text: string,
  timeoutMs: number,
): Promise<TelegramResult> {
  const started = performance.now()
  try {
    const response = await fetch(`${apiUrl.replace(/\/$/, '')}/bot${botToken}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        chat_id: chatId,
        text,
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
      }),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    })
    const raw = (await response.text()).slice(0, 4096)
    let answer: { ok?: boolean; description?: string; parameters?: { retry_after?: number } } = {}
    try {
      answer = JSON.parse(raw)
    } catch {
      // Not the Bot API's JSON: the status tells.
    }
    const ok = response.ok && answer.ok === true
    const retryAfter = answer.parameters?.retry_after
    return {
      status: response.status,
      ms: performance.now() - started,
      // Never the request URL: it holds the bot token.
      snippet: raw.slice(0, 500),
      error: ok ? null : `Telegram: ${answer.description ?? `HTTP ${response.status}`}`,
      retryAfterMs:
        typeof retryAfter === 'number' && retryAfter > 0 ? Math.min(retryAfter, 3600) * 1000 : null,
    }
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError'
    return {
      status: null,
      ms: performance.now() - started,
      snippet: null,
      // A fetch error may quote the URL, which holds the token: say only what kind it was.
      error: timedOut
        ? `timed out after ${Math.round(timeoutMs / 1000)} s`
        : `Telegram unreachable (${error instanceof Error ? error.name : 'error'})`,
      retryAfterMs: null,
    }
  }
}
