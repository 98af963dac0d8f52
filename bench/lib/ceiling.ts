/**
 * The raw storage ceiling: how many chat-message rows per second the bare database takes, with
 * no server, actors or sockets around it. The rows are the `message.created` rows the product
 * appends per chat message (the event row with the message's columns, see DDL below), written
 * by one writer in batched transactions of the size group commit reaches, with the product's
 * durability settings. `bench/run.ts` compares the durable chat throughput with it.
 *
 * As a child process (the driver pins it to the server core):
 *
 *   bun bench/lib/ceiling.ts --db sqlite|postgres [--dir <folder> | --url <postgres url>]
 *       [--batch 256] [--conversations 1000] [--warmup-ms 500] [--ms 3000]
 *
 * prints one JSON line (CeilingResult) on stdout. Without `--dir` / `--url` it makes (and
 * removes) its own temp folder or throwaway database; the driver passes them instead, so it
 * can clean up even when it has to kill this process.
 *
 * SQLite: WAL, `synchronous = FULL`, `foreign_keys = ON`, BEGIN IMMEDIATE per batch, one
 * prepared INSERT run per row. `wal_autocheckpoint = 0`: the product checkpoints on a worker
 * thread, not on the committing connection; here one TRUNCATE checkpoint runs between the
 * warm-up and the measurement and none during it (so the ceiling pays no checkpoint work at
 * all, which makes it slightly higher than what any product could reach).
 * Postgres: postgres.js, one connection, `synchronous_commit = on` (the server default the
 * product runs with), one transaction per batch holding one prepared
 * `insert ... select from unnest($1::text[], ...)`, the statement shape the product uses for
 * many rows (db/postgres/bulk.ts).
 */
import { Database } from 'bun:sqlite'
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import { BUN, startProcess, stopProcess, tempDir, type Pinning } from './procs.ts'
import { nowMs } from './stats.ts'

export type CeilingDb = 'sqlite' | 'postgres'

export interface CeilingParams {
  db: CeilingDb
  /** Rows per transaction. */
  batch: number
  /** Conversations the rows go to, round robin (the throughput phase's visitors). */
  conversations: number
  warmupMs: number
  /** Length of the measurement, ms. */
  ms: number
}

export interface CeilingResult {
  params: CeilingParams
  /** Rows committed per second during the measurement. */
  rowsPerSecond: number
  rows: number
  transactions: number
  seconds: number
  /** Median and longest transaction, ms. */
  transactionMs: { p50: number; max: number }
  /** Characters of each message's text (the shape the throughput phase sends). */
  textLength: number
  settings: Record<string, string | number>
}

/** The row shape, SQLite. */
const SQLITE_DDL = [
  `CREATE TABLE conversations (id text PRIMARY KEY, no integer NOT NULL UNIQUE,
    inbox_id text NOT NULL, last_seq integer NOT NULL)`,
  `CREATE TABLE events (
    conv_no integer NOT NULL,
    conversation_id text NOT NULL REFERENCES conversations(id),
    seq integer NOT NULL,
    name text NOT NULL,
    data text,
    at integer NOT NULL,
    message_id text,
    message_seq integer,
    author_kind text, author_id text, text text, client_msg_id text,
    edited_at integer, deleted_at integer, deleted_by_kind text, deleted_by_id text,
    PRIMARY KEY (conv_no, seq)
  )`,
  `CREATE UNIQUE INDEX events_client_msg_uq ON events (conv_no, author_kind, author_id, client_msg_id)
    WHERE client_msg_id IS NOT NULL`,
  'CREATE UNIQUE INDEX events_message_uq ON events (message_id) WHERE message_id IS NOT NULL',
]

/** The same on Postgres: text, integer / bigint (milliseconds), jsonb for data. */
const POSTGRES_DDL = [
  `CREATE TABLE conversations (id text PRIMARY KEY, no integer NOT NULL UNIQUE,
    inbox_id text NOT NULL, last_seq integer NOT NULL)`,
  `CREATE TABLE events (
    conv_no integer NOT NULL,
    conversation_id text NOT NULL REFERENCES conversations(id),
    seq integer NOT NULL,
    name text NOT NULL,
    data jsonb,
    at bigint NOT NULL,
    message_id text,
    message_seq integer,
    author_kind text, author_id text, text text, client_msg_id text,
    edited_at bigint, deleted_at bigint, deleted_by_kind text, deleted_by_id text,
    PRIMARY KEY (conv_no, seq)
  )`,
  `CREATE UNIQUE INDEX events_client_msg_uq ON events (conv_no, author_kind, author_id, client_msg_id)
    WHERE client_msg_id IS NOT NULL`,
  'CREATE UNIQUE INDEX events_message_uq ON events (message_id) WHERE message_id IS NOT NULL',
]

/** One message row's values (the columns the loop sets; the rest stay NULL). */
interface MessageRow {
  /** The conversation's number (conversations.no), the log's key. */
  convNo: number
  conversationId: string
  seq: number
  at: number
  messageId: string
  authorId: string
  text: string
  clientMsgId: string
}

/** The rows' source: conversations in round robin, each with its own increasing seq. */
class Rows {
  readonly ids: string[]
  readonly visitors: string[]
  readonly inboxId = randomUUID()
  private readonly seqs: number[]
  private next = 0
  textLength = 0

  constructor(n: number) {
    this.ids = Array.from({ length: n }, () => randomUUID())
    this.visitors = Array.from({ length: n }, () => randomUUID())
    this.seqs = new Array<number>(n).fill(0)
  }

  take(): MessageRow {
    const i = this.next
    this.next = (i + 1) % this.ids.length
    const seq = ++this.seqs[i]!
    // What the throughput phase's visitors send (bench/lib/actors.ts): `t=<ms> v<n>`.
    const text = `t=${nowMs()} v${seq}`
    this.textLength = text.length
    return {
      convNo: i + 1,
      conversationId: this.ids[i]!,
      seq,
      at: Date.now(),
      messageId: Bun.randomUUIDv7(),
      authorId: this.visitors[i]!,
      text,
      // The widget's client message id.
      clientMsgId: randomUUID(),
    }
  }
}

/** Runs `batch()` for the warm-up, calls `between()`, then measures for `p.ms`. */
async function measure(
  p: CeilingParams,
  batch: () => unknown,
  between: () => unknown,
): Promise<
  Pick<CeilingResult, 'rowsPerSecond' | 'rows' | 'transactions' | 'seconds' | 'transactionMs'>
> {
  const warmEnd = nowMs() + p.warmupMs
  while (nowMs() < warmEnd) await batch()
  await between()
  const times: number[] = []
  const t0 = nowMs()
  let t = t0
  while (t - t0 < p.ms) {
    const start = t
    await batch()
    t = nowMs()
    times.push(t - start)
  }
  const seconds = (t - t0) / 1000
  const rows = times.length * p.batch
  times.sort((a, b) => a - b)
  return {
    rowsPerSecond: rows / seconds,
    rows,
    transactions: times.length,
    seconds,
    transactionMs: { p50: times[Math.floor(times.length / 2)] ?? 0, max: times.at(-1) ?? 0 },
  }
}

/** The SQLite loop, on a new file `ceiling.db` in `dir`. */
export async function sqliteCeiling(dir: string, p: CeilingParams): Promise<CeilingResult> {
  const db = new Database(join(dir, 'ceiling.db'), { create: true, readwrite: true })
  try {
    db.run('PRAGMA journal_mode = WAL')
    db.run('PRAGMA synchronous = FULL')
    db.run('PRAGMA foreign_keys = ON')
    db.run('PRAGMA wal_autocheckpoint = 0')
    for (const ddl of SQLITE_DDL) db.run(ddl)
    const source = new Rows(p.conversations)
    const conv = db.prepare(
      'INSERT INTO conversations (id, no, inbox_id, last_seq) VALUES (?, ?, ?, 0)',
    )
    db.transaction(() => {
      source.ids.forEach((id, i) => conv.run(id, i + 1, source.inboxId))
    }).immediate()
    const insert = db.prepare(
      `INSERT INTO events (conv_no, conversation_id, seq, name, data, at, message_id, message_seq,
         author_kind, author_id, text, client_msg_id)
       VALUES (?, ?, ?, 'message.created', NULL, ?, ?, ?, 'visitor', ?, ?, ?)`,
    )
    const write = db.transaction((n: number) => {
      for (let k = 0; k < n; k++) {
        const r = source.take()
        insert.run(
          r.convNo,
          r.conversationId,
          r.seq,
          r.at,
          r.messageId,
          r.seq,
          r.authorId,
          r.text,
          r.clientMsgId,
        )
      }
    })
    const m = await measure(
      p,
      () => write.immediate(p.batch),
      // The measurement starts from an empty WAL; no checkpoint runs during it.
      () => db.run('PRAGMA wal_checkpoint(TRUNCATE)'),
    )
    const pragma = (name: string) =>
      String(Object.values(db.query(`PRAGMA ${name}`).get() as Record<string, unknown>)[0])
    return {
      params: p,
      ...m,
      textLength: source.textLength,
      settings: {
        journal_mode: pragma('journal_mode'),
        synchronous: pragma('synchronous'),
        foreign_keys: pragma('foreign_keys'),
        wal_autocheckpoint: pragma('wal_autocheckpoint'),
        checkpoint: 'one TRUNCATE after the warm-up, none during the measurement',
        transaction: 'BEGIN IMMEDIATE, one prepared INSERT per row',
      },
    }
  } finally {
    db.close()
  }
}

/** A Postgres array literal (what db/postgres/bulk.ts sends for each column). */
function arrayLiteral(values: readonly (string | number)[]): string {
  const quote = (v: string | number) => {
    const s = String(v)
    return /[\\"]/.test(s) ? `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"` : `"${s}"`
  }
  return `{${values.map(quote).join(',')}}`
}

/** The Postgres loop, in the (empty) database at `url`. */
export async function postgresCeiling(url: string, p: CeilingParams): Promise<CeilingResult> {
  const sql = postgres(url, {
    max: 1,
    onnotice: () => {},
    connection: { application_name: 'parley-bench-ceiling', synchronous_commit: 'on' },
  })
  try {
    for (const ddl of POSTGRES_DDL) await sql.unsafe(ddl)
    const source = new Rows(p.conversations)
    await sql.unsafe(
      `INSERT INTO conversations (id, no, inbox_id, last_seq)
        SELECT id, n, $2, 0 FROM unnest($1::text[]) WITH ORDINALITY AS u(id, n)`,
      [arrayLiteral(source.ids), source.inboxId],
      { prepare: true },
    )
    const text = `INSERT INTO events (conv_no, conversation_id, seq, name, data, at, message_id,
        message_seq, author_kind, author_id, text, client_msg_id)
      SELECT n, c, s, 'message.created', NULL, a, m, s, 'visitor', au, t, cm
      FROM unnest($1::text[], $2::integer[], $3::bigint[], $4::text[], $5::text[], $6::text[],
        $7::text[], $8::bigint[]) AS u(c, s, a, m, au, t, cm, n)`
    const write = async () => {
      const rows = Array.from({ length: p.batch }, () => source.take())
      const col = <K extends keyof MessageRow>(k: K) => arrayLiteral(rows.map((r) => r[k]))
      const params = [
        col('conversationId'),
        col('seq'),
        col('at'),
        col('messageId'),
        col('authorId'),
        col('text'),
        col('clientMsgId'),
        col('convNo'),
      ]
      await sql.begin((tx) => tx.unsafe(text, params, { prepare: true }))
    }
    const m = await measure(p, write, () => {})
    const setting = async (name: string) =>
      String(((await sql.unsafe(`SHOW ${name}`)) as Record<string, unknown>[])[0]?.[name])
    return {
      params: p,
      ...m,
      textLength: source.textLength,
      settings: {
        synchronous_commit: await setting('synchronous_commit'),
        fsync: await setting('fsync'),
        wal_sync_method: await setting('wal_sync_method'),
        transaction: 'BEGIN, one prepared INSERT ... SELECT FROM unnest(arrays) per batch, COMMIT',
      },
    }
  } finally {
    await sql.end({ timeout: 5 })
  }
}

const PG_ADMIN = process.env.PARLEY_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/postgres'

/** A throwaway Postgres database (as bench/lib/parley.ts makes) and how to drop it. */
async function throwawayDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `parley_ceiling_${process.pid}_${Date.now()}`
  const admin = () => postgres(PG_ADMIN, { max: 1, onnotice: () => {} })
  const create = admin()
  try {
    await create.unsafe(`create database ${name}`)
  } finally {
    await create.end()
  }
  const url = new URL(PG_ADMIN)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    async drop() {
      const sql = admin()
      try {
        await sql.unsafe(`drop database if exists ${name} with (force)`)
      } finally {
        await sql.end()
      }
    },
  }
}

/**
 * For the driver: runs this file as its own process pinned to the server core, on a temp
 * folder or a throwaway database it removes afterwards, bounded in time; the child's figure.
 */
export async function runCeiling(pin: Pinning, p: CeilingParams): Promise<CeilingResult> {
  const dir = p.db === 'sqlite' ? tempDir('parley-ceiling-') : null
  const pg = p.db === 'postgres' ? await throwawayDatabase() : null
  try {
    const target = dir ? ['--dir', dir.path] : ['--url', pg!.url]
    const proc = startProcess(
      'ceiling',
      [
        BUN,
        'bench/lib/ceiling.ts',
        '--db',
        p.db,
        ...target,
        '--batch',
        String(p.batch),
        '--conversations',
        String(p.conversations),
        '--warmup-ms',
        String(p.warmupMs),
        '--ms',
        String(p.ms),
      ],
      { pin },
    )
    let stdout = ''
    proc.child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()))
    // Set-up (the connection, the tables, the conversations) plus the loop, with room to spare;
    // the last transaction may start just before the end.
    const limitMs = p.warmupMs + p.ms + 30_000
    let timer: ReturnType<typeof setTimeout> | undefined
    const timedOut = new Promise<'timeout'>(
      (r) => (timer = setTimeout(() => r('timeout'), limitMs)),
    )
    const code = await Promise.race([proc.exited, timedOut])
    clearTimeout(timer)
    if (code === 'timeout') {
      await stopProcess(proc, 3000)
      throw new Error(`ceiling did not finish within ${limitMs} ms:\n${proc.output()}`)
    }
    const line = stdout.trim().split('\n').at(-1) ?? ''
    if (code !== 0 || !line.startsWith('{')) {
      throw new Error(`ceiling exited (${code}):\n${proc.output()}`)
    }
    return JSON.parse(line) as CeilingResult
  } finally {
    dir?.remove()
    await pg?.drop()
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      db: { type: 'string', default: 'sqlite' },
      dir: { type: 'string' },
      url: { type: 'string' },
      batch: { type: 'string', default: '256' },
      conversations: { type: 'string', default: '1000' },
      'warmup-ms': { type: 'string', default: '500' },
      ms: { type: 'string', default: '3000' },
    },
  })
  const db = values.db as CeilingDb
  if (db !== 'sqlite' && db !== 'postgres') throw new Error('--db must be sqlite or postgres')
  const int = (name: string, v: string) => {
    const n = Number(v)
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`)
    return n
  }
  const p: CeilingParams = {
    db,
    batch: int('batch', values.batch),
    conversations: int('conversations', values.conversations),
    warmupMs: int('warmup-ms', values['warmup-ms']),
    ms: int('ms', values.ms),
  }
  let result: CeilingResult
  if (db === 'sqlite') {
    const own = values.dir ? null : tempDir('parley-ceiling-')
    try {
      result = await sqliteCeiling(values.dir ?? own!.path, p)
    } finally {
      own?.remove()
    }
  } else {
    const own = values.url ? null : await throwawayDatabase()
    try {
      result = await postgresCeiling(values.url ?? own!.url, p)
    } finally {
      await own?.drop()
    }
  }
  console.log(JSON.stringify(result))
}
