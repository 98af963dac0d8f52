/**
 * Bounds the password checks of this process. One argon2id check takes about 80 ms of a core
 * and 64 MiB; a flood of logins must not pile them up. At most `concurrency` run at once, at
 * most `queue` wait, and none waits longer than `waitMs`: beyond that the caller gets a
 * retryable `overloaded` at once, which costs no hash.
 */
import type { Logger } from '../../actors/index.ts'
import { ParleyError } from '../../protocol/index.ts'

/** How long a refused caller should wait before trying again. */
const RETRY_AFTER_MS = 1000
/** A flood is one warning a second, not one per refused login. */
const WARN_EVERY_MS = 1000

export interface HashGateOptions {
  /** Checks running at once (PASSWORD_HASH_CONCURRENCY). */
  concurrency: number
  /** Checks waiting for a slot (PASSWORD_HASH_QUEUE). */
  queue: number
  /** Longest wait for a slot, in ms. */
  waitMs: number
  log: Logger
}

/** A bounded queue in front of password checks (see the file comment). */
export class HashGate {
  private running = 0
  private readonly waiting: Array<() => void> = []
  private warnedAt = 0
  /** Checks refused since start. */
  refused = 0

  constructor(private readonly opts: HashGateOptions) {}

  /** Runs `work` (one password check) when a slot is free, or rejects with `overloaded`. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire()
    try {
      return await work()
    } finally {
      this.release()
    }
  }

  private acquire(): Promise<void> {
    if (this.running < this.opts.concurrency) {
      this.running++
      return Promise.resolve()
    }
    if (this.waiting.length >= this.opts.queue) return Promise.reject(this.overloaded())
    return new Promise<void>((resolve, reject) => {
      const start = () => {
        clearTimeout(timer)
        resolve()
      }
      const timer = setTimeout(() => {
        const index = this.waiting.indexOf(start)
        if (index >= 0) this.waiting.splice(index, 1)
        reject(this.overloaded())
      }, this.opts.waitMs)
      this.waiting.push(start)
    })
  }

  /** The slot passes straight to the next in line, if any. */
  private release(): void {
    const next = this.waiting.shift()
    if (next) next()
    else this.running--
  }

  private overloaded(): ParleyError {
    this.refused++
    const now = Date.now()
    if (now - this.warnedAt >= WARN_EVERY_MS) {
      this.warnedAt = now
      this.opts.log.warn('login refused', {
        reason: 'too many password checks at once',
        running: this.running,
        waiting: this.waiting.length,
        refusedSinceStart: this.refused,
      })
    }
    return new ParleyError('overloaded', 'too many password checks at once; retry shortly', {
      retryAfterMs: RETRY_AFTER_MS,
    })
  }
}
