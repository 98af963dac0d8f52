/**
 * A Telegram Bot API server on loopback for tests (issue 17, I2): a real HTTP server that
 * implements `sendMessage` as Telegram does (POST /bot<token>/sendMessage, JSON in, `{ ok,
 * result }` or `{ ok: false, error_code, description, parameters }` out), records what it got
 * and answers as the test says. An unknown token gets Telegram's 401.
 */
import { expect } from 'bun:test'

export interface SentMessage {
  token: string
  chatId: string
  text: string
  parseMode: string | null
}

export interface BotApi {
  url: string
  sent: SentMessage[]
  /** Chat actions asked for (`sendChatAction`): chat id and action. */
  actions: { chatId: string; action: string }[]
  /** The offsets `getUpdates` was called with, in order. */
  polls: number[]
  /** The most `getUpdates` calls that were waiting at the same time (one poller: 1). */
  maxConcurrentPolls: number
  /** Files `getFile` knows, by file_id: served at /file/bot<token>/<file_path>. */
  files: Map<string, Uint8Array>
  /** Queues an update for `getUpdates` (its update_id is assigned); returns it. */
  push(update: Record<string, unknown>): { update_id: number }
  /** Tokens it knows; another one gets 401 Unauthorized. */
  tokens: Set<string>
  /** How the next sendMessage is answered; default: ok. Null: the default. */
  respond: ((message: SentMessage) => Response | null) | null
  waitFor(predicate: (sent: SentMessage[]) => boolean, timeoutMs?: number): Promise<SentMessage[]>
  stop(): void
}

export function startBotApi(tokens: string[]): BotApi {
  let nextId = 1
  let nextUpdate = 100
  let polling = 0
  const updates: { update_id: number }[] = []
  const waiting = new Set<() => void>()
  const api: BotApi = {
    url: '',
    sent: [],
    actions: [],
    polls: [],
    maxConcurrentPolls: 0,
    files: new Map(),
    push(update) {
      const full = { ...update, update_id: nextUpdate++ }
      updates.push(full)
      for (const wake of waiting) wake()
      return full
    },
    tokens: new Set(tokens),
    respond: null,
    async waitFor(predicate, timeoutMs = 10_000) {
      const until = performance.now() + timeoutMs
      while (!predicate(api.sent)) {
        if (performance.now() > until)
          expect(api.sent.map((m) => m.text)).toEqual(['<condition met>'])
        await Bun.sleep(10)
      }
      return api.sent
    },
    stop: () => void server.stop(true),
  }
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    async fetch(req) {
      const file = /^\/file\/bot([^/]+)\/files\/([\w-]+)$/.exec(new URL(req.url).pathname)
      if (file && req.method === 'GET') {
        const bytes = api.tokens.has(file[1] ?? '') ? api.files.get(file[2] ?? '') : undefined
        return bytes
          ? new Response(new Uint8Array(bytes))
          : new Response('Not Found', { status: 404 })
      }
      const match = /^\/bot([^/]+)\/(\w+)$/.exec(new URL(req.url).pathname)
      if (!match || req.method !== 'POST')
        return Response.json(
          { ok: false, error_code: 404, description: 'Not Found' },
          { status: 404 },
        )
      const [, token = '', method] = match
      if (!api.tokens.has(token))
        return Response.json(
          { ok: false, error_code: 401, description: 'Unauthorized' },
          { status: 401 },
        )
      if (method === 'getMe')
        return Response.json({ ok: true, result: { id: 1, is_bot: true, username: 'parley_bot' } })
      if (method === 'getUpdates') {
        // Long polling as Telegram does it: what is at or past `offset`, else wait (bounded).
        const query = (await req.json()) as { offset?: number; timeout?: number }
        const offset = query.offset ?? 0
        api.polls.push(offset)
        polling++
        api.maxConcurrentPolls = Math.max(api.maxConcurrentPolls, polling)
        // Telegram forgets updates before the offset once it is asked for.
        while (updates.length > 0 && (updates[0]?.update_id ?? 0) < offset) updates.shift()
        if (updates.length === 0) {
          await new Promise<void>((resolve) => {
            const wake = () => {
              waiting.delete(wake)
              clearTimeout(timer)
              resolve()
            }
            const timer = setTimeout(wake, Math.min(query.timeout ?? 0, 2) * 1000)
            waiting.add(wake)
          })
        }
        polling--
        return Response.json({ ok: true, result: updates.filter((u) => u.update_id >= offset) })
      }
      if (method === 'getFile') {
        const { file_id: id } = (await req.json()) as { file_id?: string }
        const bytes = id ? api.files.get(id) : undefined
        if (!bytes)
          return Response.json(
            { ok: false, error_code: 400, description: 'Bad Request: invalid file_id' },
            { status: 400 },
          )
        return Response.json({
          ok: true,
          result: { file_id: id, file_size: bytes.length, file_path: `files/${id}` },
        })
      }
      if (method === 'sendChatAction') {
        const body = (await req.json()) as { chat_id?: unknown; action?: unknown }
        api.actions.push({ chatId: String(body.chat_id), action: String(body.action) })
        return Response.json({ ok: true, result: true })
      }
      if (method !== 'sendMessage')
        return Response.json(
          { ok: false, error_code: 404, description: 'Not Found' },
          { status: 404 },
        )
      const body = (await req.json()) as { chat_id?: unknown; text?: unknown; parse_mode?: unknown }
      if (typeof body.text !== 'string' || body.text.length === 0 || body.text.length > 4096)
        return Response.json(
          {
            ok: false,
            error_code: 400,
            description: 'Bad Request: message text is empty or too long',
          },
          { status: 400 },
        )
      const message: SentMessage = {
        token,
        chatId: String(body.chat_id),
        text: body.text,
        parseMode: typeof body.parse_mode === 'string' ? body.parse_mode : null,
      }
      const answer = api.respond?.(message) ?? null
      if (answer) return answer
      api.sent.push(message)
      return Response.json({
        ok: true,
        result: { message_id: nextId++, chat: { id: message.chatId }, date: 0, text: message.text },
      })
    },
  })
  api.url = `http://127.0.0.1:${server.port}`
  return api
}
