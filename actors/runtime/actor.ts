/**
 * The actor: a FIFO mailbox that runs one message at a time to completion, awaits included.
 * Nothing touches an actor's state except its own handler. A failing handler rejects only the
 * caller of that message; the actor lives on.
 */
import { ParleyError } from '../../protocol/index.ts'
import type { Clock, Timer } from './clock.ts'
import type { Logger } from './log.ts'

/** The refusal of a command past the mailbox limit: one immutable value for every refusal. */
const MAILBOX_FULL = new ParleyError(
  'overloaded',
  'too many requests queued for this conversation',
  {
    retryAfterMs: 250,
  },
)

/** Every actor command is a tagged object. */
export interface Command {
  type: string
}

/** What an actor's handler answers for each command type. */
export type Replies<C extends Command> = { [K in C['type']]: unknown }

export interface ActorContext {
  clock: Clock
  log: Logger
  /** Messages waiting beyond this bound are refused with a retryable `overloaded`. */
  mailboxLimit: number
  /**
   * In a cluster: whether this node still owns the actor (its lease is valid). Checked before
   * every command; once it says no, the actor refuses with a retryable `unavailable` and stops,
   * so a node that lost its lease (paused, partitioned) never acts on stale ownership.
   */
  owns?: (key: string) => boolean
}

interface Envelope<C extends Command> {
  cmd: C
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
}

/** Thrown to callers of an actor that has stopped; the registry retries on a fresh instance. */
export class ActorStoppedError extends Error {
  constructor(readonly key: string) {
    super(`actor ${key} has stopped`)
    this.name = 'ActorStoppedError'
  }
}

/** A self-sent message's reply: nobody waits for it. */
const ignoreReply = (): void => {}

export abstract class Actor<C extends Command, R extends Replies<C>> {
  private readonly queue: Envelope<C>[] = []
  private running = false
  private stopped = false
  private readonly timers = new Map<string, Timer>()
  private effects: Array<() => void> = []
  private activated = false
  private stopRequested = false
  private pendingEffects = 0
  /** Called once when the actor stops (the registry forgets it). */
  onStopped: (() => void) | null = null
  /** Clock time of the last message handled; drives passivation. */
  lastActiveAt: number

  constructor(
    readonly key: string,
    protected readonly ctx: ActorContext,
  ) {
    this.lastActiveAt = ctx.clock.now()
  }

  /** Handles one command. Runs alone: no other command of this actor runs until it settles. */
  protected abstract receive(cmd: C): Promise<R[C['type']]>

  /** Loads state from the store. Runs before the first command; failure fails that command. */
  protected async activate(): Promise<void> {}

  /** Releases what the actor holds outside itself (subscriptions). Runs once, at stop. */
  protected onStop(): void {}

  /** True when the actor may be dropped from memory now (no state that would be lost). */
  canPassivate(): boolean {
    return this.timers.size === 0
  }

  get mailboxDepth(): number {
    return this.queue.length + (this.running ? 1 : 0)
  }

  get isStopped(): boolean {
    return this.stopped
  }

  /** Sends a command and waits for its reply. */
  ask<K extends C['type']>(cmd: Extract<C, { type: K }>): Promise<R[K]> {
    if (this.stopped) return Promise.reject(new ActorStoppedError(this.key))
    if (this.queue.length >= this.ctx.mailboxLimit) {
      return Promise.reject(MAILBOX_FULL)
    }
    return new Promise<R[K]>((resolve, reject) => {
      this.queue.push({ cmd, resolve: resolve as (v: unknown) => void, reject })
      this.pump()
    })
  }

  /**
   * Runs fn after the current command has been answered: the output gate. The reply goes to
   * the caller first (it is durable by then), then side effects such as publishing events.
   */
  protected afterReply(fn: () => void): void {
    this.effects.push(fn)
  }

  /** Names of the timers armed now. */
  protected timerNames(): string[] {
    return [...this.timers.keys()]
  }

  /** Arms (or re-arms) the named timer; when it fires, cmd is delivered to this mailbox. */
  protected startTimer(name: string, delayMs: number, cmd: C): void {
    this.cancelTimer(name)
    const timer = this.ctx.clock.schedule(delayMs, () => {
      if (this.timers.get(name) !== timer) return
      this.timers.delete(name)
      this.deliverSelf(cmd)
    })
    this.timers.set(name, timer)
  }

  protected cancelTimer(name: string): void {
    const timer = this.timers.get(name)
    if (!timer) return
    timer.cancel()
    this.timers.delete(name)
  }

  /**
   * Stops the actor once the current command is answered: for an actor that found nothing to
   * load, so probes for missing keys do not fill memory.
   */
  protected stopAfterReply(): void {
    this.stopRequested = true
  }

  protected hasTimer(name: string): boolean {
    return this.timers.has(name)
  }

  /**
   * Self-sent messages (timers, subscriptions the actor holds) bypass the mailbox bound: they
   * must never be dropped.
   */
  protected deliverSelf(cmd: C): void {
    if (this.stopped) return
    // One pair of handlers per actor, not two closures per message (a busy inbox's operator
    // actors each take a change per message).
    this.queue.push({ cmd, resolve: ignoreReply, reject: this.selfFailed })
    this.pump()
  }

  private readonly selfFailed = (error: unknown): void => {
    // Stopped before it ran (its lease lapsed, passivation): the next owner rebuilds what it
    // was for (timers from the store, changes from the next event), so it is no failure.
    if (error instanceof ActorStoppedError) return
    this.ctx.log.error('actor timer message failed', { key: this.key, error })
  }

  /**
   * Stops the actor: cancels timers and fails queued commands with ActorStoppedError, which
   * the registry turns into a retry on a fresh instance. The running command finishes.
   */
  stop(): void {
    if (this.stopped) return
    this.stopped = true
    for (const timer of this.timers.values()) timer.cancel()
    this.timers.clear()
    for (const env of this.queue.splice(0)) env.reject(new ActorStoppedError(this.key))
    try {
      this.onStop()
    } catch (error) {
      this.ctx.log.error('actor stop hook failed', { key: this.key, error })
    }
    this.onStopped?.()
  }

  /** Resolves when the mailbox is empty (used by graceful shutdown). */
  async idle(): Promise<void> {
    while (this.running || this.queue.length > 0 || this.pendingEffects > 0) {
      await new Promise<void>((resolve) => setImmediate(resolve))
    }
  }

  private pump(): void {
    if (this.running) return
    this.running = true
    void this.drain()
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0 && !this.stopped) {
        const env = this.queue.shift() as Envelope<C>
        this.lastActiveAt = this.ctx.clock.now()
        if (this.ctx.owns && !this.ctx.owns(this.key)) {
          env.reject(new ActorStoppedError(this.key))
          this.stop()
          return
        }
        if (!this.activated) {
          try {
            await this.activate()
            this.activated = true
          } catch (error) {
            // No usable state: fail this caller, stop, and let the registry start afresh.
            env.reject(error)
            this.stop()
            return
          }
        }
        try {
          const reply = await this.receive(env.cmd)
          env.resolve(reply)
          this.releaseEffects()
        } catch (error) {
          this.effects = []
          if (!(error instanceof ParleyError)) {
            this.ctx.log.error('actor handler failed', { key: this.key, type: env.cmd.type, error })
          }
          env.reject(error)
        }
        if (this.stopRequested) {
          this.stop()
          return
        }
      }
    } finally {
      this.running = false
    }
  }

  /**
   * Effects run on the next macrotask, so the caller's reply (already resolved) is sent before
   * any event it caused; FIFO order of setImmediate keeps effects in command order.
   */
  private releaseEffects(): void {
    if (this.effects.length === 0) return
    const effects = this.effects
    this.effects = []
    this.pendingEffects++
    setImmediate(() => {
      this.pendingEffects--
      this.runEffects(effects)
    })
  }

  private runEffects(effects: Array<() => void>): void {
    for (const fn of effects) {
      try {
        fn()
      } catch (error) {
        this.ctx.log.error('actor effect failed', { key: this.key, error })
      }
    }
  }
}
