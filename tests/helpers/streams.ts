/**
 * Test clients for the fallback transports: an SSE session read with fetch + a stream reader,
 * and a long-poll session. Both post client frames to /rt/sessions/:id/frames and expose the
 * frames they received like TestClient does (`frames`, `next`, `events`). Every request bears
 * the session's token, as the server requires. They work against an in-process test server or
 * a cluster node alike.
 */
import type { TestServer } from './server.ts'
import type { Frame } from './ws.ts'

/** What the clients need of a server: its URL and JSON requests (TestServer, ClusterNode). */
export type StreamServer = Pick<TestServer, 'url' | 'http'>

/** Creates a realtime session; returns its id. Throws unless the server answers 201. */
export async function createSession(s: StreamServer, transport: 'sse' | 'poll', token: string) {
  const res = await s.http('/rt/sessions', { body: { transport }, token })
  if (res.status !== 201) throw new Error(`session create failed: ${JSON.stringify(res.body)}`)
  return res.body.sessionId as string
}

abstract class StreamClient {
  readonly frames: Frame[] = []
  protected readonly abort = new AbortController()
  private nextReq = 1

  constructor(
    readonly server: StreamServer,
    readonly sessionId: string,
    readonly token: string,
  ) {}

  /** Posts frames as they are (one object or an array); resolves with the HTTP status. */
  post(body: unknown, token = this.token): ReturnType<TestServer['http']> {
    return this.server.http(`/rt/sessions/${this.sessionId}/frames`, { body, token })
  }

  /** Posts frame with a fresh req and waits for the ack, error or pong with that req. */
  async request(frame: Frame, timeoutMs = 5000): Promise<Frame> {
    const req = `r${this.nextReq++}`
    const res = await this.post({ ...frame, req })
    if (res.status !== 202) throw new Error(`frame post failed: ${JSON.stringify(res.body)}`)
    return this.next(
      (f) => (f.type === 'ack' || f.type === 'error' || f.type === 'pong') && f.req === req,
      timeoutMs,
    )
  }

  /** Like request, but throws unless the reply is an ack; returns its data. */
  async ok(frame: Frame): Promise<any> {
    const reply = await this.request(frame)
    if (reply.type !== 'ack')
      throw new Error(`expected ack for ${frame.type}, got ${JSON.stringify(reply)}`)
    return reply.data
  }

  /** Resolves with the first frame received so far or later that matches. */
  abstract next(match: (f: Frame) => boolean, timeoutMs?: number): Promise<Frame>

  events(conversationId: string): Frame[] {
    return this.frames.filter(
      (f) => f.type === 'event' && f.conversationId === conversationId && f.seq !== undefined,
    )
  }

  close(): void {
    this.abort.abort()
  }
}

/** Reads GET /rt/sessions/:id/events and parses each `data:` line as one frame. */
export class SseClient extends StreamClient {
  private waiters: Array<() => void> = []
  ended = false

  static async open(s: StreamServer, token: string): Promise<SseClient> {
    const client = new SseClient(s, await createSession(s, 'sse', token), token)
    const res = await fetch(`${s.url}/rt/sessions/${client.sessionId}/events`, {
      headers: { authorization: `Bearer ${token}` },
      signal: client.abort.signal,
    })
    if (res.status !== 200 || !res.body) throw new Error(`event stream refused: ${res.status}`)
    if (!res.headers.get('content-type')?.startsWith('text/event-stream'))
      throw new Error('not an event stream')
    void client.read(res.body.getReader())
    return client
  }

  private async read(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder()
    let text = ''
    try {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        text += decoder.decode(value, { stream: true })
        let end = text.indexOf('\n\n')
        while (end >= 0) {
          for (const line of text.slice(0, end).split('\n')) {
            if (line.startsWith('data: ')) this.frames.push(JSON.parse(line.slice(6)) as Frame)
          }
          text = text.slice(end + 2)
          end = text.indexOf('\n\n')
        }
        this.wake()
      }
    } catch {
      // aborted by close()
    }
    this.ended = true
    this.wake()
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w()
  }

  async next(match: (f: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = this.frames.find(match)
      if (found) return found
      if (this.ended) throw new Error('event stream ended before the frame arrived')
      const left = deadline - Date.now()
      if (left <= 0)
        throw new Error(
          `no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.slice(-5))}`,
        )
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }
}

/** Long-poll: each GET /rt/sessions/:id/poll answers with a JSON array of frames. */
export class PollClient extends StreamClient {
  /** How many polls answered, and their bodies, for assertions on the shape. */
  readonly batches: unknown[] = []

  static async open(s: StreamServer, token: string): Promise<PollClient> {
    return new PollClient(s, await createSession(s, 'poll', token), token)
  }

  /** One poll; waits server-side until frames arrive (or the server's poll timeout). */
  async poll(): Promise<Frame[]> {
    const res = await fetch(`${this.server.url}/rt/sessions/${this.sessionId}/poll`, {
      headers: { authorization: `Bearer ${this.token}` },
      signal: this.abort.signal,
    })
    if (res.status !== 200) throw new Error(`poll failed: ${res.status} ${await res.text()}`)
    const body: unknown = await res.json()
    if (!Array.isArray(body)) throw new Error(`poll answered ${JSON.stringify(body)}, not an array`)
    this.batches.push(body)
    this.frames.push(...(body as Frame[]))
    return body as Frame[]
  }

  /** Polls until a matching frame has arrived; each poll returns as soon as frames exist. */
  async next(match: (f: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = this.frames.find(match)
      if (found) return found
      const left = deadline - Date.now()
      if (left <= 0)
        throw new Error(
          `no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.slice(-5))}`,
        )
      let timer: ReturnType<typeof setTimeout> | undefined
      const timeout = new Promise<'timeout'>(
        (resolve) => (timer = setTimeout(() => resolve('timeout'), left)),
      )
      const outcome = await Promise.race([this.poll(), timeout])
      clearTimeout(timer)
      if (outcome === 'timeout') {
        // Cancel the hanging poll so nothing outlives the test.
        this.abort.abort()
        throw new Error(
          `no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.slice(-5))}`,
        )
      }
    }
  }
}
