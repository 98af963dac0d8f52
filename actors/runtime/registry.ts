/**
 * Hosts the live actors of one kind on this node: activates on first use, passivates idle ones
 * to bound memory, and drains them on shutdown.
 */
import { ParleyError } from '../../protocol/index.ts'
import { Actor, ActorStoppedError, type Command, type Replies } from './actor.ts'
import type { Clock, Timer } from './clock.ts'
import type { Logger } from './log.ts'

export interface RegistryOptions<A> {
  /** Actor kind, for logs and metrics ("conversation", "operator", "inbox"). */
  kind: string
  create: (key: string) => A
  clock: Clock
  log: Logger
  /** An actor idle this long (and willing) is dropped from memory. */
  idleMs: number
  /** Called after an actor of this registry stopped (passivated, failed, shut down). */
  onStopped?: (key: string) => void
}

/**
 * What the rest of the server sees of the actors of one kind, whether they live on this node
 * (ActorRegistry) or anywhere in a cluster (server/cluster's placement).
 */
export interface Registry<C extends Command, R extends Replies<C>> {
  readonly kind: string
  /** Actors live on this node. */
  readonly size: number
  readonly activations: number
  readonly passivations: number
  /** True when the actor is live on this node now. */
  has(key: string): boolean
  ask<K extends C['type']>(key: string, cmd: Extract<C, { type: K }>): Promise<R[K]>
  tell<K extends C['type']>(key: string, cmd: Extract<C, { type: K }>): void
  /** Tells the actor only where it is live now; never activates one. */
  tellIfLive<K extends C['type']>(key: string, cmd: Extract<C, { type: K }>): void
  /** Keys of the actors live on this node now. */
  keys(): string[]
  mailboxDepth(): number
  startSweeping(): void
  shutdown(): Promise<void>
}

export class ActorRegistry<
  C extends Command,
  R extends Replies<C>,
  A extends Actor<C, R>,
> implements Registry<C, R> {
  private readonly live = new Map<string, A>()
  private sweepTimer: Timer | null = null
  private closed = false
  /** Counters for metrics. */
  activations = 0
  passivations = 0

  constructor(private readonly opts: RegistryOptions<A>) {}

  get kind(): string {
    return this.opts.kind
  }

  get size(): number {
    return this.live.size
  }

  /** The live actor for key, created (and activated on its first message) if needed. */
  get(key: string): A {
    const existing = this.live.get(key)
    if (existing && !existing.isStopped) return existing
    const actor = this.opts.create(key)
    actor.onStopped = () => {
      if (this.live.get(key) !== actor) return
      this.live.delete(key)
      this.opts.onStopped?.(key)
    }
    this.live.set(key, actor)
    this.activations++
    return actor
  }

  /** True when the actor is in memory now (does not activate it). */
  has(key: string): boolean {
    const actor = this.live.get(key)
    return actor !== undefined && !actor.isStopped
  }

  /**
   * Asks the actor for key. A command that reached an actor in the instant it stopped
   * (passivation, failed activation) is retried once on a fresh instance.
   */
  async ask<K extends C['type']>(key: string, cmd: Extract<C, { type: K }>): Promise<R[K]> {
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw new ParleyError('unavailable', 'server is shutting down')
      try {
        return await this.get(key).ask(cmd)
      } catch (error) {
        if (!(error instanceof ActorStoppedError)) throw error
        if (attempt >= 1 || this.closed) throw new ParleyError('unavailable', 'try again')
      }
    }
  }

  /** Fire and forget: failures are logged, never thrown. */
  tell<K extends C['type']>(key: string, cmd: Extract<C, { type: K }>): void {
    this.ask(key, cmd).catch((error) => {
      if (this.closed) return
      this.opts.log.warn('actor tell failed', { kind: this.opts.kind, key, type: cmd.type, error })
    })
  }

  /** Tells only an actor that is live now; never activates one. */
  tellIfLive<K extends C['type']>(key: string, cmd: Extract<C, { type: K }>): void {
    if (this.has(key)) this.tell(key, cmd)
  }

  /** Stops the live actor for key, if any (its queued commands fail with ActorStoppedError). */
  stopActor(key: string): void {
    this.live.get(key)?.stop()
  }

  /** Keys of the live actors. */
  keys(): string[] {
    return [...this.live.keys()]
  }

  /** Sum of queued and running messages over all live actors. */
  mailboxDepth(): number {
    let depth = 0
    for (const actor of this.live.values()) depth += actor.mailboxDepth
    return depth
  }

  /** Drops actors idle for idleMs with nothing pending. Returns how many were passivated. */
  sweep(): number {
    const now = this.opts.clock.now()
    let count = 0
    for (const actor of this.live.values()) {
      if (actor.mailboxDepth > 0 || now - actor.lastActiveAt < this.opts.idleMs) continue
      if (!actor.canPassivate()) continue
      actor.stop()
      count++
    }
    if (count > 0) {
      this.passivations += count
      this.opts.log.debug('actors passivated', {
        kind: this.opts.kind,
        count,
        live: this.live.size,
      })
    }
    return count
  }

  /** Sweeps periodically on the injected clock. */
  startSweeping(): void {
    if (this.sweepTimer || this.closed) return
    const every = Math.max(1000, Math.floor(this.opts.idleMs / 2))
    const tick = () => {
      this.sweep()
      if (!this.closed) this.sweepTimer = this.opts.clock.schedule(every, tick)
    }
    this.sweepTimer = this.opts.clock.schedule(every, tick)
  }

  /** Refuses new work, waits for every mailbox to empty, then stops all actors. */
  async shutdown(): Promise<void> {
    this.closed = true
    this.sweepTimer?.cancel()
    this.sweepTimer = null
    await Promise.all([...this.live.values()].map((actor) => actor.idle()))
    for (const actor of [...this.live.values()]) actor.stop()
    this.live.clear()
  }
}
