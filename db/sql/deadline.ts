/**
 * Deadlines for store operations. A database that stops answering (a dead socket, a held lock,
 * a stuck driver) must turn into an error the caller can retry, never into a wait without end:
 * one hung commit would otherwise hold every write of the node behind it.
 */

/** A store operation that did not finish in time. Its outcome is unknown: it may still commit. */
export class StoreTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not finish within ${ms} ms`)
    this.name = 'StoreTimeoutError'
  }
}

/**
 * Settles like `work`, or rejects with StoreTimeoutError after `ms`. The work itself goes on
 * (nothing can stop a statement the server is running); the caller just stops waiting.
 */
export function deadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new StoreTimeoutError(what, ms)), Math.max(0, ms))
    work.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(error)
      },
    )
  })
}
