/**
 * Injected time. Actors never call Date.now() or setTimeout directly, so tests move time with
 * FakeClock instead of sleeping.
 */

export interface Timer {
  cancel(): void
}

export interface Clock {
  now(): number
  /** Runs fn once after delayMs (clamped to >= 0). */
  schedule(delayMs: number, fn: () => void): Timer
}

export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(delayMs, fn) {
    const handle = setTimeout(fn, Math.max(0, delayMs))
    return { cancel: () => clearTimeout(handle) }
  },
}

interface FakeTimer {
  at: number
  order: number
  fn: () => void
  cancelled: boolean
}

/**
 * A clock that moves only when told. `advance` fires due timers in deadline order and lets
 * the event loop settle after each, so actor handlers triggered by a timer complete before
 * the next timer fires.
 */
export class FakeClock implements Clock {
  private current: number
  private timers: FakeTimer[] = []
  private counter = 0

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start
  }

  now(): number {
    return this.current
  }

  schedule(delayMs: number, fn: () => void): Timer {
    const timer: FakeTimer = {
      at: this.current + Math.max(0, delayMs),
      order: this.counter++,
      fn,
      cancelled: false,
    }
    this.timers.push(timer)
    return { cancel: () => void (timer.cancelled = true) }
  }

  /** Timers not yet fired nor cancelled. */
  get pending(): number {
    return this.timers.filter((t) => !t.cancelled).length
  }

  /** Moves time forward by ms, firing every timer that falls due on the way. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms
    for (;;) {
      const due = this.nextDue(target)
      if (!due) break
      this.current = due.at
      this.timers.splice(this.timers.indexOf(due), 1)
      due.fn()
      await settle()
    }
    this.current = target
    await settle()
  }

  private nextDue(limit: number): FakeTimer | undefined {
    this.timers = this.timers.filter((t) => !t.cancelled)
    let best: FakeTimer | undefined
    for (const t of this.timers) {
      if (t.at > limit) continue
      if (!best || t.at < best.at || (t.at === best.at && t.order < best.order)) best = t
    }
    return best
  }
}

/** Lets pending promise chains and I/O callbacks run; not a sleep: no time passes. */
export async function settle(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve))
}
