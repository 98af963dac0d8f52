/**
 * The search indexer's thread (db/sqlite/search-index.ts): its own connection, a step every
 * few hundred milliseconds while messages arrive, and a catch-up on request (a search waits for
 * it, so it sees every committed message). Each step is its own short transaction, so the
 * writer thread never waits long for the lock.
 */
import { Database } from 'bun:sqlite'
import { catchUp } from './search-index.ts'

declare const self: Worker

const EVERY_MS = 200
/** Longest one round indexes before it lets messages (a flush, a stop) through. */
const ROUND_MS = 50

type Msg = { type: 'start'; path: string } | { type: 'flush'; id: number } | { type: 'stop' }

let db: Database | null = null
let timer: ReturnType<typeof setInterval> | null = null
/** Flushes waiting for the index to catch up. */
let waiting: number[] = []
let running = false

/** Indexes in rounds until caught up, letting messages through between rounds. */
async function run(): Promise<void> {
  if (running || !db) return
  running = true
  try {
    for (;;) {
      let done = true
      try {
        done = db ? catchUp(db, ROUND_MS) : true
      } catch {
        // Busy or closing: the next tick tries again; a waiting flush is answered then.
        break
      }
      if (done) {
        for (const id of waiting) self.postMessage({ type: 'flushed', id })
        waiting = []
        break
      }
      await new Promise((resolve) => setTimeout(resolve, 0))
    }
  } finally {
    running = false
  }
}

self.onmessage = (event: MessageEvent<Msg>) => {
  const msg = event.data
  switch (msg.type) {
    case 'start':
      db = new Database(msg.path, { readwrite: true })
      db.run('PRAGMA busy_timeout = 1000')
      db.run('PRAGMA secure_delete = FAST')
      timer = setInterval(() => void run(), EVERY_MS)
      self.postMessage({ type: 'started' })
      return
    case 'flush':
      waiting.push(msg.id)
      void run()
      return
    case 'stop':
      if (timer) clearInterval(timer)
      db?.close()
      db = null
      self.postMessage({ type: 'stopped' })
  }
}
