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
  /** Tokens it knows; another one gets 401 Unauthorized. */
  tokens: Set<string>
  /** How the next sendMessage is answered; default: ok. Null: the default. */
  respond: ((message: SentMessage) => Response | null) | null
  waitFor(predicate: (sent: SentMessage[]) => boolean, timeoutMs?: number): Promise<SentMessage[]>
  stop(): void
}

export function startBotApi(tokens: string[]): BotApi {
  let nextId = 1
  const api: BotApi = {
    url: '',
    sent: [],
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
