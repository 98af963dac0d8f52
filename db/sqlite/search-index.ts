/**
 * The message search index, written behind the log (issue 16; see the header of
 * db/migrations/sqlite/0015_search.sql). One step indexes the `events` rows past the mark in a
 * bounded rowid range and moves the mark, in one write transaction; run on the indexer's own
 * thread and connection (search-worker.ts), it keeps FTS5's cost off the writer's transactions
 * and off the event loop.
 */
import type { Database } from 'bun:sqlite'

/** Rowids one step covers: about 15 ms of indexing, so the write lock is never held long. */
export const INDEX_STEP_ROWS = 500

/** Indexes the next range past the mark; the number of rowids it covered (0: caught up). */
export function indexStep(client: Database, rows = INDEX_STEP_ROWS): number {
  let covered = 0
  client
    .transaction(() => {
      const mark = client
        .query(`SELECT indexed_to AS mark FROM search_progress WHERE name = 'messages'`)
        .get() as { mark: number } | null
      if (!mark) return
      const last = client.query('SELECT coalesce(max(rowid), 0) AS last FROM events').get() as {
        last: number
      }
      if (last.last <= mark.mark) return
      const to = Math.min(last.last, mark.mark + rows)
      client.run(
        `INSERT INTO message_search(rowid, text)
           SELECT rowid, text FROM events
           WHERE rowid > ? AND rowid <= ?
             AND name = 'message.created' AND deleted_at IS NULL AND text IS NOT NULL`,
        [mark.mark, to],
      )
      client.run(`UPDATE search_progress SET indexed_to = ? WHERE name = 'messages'`, [to])
      covered = to - mark.mark
    })
    .immediate()
  return covered
}

/** Steps until caught up, or until `budgetMs` has passed; true when caught up. */
export function catchUp(client: Database, budgetMs: number): boolean {
  const until = performance.now() + budgetMs
  while (performance.now() < until) {
    if (indexStep(client) === 0) return true
  }
  return false
}
