/**
 * Attachments under kill -9 (F2): a server process killed in the middle of an upload leaves no
 * row and, once it is back, no spool file; the next upload works. One real process on SQLite.
 */
import { Database } from 'bun:sqlite'
import { afterAll, describe, expect, test } from 'bun:test'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { startNode, type ClusterNode } from '../helpers/cluster-node.ts'
import { trackTempDir, waitUntil } from '../helpers/processes.ts'
import { ADMIN, tempDir } from '../helpers/server.ts'

let node: ClusterNode | null = null
afterAll(async () => {
  await node?.stop()
})

/** The spool folder's files and their sizes. */
function spooled(dataDir: string): number[] {
  const dir = join(dataDir, 'uploads')
  if (!existsSync(dir)) return []
  return readdirSync(dir).map((name) => statSync(join(dir, name)).size)
}

function attachmentRows(path: string): number {
  const db = new Database(path, { readonly: true })
  try {
    return (db.query('select count(*) as n from attachments').get() as { n: number }).n
  } finally {
    db.close()
  }
}

describe('attachments - kill -9', () => {
  test('attachments faults - killed half-way through an upload: no row, and the spool is cleared when it is back', async () => {
    const dbDir = trackTempDir(tempDir())
    const n = (node = await startNode({
      id: 'attach-kill',
      natsUrl: null,
      databaseUrl: `sqlite:${join(dbDir, 'parley.db')}`,
      secret: 'x'.repeat(40),
    }))
    const rows = () => attachmentRows(join(dbDir, 'parley.db'))
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
    expect(rows()).toBe(0)

    await n.restart()
    expect(spooled(n.dataDir)).toEqual([])
    expect(rows()).toBe(0)
    const form = new FormData()
    form.append('file', new File(['after the crash'], 'after.txt'))
    const again = await fetch(`${n.url}/api/conversations/${id}/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    })
    expect(again.status).toBe(201)
    expect(rows()).toBe(1)
  }, 60_000)
})

async function adminToken(n: ClusterNode): Promise<string> {
  const res = await n.http('/api/auth/login', { body: ADMIN })
  return res.body.token as string
}
