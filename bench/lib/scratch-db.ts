/**
 * A throwaway database for a store benchmark: a SQLite file in a temporary folder, or a fresh
 * Postgres database on the admin URL's server (PARLEY_TEST_POSTGRES, else the local one);
 * `drop` removes it.
 */
import postgres from 'postgres'
import { tempDir } from './procs.ts'

export const PG_ADMIN =
  process.env.PARLEY_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export async function scratchDatabase(
  dialect: 'sqlite' | 'postgres',
  prefix: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = tempDir(`parley-${prefix}-`)
    return { url: `sqlite:${dir.path}/parley.db`, drop: async () => dir.remove() }
  }
  const name = `parley_${prefix}_${process.pid}_${Date.now()}`
  const admin = postgres(PG_ADMIN, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  await admin.end()
  const url = new URL(PG_ADMIN)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: async () => {
      const sql = postgres(PG_ADMIN, { max: 1, onnotice: () => {} })
      await sql.unsafe(`drop database if exists ${name} with (force)`)
      await sql.end()
    },
  }
}
