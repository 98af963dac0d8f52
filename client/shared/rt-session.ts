/**
 * A fallback realtime session (docs/protocol.md section 10): created with the token, client
 * frames POSTed in batches (at most 32 per request, one request per tick), replies arriving on
 * the session's SSE stream or long-poll. Every request on it bears the same token.
 */
import type { ChannelTarget } from './channel.ts'
import { httpJson } from './http.ts'
import type { ClientFrame } from './protocol.ts'

const MAX_FRAMES_PER_POST = 32

export class RtSession {
  private outgoing: ClientFrame[] = []
  private scheduled = false

  private constructor(
    private readonly target: ChannelTarget,
    readonly id: string,
    private readonly onBroken: () => void,
  ) {}

  static async create(
    target: ChannelTarget,
    transport: 'sse' | 'poll',
    onBroken: () => void,
  ): Promise<RtSession> {
    const { sessionId } = await httpJson<{ sessionId: string }>(target.baseUrl, '/rt/sessions', {
      body: { transport },
      token: target.token,
    })
    return new RtSession(target, sessionId, onBroken)
  }

  /** The session's URL, or one of its endpoints (`events`, `poll`, `frames`). */
  url(endpoint?: string): string {
    const base = `${this.target.baseUrl}/rt/sessions/${encodeURIComponent(this.id)}`
    return endpoint ? `${base}/${endpoint}` : base
  }

  /** The header every request on the session carries. */
  authorization(): Record<string, string> {
    return { authorization: `Bearer ${this.target.token}` }
  }

  send(frame: ClientFrame): void {
    this.outgoing.push(frame)
    if (this.scheduled) return
    this.scheduled = true
    queueMicrotask(() => this.flush())
  }

  private flush(): void {
    this.scheduled = false
    while (this.outgoing.length > 0) {
      const batch = this.outgoing.splice(0, MAX_FRAMES_PER_POST)
      // A lost POST (session gone, network down) breaks the channel: the transport reconnects
      // and resends what matters (subscriptions by seq, sends by clientMsgId).
      httpJson(this.url('frames'), '', {
        body: batch,
        token: this.target.token,
      }).catch(this.onBroken)
    }
  }

  /** Ends the session on the server; best effort, the server drops it after 60 s anyway. */
  end(): void {
    fetch(this.url(), {
      method: 'DELETE',
      headers: this.authorization(),
      keepalive: true,
    }).catch(() => undefined)
  }
}
