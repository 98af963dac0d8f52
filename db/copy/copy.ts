/**
 * `parley db copy`: moves every row of one store into another, empty one (SQLite to Postgres
 * when a team outgrows one node, or back), then proves the copy by per-table row counts and
 * checksums computed the same way on both sides.
 */
import { getTableName, sql } from 'drizzle-orm'
import { openDialect } from '../open.ts'
import type { SqlDialect } from '../sql/dialect.ts'
import { insertInto, rawQuery } from '../sql/statements.ts'
import { TABLES_IN_DEPENDENCY_ORDER, type TableName } from '../sql/tables.ts'
import { countRows, fingerprint, scanTable } from './scan.ts'

export interface TableReport {
  /** The table's SQL name. */
  table: string
  sourceRows: number
  targetRows: number
  sourceChecksum: string
  targetChecksum: string
  ok: boolean
}

export interface CopyReport {
  tables: TableReport[]
  /** Every table has the same count and checksum on both sides. */
  ok: boolean
  copiedRows: number
  elapsedMs: number
}

export interface CopyOptions {
  /** Rows per read and per insert transaction. Default 1000. */
  batchSize?: number
  /** Progress lines. */
  log?: (line: string) => void
}

/** A copy that must not start (same database, target not empty); nothing was written. */
export class CopyRefused extends Error {
  override name = 'CopyRefused'
}

/** Copies `fromUrl` into the empty database `toUrl`; both are migrated to the current schema. */
export async function copyDatabase(
  fromUrl: string,
  toUrl: string,
  options: CopyOptions = {},
): Promise<CopyReport> {
  if (fromUrl.trim() === toUrl.trim()) throw new CopyRefused('source and target are the same')
  const batchSize = options.batchSize ?? 1000
  const log = options.log ?? (() => {})
  const started = performance.now()
  const source = await openDialect(fromUrl)
  try {
    const target = await openDialect(toUrl)
    try {
      await requireEmpty(target)
      let copiedRows = 0
      for (const table of TABLES_IN_DEPENDENCY_ORDER) {
        const copied = await copyTable(source, target, table, batchSize)
        log(`copied ${getTableName(source.tables[table])}: ${copied} rows`)
        copiedRows += copied
      }
      await afterCopy(target)
      const tables = await verify(source, target, batchSize)
      return {
        tables,
        ok: tables.every((t) => t.ok),
        copiedRows,
        elapsedMs: performance.now() - started,
      }
    } finally {
      await target.close()
    }
  } finally {
    await source.close()
  }
}

/**
 * Postgres numbers new conversations from an identity sequence, which the copied rows (their
 * numbers given) did not move: it starts past the highest copied. SQLite numbers one past the
 * highest stored, so it needs nothing.
 */
async function afterCopy(target: SqlDialect): Promise<void> {
  if (target.name !== 'postgres') return
  await target.all(
    rawQuery(sql`select setval(pg_get_serial_sequence('conversations', 'no'),
      (select coalesce(max(no), 0) + 1 from conversations), false)`),
  )
}

async function requireEmpty(target: SqlDialect): Promise<void> {
  for (const table of TABLES_IN_DEPENDENCY_ORDER) {
    const rows = await countRows(target, table)
    if (rows > 0) {
      throw new CopyRefused(
        `the target database is not empty (${table} has ${rows} rows); copy needs an empty one`,
      )
    }
  }
}

/** Reads the source in primary-key order; each batch goes in with one transaction. */
async function copyTable(
  source: SqlDialect,
  target: SqlDialect,
  table: TableName,
  batchSize: number,
): Promise<number> {
  const insert = insertInto(table)
  let copied = 0
  for await (const rows of scanTable(source, table, batchSize)) {
    await target.transaction([{ insert, rows }])
    copied += rows.length
  }
  return copied
}

async function verify(
  source: SqlDialect,
  target: SqlDialect,
  batchSize: number,
): Promise<TableReport[]> {
  const reports: TableReport[] = []
  for (const table of TABLES_IN_DEPENDENCY_ORDER) {
    const [from, to] = await Promise.all([
      fingerprint(source, table, batchSize),
      fingerprint(target, table, batchSize),
    ])
    reports.push({
      table: getTableName(source.tables[table]),
      sourceRows: from.rows,
      targetRows: to.rows,
      sourceChecksum: from.checksum,
      targetChecksum: to.checksum,
      ok: from.rows === to.rows && from.checksum === to.checksum,
    })
  }
  return reports
}
