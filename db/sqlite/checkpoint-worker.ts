/**
 * Runs WAL checkpoints on its own thread and connection, so copying the log into the database
 * file (and its fsync) never stalls the server's event loop. The main connection turns its
 * automatic checkpoints off while this runs. PASSIVE: never waits for readers or the writer;
 * what it cannot copy now, it copies on the next round.
 */
import { Database } from 'bun:sqlite'

declare const self: Worker

const EVERY_MS = 250

let db: Database | null = null
let timer: ReturnType<typeof setInterval> | null = null

self.onmessage = (event: MessageEvent<{ type: 'start'; path: string } | { type: 'stop' }>) => {
  const msg = event.data
  if (msg.type === 'start') {
    db = new Database(msg.path, { readwrite: true })
    db.run('PRAGMA busy_timeout = 1000')
    timer = setInterval(() => {
      try {
        db?.run('PRAGMA wal_checkpoint(PASSIVE)')
      } catch {
        // Busy or closing: the next round tries again.
      }
    }, EVERY_MS)
    self.postMessage({ type: 'started' })
    return
  }
  if (timer) clearInterval(timer)
  db?.close()
  db = null
  self.postMessage({ type: 'stopped' })
}
