/**
 * A scripted fake server for transport tests. Every channel the transport opens is recorded;
 * a test opens it, reads what the client sent, answers, and drops it. Handlers fire on a later
 * tick, as real sockets do. To extend: add a method that pushes a server frame with `push`.
 */
import type {
  Channel,
  ChannelFactory,
  ChannelHandlers,
  ChannelKind,
  ChannelTarget,
  ClientFrame,
  ServerFrame,
} from '../../client/shared/index.ts'

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

export class FakeChannel implements Channel {
  readonly sent: ClientFrame[] = []
  closedByClient = false

  constructor(
    readonly kind: ChannelKind,
    readonly target: ChannelTarget,
    private readonly handlers: ChannelHandlers,
  ) {}

  get needsAuth(): boolean {
    return this.kind === 'ws'
  }

  send(frame: ClientFrame): void {
    this.sent.push(frame)
  }

  close(): void {
    this.closedByClient = true
  }

  async open(): Promise<void> {
    await tick()
    this.handlers.open()
  }

  async push(frame: ServerFrame): Promise<void> {
    await tick()
    this.handlers.frame(frame)
  }

  /** Acks the newest sent frame of this type, with data. */
  async ack(type: ClientFrame['type'], data?: unknown): Promise<ClientFrame> {
    const frame = await this.waitSent(type)
    await this.push({ type: 'ack', req: frame.req, data })
    return frame
  }

  async drop(opened = true): Promise<void> {
    await tick()
    this.handlers.close({ opened })
  }

  /** The newest frame of a type the client sent, once it has been sent. */
  async waitSent(type: ClientFrame['type'], count = 1): Promise<ClientFrame> {
    await until(() => this.sent.filter((f) => f.type === type).length >= count)
    return this.sent.filter((f) => f.type === type).at(-1) as ClientFrame
  }

  ofType(type: ClientFrame['type']): ClientFrame[] {
    return this.sent.filter((f) => f.type === type)
  }
}

export class FakeServer {
  readonly channels: FakeChannel[] = []
  reachable = true

  readonly factory: ChannelFactory = (kind, target, handlers) => {
    const channel = new FakeChannel(kind, target, handlers)
    this.channels.push(channel)
    return channel
  }

  readonly probe = async () => this.reachable

  /** The n-th channel opened (0-based), once the transport has opened it. */
  async channel(n: number): Promise<FakeChannel> {
    await until(() => this.channels.length > n)
    return this.channels[n] as FakeChannel
  }

  /** Opens channel n and acks its auth frame: the transport is then connected. */
  async accept(n: number): Promise<FakeChannel> {
    const channel = await this.channel(n)
    await channel.open()
    if (channel.needsAuth) await channel.ack('auth', { kind: 'visitor', id: 'v1' })
    return channel
  }
}

export async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const start = Date.now()
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
}
