/**
 * Operations commands: `bun server/cli.ts <command>`.
 *
 *   db copy --from <url> --to <url> [--batch <rows>]
 *     Copies every row of one store into another, empty one (SQLite to Postgres, or back), then
 *     verifies per-table row counts and checksums and prints a report. Stop the server first.
 *     Exit 0: copied and verified; 1: a table differs or the copy failed; 2: bad usage or refused.
 *
 *   analytics rebuild [--db <url>]
 *     Drops the analytics projection (issue 19) and counts every conversation's log again (the
 *     database of DATABASE_URL / DATA_DIR by default). Safe while servers run: their rounds and
 *     this one never count an event twice. Exit 0: done; 1: failed; 2: bad usage.
 */
import { parseArgs } from 'node:util'
import { CopyRefused, copyDatabase, openStore, redactUrl, type CopyReport } from '../db/index.ts'
import { createLogger } from '../actors/runtime/log.ts'
import { AnalyticsProjector } from './analytics/projector.ts'
import { loadConfig } from './config.ts'

const USAGE = `usage: bun server/cli.ts db copy --from <url> --to <url> [--batch <rows>]
       bun server/cli.ts analytics rebuild [--db <url>]
  urls: sqlite:<path>, file:<path>, a plain path, postgres://... or postgresql://...`

/** The report as a fixed-width table, one row per table, then a verdict line. */
export function formatReport(report: CopyReport): string {
  const header = ['table', 'source rows', 'target rows', 'source checksum', 'target checksum', '']
  const rows = report.tables.map((t) => [
    t.table,
    String(t.sourceRows),
    String(t.targetRows),
    t.sourceChecksum,
    t.targetChecksum,
    t.ok ? 'ok' : 'MISMATCH',
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)))
  const line = (cells: string[]) =>
    cells
      .map((cell, i) =>
        i === 1 || i === 2 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd()
  const seconds = (report.elapsedMs / 1000).toFixed(1)
  const verdict = report.ok
    ? `copied ${report.copiedRows} rows in ${seconds} s; every table matches`
    : `copied ${report.copiedRows} rows in ${seconds} s; ${report.tables.filter((t) => !t.ok).length} table(s) DIFFER`
  return [line(header), ...rows.map(line), verdict].join('\n')
}

async function dbCopy(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { from: { type: 'string' }, to: { type: 'string' }, batch: { type: 'string' } },
    strict: true,
  })
  const batch = values.batch === undefined ? 1000 : Number(values.batch)
  if (!values.from || !values.to || !Number.isInteger(batch) || batch < 1) {
    console.error(USAGE)
    return 2
  }
  console.log(`copying ${redactUrl(values.from)} -> ${redactUrl(values.to)}`)
  try {
    const report = await copyDatabase(values.from, values.to, {
      batchSize: batch,
      log: (line) => console.log(line),
    })
    console.log(formatReport(report))
    return report.ok ? 0 : 1
  } catch (error) {
    if (error instanceof CopyRefused) {
      console.error(`refused: ${error.message}`)
      return 2
    }
    const message = error instanceof Error ? error.message : String(error)
    console.error(`copy failed: ${message}`)
    console.error(
      'the target may hold a partial copy: empty it (drop and recreate) before retrying',
    )
    return 1
  }
}

async function analyticsRebuild(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { db: { type: 'string' } }, strict: true })
  const url = values.db ?? loadConfig(process.env).databaseUrl
  console.log(`rebuilding analytics of ${redactUrl(url)}`)
  const store = await openStore(url)
  try {
    const started = performance.now()
    const marked = await store.analytics.reset()
    const projector = new AnalyticsProjector({ store, log: createLogger({ level: 'warn' }) })
    const folded = await projector.catchUp()
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    console.log(`counted ${folded} of ${marked} conversations again in ${seconds} s`)
    return 0
  } catch (error) {
    console.error(`rebuild failed: ${error instanceof Error ? error.message : String(error)}`)
    return 1
  } finally {
    await store.close()
  }
}

/** Runs one command line (without the runtime and script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [group, command, ...rest] = argv
  if (group === 'db' && command === 'copy') {
    try {
      return await dbCopy(rest)
    } catch (error) {
      // parseArgs: an unknown or malformed option.
      console.error(error instanceof Error ? error.message : String(error))
      console.error(USAGE)
      return 2
    }
  }
  if (group === 'analytics' && command === 'rebuild') {
    try {
      return await analyticsRebuild(rest)
    } catch (error) {
      console.error(error instanceof Error ? error.message : String(error))
      console.error(USAGE)
      return 2
    }
  }
  console.error(USAGE)
  return 2
}

if (import.meta.main) process.exit(await main(process.argv.slice(2)))
