/**
 * Durable requests (sends with a clientMsgId): they wait for a connection, survive reconnects,
 * and go one at a time in the order they were made, each resent unchanged until the server
 * acks it or refuses it for good. Resending the same frame is safe because the server answers
 * a repeated clientMsgId with the original ack (docs/protocol.md section 6.3); one at a time
 * keeps the visitor's messages in the order they were written.
 */
import { isDisconnected } from './errors.ts'
import type { ParleyError } from './protocol.ts'
import type { Outgoing, Pending } from './transport-types.ts'

export class DurableQueue {
  private readonly items: Array<Pending & { frame: Outgoing }> = []
  private busy = false
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(
    private readonly send: (frame: Outgoing) => Promise<unknown>,
    private readonly connected: () => boolean,
    /** Told when the head is refused for now and will be resent after the wait. */
    private readonly retrying: (error: ParleyError) => void = () => undefined,
  ) {}

  push<T>(frame: Outgoing): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.items.push({ frame, resolve: resolve as (data: unknown) => void, reject })
      this.pump()
    })
  }

  /** Sends the oldest request if none is in flight; called again after every (re)connect. */
  pump(): void {
    clearTimeout(this.timer)
    const head = this.items[0]
    if (!head || this.busy || !this.connected()) return
    this.busy = true
    this.send(head.frame).then(
      (data) => {
        this.busy = false
        this.items.shift()
        head.resolve(data)
        this.pump()
      },
      (error: ParleyError) => {
        this.busy = false
        if (isDisconnected(error)) return // resent after the next auth
        if (error.retryable) {
          this.timer = setTimeout(() => this.pump(), error.retryAfterMs ?? 1000)
          this.retrying(error)
          return
        }
        this.items.shift()
        head.reject(error)
        this.pump()
      },
    )
  }

  rejectAll(error: ParleyError): void {
    clearTimeout(this.timer)
    for (const item of this.items.splice(0)) item.reject(error)
  }
}
