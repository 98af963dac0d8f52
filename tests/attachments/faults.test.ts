/**
 * Attachments under kill -9 (F2): a server process killed in the middle of an upload leaves no
 * row and, once it is back, no spool file; the next upload works. Killed in the middle of a
 * cleanup run, the next run finishes it: every deleted file's bytes and row go, no linked file is
 * touched. One real process on SQLite, or on Postgres with PARLEY_TEST_DB=postgres (a fresh
 * database per test, dropped after the file).
 */
import { Database } from 'bun:sqlite'
import { afterAll, describe, expect, test } from 'bun:test'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import postgres from 'postgres'
import { startNode, type ClusterNode } from '../helpers/cluster-node.ts'
import { createMigratedDatabase, dropDatabase, ensurePostgres } from '../helpers/postgres.ts'
import { trackTempDir, waitUntil } from '../helpers/processes.ts'
import { ADMIN, tempDir } from '../helpers/server.ts'

const ON_POSTGRES = process.env.PARLEY_TEST_DB === 'postgres'

const nodes: ClusterNode[] = []
const databases: TestDatabase[] = []
afterAll(async () => {
  for (const n of nodes) await n.stop()
  for (const d of databases) await d.drop()
})

/** A node of this file, stopped after the file's tests. */
async function ownNode(opts: Parameters<typeof startNode>[0]): Promise<ClusterNode> {
  const n = await startNode(opts)
  nodes.push(n)
  return n
}

/** The spool folder's files and their sizes. */
function spooled(dataDir: string): number[] {
  const dir = join(dataDir, 'uploads')
  if (!existsSync(dir)) return []
  return readdirSync(dir).map((name) => statSync(join(dir, name)).size)
}

/** Files under a folder, recursively. */
function countFiles(dir: string): number {
  let n = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    n += entry.isDirectory() ? countFiles(join(dir, entry.name)) : 1
  }
  return n
}

/** A node's database, read by the test beside the node. */
interface TestDatabase {
  url: string
  attachmentRows(): Promise<number>
  /** Closes the test's connection; drops a Postgres database. */
  drop(): Promise<void>
}

/** A SQLite file in a temp folder, or (PARLEY_TEST_DB=postgres) a fresh migrated database. */
async function testDatabase(): Promise<TestDatabase> {
  let database: TestDatabase
  if (ON_POSTGRES) {
    const service = await ensurePostgres()
    if (!service.ok) throw new Error(`PARLEY_TEST_DB=postgres, but ${service.reason}`)
    const { name, url } = await createMigratedDatabase(service.adminUrl)
    const sql = postgres(url, { max: 1, onnotice: () => {} })
    database = {
      url,
      async attachmentRows() {
        const [row] = await sql<{ n: number }[]>`select count(*)::int as n from attachments`
        return row?.n ?? 0
      },
      async drop() {
        await sql.end({ timeout: 1 })
        await dropDatabase(service.adminUrl, name)
      },
    }
  } else {
    const path = join(trackTempDir(tempDir()), 'parley.db')
    database = {
      url: `sqlite:${path}`,
      async attachmentRows() {
        const db = new Database(path, { readonly: true })
        try {
          return (db.query('select count(*) as n from attachments').get() as { n: number }).n
        } finally {
          db.close()
        }
      },
      async drop() {},
    }
  }
  databases.push(database)
  return database
}

describe(`attachments - kill -9 (${ON_POSTGRES ? 'Postgres' : 'SQLite'})`, () => {
  test('attachments faults - killed half-way through an upload: no row, and the spool is cleared when it is back', async () => {
    const db = await testDatabase()
    const n = await ownNode({
      id: 'attach-kill',
      natsUrl: null,
      databaseUrl: db.url,
      secret: 'x'.repeat(40),
    })
    const rows = () => db.attachmentRows()
    const session = await n.http('/api/visitor/session', {
      body: {
        inboxId: (await n.http('/api/admin/inboxes', { token: await adminToken(n) })).body
          .inboxes[0].id,
      },
    })
    const token = session.body.token as string
    const started = await n.http('/api/visitor/conversations', { token, body: {} })
    const id = started.body.conversation.id as string

    // A multipart body that sends 2 MB of a file and then never ends.
    const boundary = 'parley-kill-test'
    const head = new TextEncoder().encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\nContent-Type: text/plain\r\n\r\n`,
    )
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(head)
      },
      async pull(controller) {
        if (sent >= 2 * 1024 * 1024) return new Promise<void>(() => {})
        sent += 64 * 1024
        controller.enqueue(new Uint8Array(64 * 1024).fill(0x61))
      },
    })
    const upload = fetch(`${n.url}/api/conversations/${id}/attachments`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
      body,
      // @ts-expect-error Bun's fetch streams a request body with `duplex`
      duplex: 'half',
    }).catch((error: unknown) => error)
    await waitUntil(
      'part of the file is spooled',
      () => spooled(n.dataDir).some((size) => size > 512 * 1024),
      {
        timeoutMs: 10_000,
        intervalMs: 20,
      },
    )
    await n.kill9()
    expect(await upload).toBeInstanceOf(Error)
    expect(spooled(n.dataDir).length).toBe(1)
    expect(await rows()).toBe(0)

    await n.restart()
    expect(spooled(n.dataDir)).toEqual([])
    expect(await rows()).toBe(0)
    const form = new FormData()
    form.append('file', new File(['after the crash'], 'after.txt'))
    const again = await fetch(`${n.url}/api/conversations/${id}/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    })
    expect(again.status).toBe(201)
    expect(await rows()).toBe(1)
  }, 60_000)

  test('attachments faults - killed half-way through a cleanup run: the next run finishes it, sent files untouched', async () => {
    const db = await testDatabase()
    const rows = () => db.attachmentRows()
    const env = {
      ATTACHMENT_SWEEP_MS: '0',
      ATTACHMENT_GRACE_SEC: '0',
      ATTACHMENT_UPLOADS_PER_MINUTE: '100000',
    }
    const n = await ownNode({
      id: 'sweep-kill',
      natsUrl: null,
      databaseUrl: db.url,
      secret: 'y'.repeat(40),
      env,
    })
    const inboxId = (await n.http('/api/admin/inboxes', { token: await adminToken(n) })).body
      .inboxes[0].id
    const visitor = (await n.http('/api/visitor/session', { body: { inboxId } })).body
      .token as string
    const id = (await n.http('/api/visitor/conversations', { token: visitor, body: {} })).body
      .conversation.id as string
    // The files are the operator's (an admin here): no visitor send rate to wait for.
    const token = await adminToken(n)
    const upload = async (name: string) => {
      const form = new FormData()
      form.append('file', new File([`bytes of ${name}`], name))
      const res = await fetch(`${n.url}/api/conversations/${id}/attachments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: form,
      })
      return ((await res.json()) as { attachment: { id: string } }).attachment.id
    }
    // One message whose file stays, then 120 messages of 10 files each, deleted.
    const kept = await upload('kept.txt')
    await n.http(`/api/conversations/${id}/messages`, {
      token,
      body: { clientMsgId: 'kept', attachmentIds: [kept] },
    })
    for (let m = 0; m < 120; m++) {
      const ids = await Promise.all(Array.from({ length: 10 }, (_, f) => upload(`m${m}-${f}.txt`)))
      const sent = await n.http(`/api/conversations/${id}/messages`, {
        token,
        body: { clientMsgId: `gone-${m}`, attachmentIds: ids },
      })
      expect(sent.status).toBe(201)
      const deleted = await n.http(`/api/conversations/${id}/messages/${sent.body.messageId}`, {
        method: 'DELETE',
        token,
      })
      expect(deleted.status).toBe(200)
    }
    const files = () => {
      const dir = join(n.env.ATTACHMENT_DIR ?? join(n.dataDir, 'attachments'), 'attachments')
      return existsSync(dir) ? countFiles(dir) : 0
    }
    expect(await rows()).toBe(1201)
    expect(files()).toBe(1201)
    // The job runs now, every 20 ms: killed as soon as part of the work is done.
    await n.restart({ env: { ...env, ATTACHMENT_SWEEP_MS: '20' } })
    await waitUntil('the cleanup run is under way', async () => (await rows()) < 1201, {
      timeoutMs: 10_000,
      intervalMs: 2,
    })
    await n.kill9()
    const left = await rows()
    expect(left).toBeGreaterThan(1)
    await n.restart({ env: { ...env, ATTACHMENT_SWEEP_MS: '20' } })
    await waitUntil('the next run finished it', async () => (await rows()) === 1, {
      timeoutMs: 20_000,
      intervalMs: 20,
    })
    expect(files()).toBe(1)
    const res = await fetch(`${n.url}/api/conversations/${id}/attachments/${kept}`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect([res.status, await res.text()]).toEqual([200, 'bytes of kept.txt'])
    console.log(
      `cleanup killed with ${left - 1} of 1200 deleted files left; the next run removed them`,
    )
  }, 120_000)
})

async function adminToken(n: ClusterNode): Promise<string> {
  const res = await n.http('/api/auth/login', { body: ADMIN })
  return res.body.token as string
}
