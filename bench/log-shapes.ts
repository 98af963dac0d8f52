/**
 * The storage ceiling of candidate log shapes, in a bare bun:sqlite loop: the same batches and
 * durability as the product (WAL, synchronous=FULL, 400 rows per transaction over 1000
 * conversations, foreign keys off, no checkpoint during the loop). It compares how each shape's
 * keys and indexes cost, which is what decides the product's storage ceiling; issue 12's notes
 * in bench/README.md quote it.
 *
 *   node_modules/.bin/bun bench/log-shapes.ts [--rounds 150]
 *
 * Bounded (rounds x batch rows per shape); files in a temporary folder, removed at the end.
 */
import { Database } from 'bun:sqlite'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '150' } } })
const ROUNDS = Number(values.rounds)
const BATCH = 400
const dir = mkdtempSync(join(tmpdir(), 'parley-log-shapes-'))
const convs: string[] = Array.from({ length: 1000 }, () => crypto.randomUUID())
const numbers = new Map(convs.map((c, i) => [c, i + 1]))
const clientIds = Array.from({ length: BATCH * ROUNDS }, () => crypto.randomUUID())
const TEXT = 't=1764770000000 v123'
const COLUMNS = `name text, at int, author_kind text, author_id text, text text,
  client_msg_id text, client_key int, message_id text`

/** A 52-bit hash of a client id: an integer index key instead of 36 bytes of text. */
const clientKey = (id: string) => Number(BigInt.asIntN(52, Bun.hash(id) as bigint))

interface Shape {
  name: string
  ddl: string[]
  /** The row's values, by conversation id, seq and row number. */
  row(c: string, seq: number, k: number): (string | number | null)[]
}

/** The row of a shape: keyed by the id or its number, with a hashed client id, a message id, the id again as a column. */
function rowOf(o: { number?: boolean; hashed?: boolean; messageId?: boolean; idColumn?: boolean }) {
  return (c: string, seq: number, k: number): (string | number | null)[] => [
    o.number ? (numbers.get(c) ?? 0) : c,
    seq,
    'message.created',
    Date.now(),
    'visitor',
    c,
    TEXT,
    clientIds[k] ?? null,
    o.hashed ? clientKey(clientIds[k] ?? '') : null,
    o.messageId === false ? null : Bun.randomUUIDv7(),
    ...(o.idColumn ? [c] : []),
  ]
}

const shapes: Shape[] = [
  {
    name: 'text key (c, seq), client index (c, author, client id)  [the product before 0050]',
    ddl: [
      `create table log (c text not null, seq int not null, ${COLUMNS}, primary key (c, seq))`,
      `create unique index log_client on log (c, author_kind, author_id, client_msg_id)
         where client_msg_id is not null`,
      'create unique index log_message on log (message_id) where message_id is not null',
    ],
    row: rowOf({}),
  },
  {
    name: 'text key (c, seq), client index (c, hash)',
    ddl: [
      `create table log (c text not null, seq int not null, ${COLUMNS}, primary key (c, seq))`,
      'create unique index log_client on log (c, client_key) where client_key is not null',
      'create unique index log_message on log (message_id) where message_id is not null',
    ],
    row: rowOf({ hashed: true }),
  },
  {
    name: 'integer key (n, seq), id column, client index (n, author, client id)  [the product]',
    ddl: [
      `create table log (n int not null, seq int not null, ${COLUMNS}, c text not null,
         primary key (n, seq))`,
      `create unique index log_client on log (n, author_kind, author_id, client_msg_id)
         where client_msg_id is not null`,
      'create unique index log_message on log (message_id) where message_id is not null',
    ],
    row: rowOf({ number: true, idColumn: true }),
  },
  {
    name: 'integer key (n, seq), id column, client index (n, hash)',
    ddl: [
      `create table log (n int not null, seq int not null, ${COLUMNS}, c text not null,
         primary key (n, seq))`,
      'create unique index log_client on log (n, client_key) where client_key is not null',
      'create unique index log_message on log (message_id) where message_id is not null',
    ],
    row: rowOf({ number: true, hashed: true, idColumn: true }),
  },
  {
    name: 'integer key (n, seq), client index (n, hash)',
    ddl: [
      `create table log (n int not null, seq int not null, ${COLUMNS}, primary key (n, seq))`,
      'create unique index log_client on log (n, client_key) where client_key is not null',
      'create unique index log_message on log (message_id) where message_id is not null',
    ],
    row: rowOf({ number: true, hashed: true }),
  },
  {
    name: 'text key (c, seq) WITHOUT ROWID, client index (c, author, client id)',
    ddl: [
      `create table log (c text not null, seq int not null, ${COLUMNS}, primary key (c, seq))
         without rowid`,
      `create unique index log_client on log (c, author_kind, author_id, client_msg_id)
         where client_msg_id is not null`,
    ],
    row: rowOf({ messageId: false }),
  },
]

try {
  console.log(`${BATCH} rows per transaction, ${ROUNDS} transactions per shape`)
  for (const [i, shape] of shapes.entries()) {
    const db = new Database(join(dir, `shape-${i}.db`), { create: true })
    db.run('PRAGMA journal_mode = WAL')
    db.run('PRAGMA synchronous = FULL')
    db.run('PRAGMA wal_autocheckpoint = 0')
    for (const statement of shape.ddl) db.run(statement)
    const width = shape.row(convs[0] as string, 1, 0).length
    const insert = db.prepare(`insert into log values (${Array(width).fill('?').join(', ')})`)
    const seqs = new Map<string, number>()
    const started = performance.now()
    for (let r = 0; r < ROUNDS; r++) {
      db.transaction(() => {
        for (let j = 0; j < BATCH; j++) {
          const k = r * BATCH + j
          const c = convs[k % convs.length] as string
          const seq = (seqs.get(c) ?? 0) + 1
          seqs.set(c, seq)
          insert.run(...shape.row(c, seq, k))
        }
      }).immediate()
    }
    const seconds = (performance.now() - started) / 1000
    console.log(
      `${Math.round((BATCH * ROUNDS) / seconds)
        .toString()
        .padStart(7)} rows/s  ${shape.name}`,
    )
    db.close()
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
