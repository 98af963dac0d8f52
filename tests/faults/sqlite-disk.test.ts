/**
 * A single node on SQLite whose disk fills up (X1, X6): a real file system of a few megabytes
 * (tmpfs, mounted by the test) filled to the last byte while visitors chat. Writes fail with the
 * retryable `unavailable`, the node stays up and reports not ready, nothing acknowledged is
 * missing from the file, and once space is freed it turns ready and takes writes again. Mounting
 * needs root: without it the test is skipped with the reason, or fails under CI=true.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { spawnSync } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { contractViolations, startChatLoad } from '../helpers/chat-load.ts'
import { storedMessagesIn } from '../helpers/faults.ts'
import { ADMIN, startNode, waitUntil, type ClusterNode } from '../helpers/cluster.ts'
import { isCI } from '../helpers/postgres.ts'

const mountPoint = mkdtempSync(join(tmpdir(), 'parley-tmpfs-'))
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=12m', 'tmpfs', mountPoint], {
  encoding: 'utf8',
})
const canMount = mounted.status === 0

afterAll(() => {
  if (canMount) {
    const result = spawnSync('umount', [mountPoint])
    if (result.status !== 0) spawnSync('umount', ['-l', mountPoint])
  }
  rmSync(mountPoint, { recursive: true, force: true })
})

/** Writes zeros to `path` until the file system refuses (ENOSPC). */
function fillUp(path: string): number {
  const fd = openSync(path, 'w')
  const chunk = Buffer.alloc(64 * 1024)
  let written = 0
  try {
    for (;;) written += writeSync(fd, chunk)
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOSPC') throw error
  } finally {
    closeSync(fd)
  }
  return written
}

describe('faults - a full disk (single node, SQLite)', () => {
  if (!canMount) {
    const reason = `cannot mount a tmpfs (${mounted.stderr.trim() || `exit ${mounted.status}`})`
    if (isCI) {
      test('sqlite disk - a tmpfs can be mounted (required when CI=true)', () => {
        throw new Error(reason)
      })
    } else {
      console.warn(`faults - a full disk: skipped, ${reason}`)
      test.skip(`sqlite disk - skipped: ${reason} and CI is not set`, () => {})
    }
    return
  }

  test('sqlite disk - the disk fills up under load: unavailable, node up and not ready, ready again once space is freed', async () => {
    const dbPath = join(mountPoint, 'parley.db')
    const node: ClusterNode = await startNode({
      id: 'sqlite-disk',
      natsUrl: null,
      databaseUrl: `sqlite:${dbPath}`,
      secret: 'x'.repeat(40),
    })
    const filler = join(mountPoint, 'filler')
    try {
      const admin = await node.http('/api/auth/login', {
        body: ADMIN,
      })
      const inboxId = (await node.http('/api/admin/inboxes', { token: admin.body.token })).body
        .inboxes[0].id as string
      await node.http(`/api/admin/inboxes/${inboxId}`, {
        method: 'PATCH',
        token: admin.body.token,
        body: { settings: { visitorMessagesPerMinute: 600 } },
      })
      const visitors = await Promise.all(
        Array.from({ length: 2 }, async () => ({
          token: (await node.http('/api/visitor/session', { body: { inboxId } })).body.token,
          urls: [node.wsUrl],
        })),
      )
      const load = await startChatLoad({ visitors, ratePerSec: 20, maxMs: 60_000 })
      let freedAt = 0
      try {
        while (load.acked.length < 10) await Bun.sleep(50)
        fillUp(filler)
        await waitUntil('a send refused as unavailable', () => load.errors.has('unavailable'), {
          timeoutMs: 20_000,
          intervalMs: 100,
        })
        await waitUntil('readyz 503', async () => (await node.http('/readyz')).status === 503, {
          timeoutMs: 5_000,
          intervalMs: 100,
        })
        expect((await node.http('/readyz')).body.status).toBe('store failing')
        expect(node.running).toBe(true)
        rmSync(filler)
        freedAt = performance.now()
        await waitUntil('readyz 200', async () => (await node.http('/readyz')).status === 200, {
          timeoutMs: 10_000,
          intervalMs: 100,
        })
        await waitUntil('an ack after space was freed', () => !!load.firstAckAfter(freedAt), {
          timeoutMs: 10_000,
          intervalMs: 100,
        })
      } finally {
        rmSync(filler, { force: true })
        await load.stop()
      }
      console.log(
        `sqlite disk: ${load.acked.length} acked, errors ${JSON.stringify(
          Object.fromEntries(load.errors),
        )}`,
      )
      expect(load.errors.get('internal_error') ?? 0).toBe(0)
      const exit = await node.stop()
      expect(exit.code).toBe(0)
      expect(contractViolations(load.acked, storedMessagesIn(dbPath))).toEqual([])
    } finally {
      await node.stop()
    }
  }, 90_000)
})
