/**
 * The attachment cleanup job (F2): uploads never sent with a message expire, and deleted files
 * leave the storage once their grace period is over. One node at a time runs it (a NATS KV lock
 * in a cluster, see startSweeper); every step is idempotent, so a run killed half-way is simply
 * finished by the next one:
 * 1. expire: `pending`/`uploaded` rows past purge_at become `deleted` in one guarded UPDATE (a
 *    message linking one of them at the same moment either wins, and it stays, or loses with
 *    `conflict`: never both);
 * 2. purge: for each `deleted` row past purge_at, remove the bytes (absent ones are fine), then
 *    the row. Killed between the two, the row is still there and the next run removes the
 *    already-missing bytes again.
 * Linked files are never touched here: a linked file becomes `deleted` only when its message is
 * deleted (in the message's transaction) or through markDeleted (retention and erasure, later).
 * Step 2 is the only place that removes a file's bytes, whatever made it `deleted`.
 */
import type { AttachmentRecord, AttachmentStore, Logger } from '../../actors/index.ts'
import { blobKey, type BlobStorage } from './storage.ts'

export interface SweepOptions {
  now: number
  /** Rows per statement (default 200). */
  batch?: number
  /** Report what would be removed and change nothing. */
  dryRun?: boolean
  /** Stop starting new batches after this long (ms, default 20 s): the lock lapses at 30 s. */
  budgetMs?: number
}

export interface SweepReport {
  dryRun: boolean
  /** Unlinked uploads expired (dry run: that would be). */
  expired: number
  /** Files whose bytes and row were removed (dry run: that would be). */
  purged: number
  /** Files whose bytes could not be removed this time (they stay for the next run). */
  failed: number
  /** Ids a dry run would touch, oldest first (at most one batch of each). */
  ids: string[]
}

export async function sweepAttachments(
  deps: { store: AttachmentStore; storage: BlobStorage; log: Logger },
  opts: SweepOptions,
): Promise<SweepReport> {
  const batch = opts.batch ?? 200
  const started = performance.now()
  const inBudget = () => performance.now() - started < (opts.budgetMs ?? 20_000)
  const report: SweepReport = {
    dryRun: opts.dryRun === true,
    expired: 0,
    purged: 0,
    failed: 0,
    ids: [],
  }
  if (opts.dryRun) {
    const expiring = await deps.store.expirable(opts.now, batch)
    const purging = await deps.store.purgeable(opts.now, batch)
    report.expired = expiring.length
    report.purged = purging.length
    report.ids = [...expiring, ...purging].map((r) => r.id)
    return report
  }
  for (;;) {
    const ids = await deps.store.expireUploads(opts.now, batch)
    report.expired += ids.length
    if (ids.length < batch || !inBudget()) break
  }
  while (inBudget()) {
    const due = await deps.store.purgeable(opts.now, batch)
    let removed = 0
    for (const record of due) {
      if (await purge(deps, record)) removed++
      else report.failed++
    }
    report.purged += removed
    // A batch with failures only would come back the same: leave it to the next run.
    if (due.length < batch || removed === 0) break
  }
  if (report.expired + report.purged + report.failed > 0) {
    deps.log.info('attachments swept', { ...report, ids: undefined })
  }
  return report
}

/** Removes one deleted file's bytes, then its row; false (and logged) when storage refused. */
async function purge(
  deps: { store: AttachmentStore; storage: BlobStorage; log: Logger },
  record: AttachmentRecord,
): Promise<boolean> {
  try {
    await deps.storage.delete(blobKey(record.id, 'original'))
    if (record.thumbnail) await deps.storage.delete(blobKey(record.id, 'thumb'))
  } catch (error) {
    deps.log.warn('attachment bytes could not be removed; retrying next run', {
      id: record.id,
      error,
    })
    return false
  }
  await deps.store.forget(record.id)
  return true
}

/**
 * Runs the sweep every `everyMs` on this node, or, in a cluster, on whichever node takes the
 * lock for that round. Rounds never overlap; a failed round is logged and the next one retries.
 */
export function startSweeper(opts: {
  everyMs: number
  run: () => Promise<unknown>
  lock: (<T>(fn: () => Promise<T>) => Promise<unknown>) | null
  log: Logger
  /** What the rounds do, for the failure's log line. */
  name?: string
}): { stop(): void } {
  if (opts.everyMs <= 0) return { stop() {} }
  let running = false
  const timer = setInterval(() => {
    if (running) return
    running = true
    const round = opts.lock ? opts.lock(opts.run) : opts.run()
    void round
      .catch((error: unknown) =>
        opts.log.warn(`${opts.name ?? 'attachment sweep'} failed`, { error }),
      )
      .finally(() => (running = false))
  }, opts.everyMs)
  timer.unref?.()
  return { stop: () => clearInterval(timer) }
}
