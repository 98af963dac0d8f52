/**
 * A webhook receiver on loopback for tests (issue 17): a real HTTP server that records every
 * POST (headers, raw body, parsed event) and answers as the test says (default 200).
 */
import { expect } from 'bun:test'

export interface Received {
  at: number
  headers: Record<string, string>
  /** The raw body, as signed. */
  raw: string
  event: {
    id: string
    type: string
    createdAt: number
    inboxId: string
    conversationId: string | null
    data: any
  }
}

export interface Receiver {
  url: string
  port: number
  received: Received[]
  /** How the next requests are answered; default 200 `ok`. */
  respond: (req: Received) => Response | Promise<Response>
  /** Waits until `predicate` holds over what was received (bounded). */
  waitFor(predicate: (received: Received[]) => boolean, timeoutMs?: number): Promise<Received[]>
  stop(): void
}

export function startReceiver(path = '/hook'): Receiver {
  const received: Received[] = []
  const receiver: Receiver = {
    url: '',
    port: 0,
    received,
    respond: () => new Response('ok'),
    async waitFor(predicate, timeoutMs = 10_000) {
      const until = performance.now() + timeoutMs
      while (!predicate(received)) {
        if (performance.now() > until) {
          expect(received.map((r) => `${r.event.type} ${r.event.id}`)).toEqual(['<condition met>'])
        }
        await Bun.sleep(10)
      }
      return received
    },
    stop: () => void server.stop(true),
  }
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    async fetch(req) {
      const raw = await req.text()
      let event: Received['event']
      try {
        event = JSON.parse(raw)
      } catch {
        return new Response('not json', { status: 400 })
      }
      const entry: Received = {
        at: Date.now(),
        headers: Object.fromEntries(req.headers.entries()),
        raw,
        event,
      }
      received.push(entry)
      return receiver.respond(entry)
    },
  })
  receiver.port = server.port ?? 0
  receiver.url = `http://127.0.0.1:${receiver.port}${path}`
  return receiver
}
