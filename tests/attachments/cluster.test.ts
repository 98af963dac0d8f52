/**
 * Attachments in a cluster on the S3 backend (F6): two nodes, one Postgres, one NATS and an S3
 * API on loopback (s3rver). A file uploaded through one node is sent and read through the other,
 * a signed link made on one opens on the other, and the cleanup job (each node runs it every
 * 250 ms; the NATS KV lock lets one at a time in) removes a deleted message's bytes from the
 * bucket and its row. The lock itself: two nodes racing for it, exactly one runs. The upload
 * budget is one for the cluster.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import postgres from 'postgres'
import sharp from 'sharp'
import { silentLogger } from '../../actors/index.ts'
import { startCluster as joinCluster } from '../../server/cluster/index.ts'
import { blobKey, s3Storage } from '../../server/attachments/storage.ts'
import { operatorOn } from '../helpers/cluster-chat.ts'
import { useCluster, waitUntil, withClusterServices, type ClusterNode } from '../helpers/cluster.ts'
import { startS3, type TestS3 } from '../helpers/s3.ts'

let s3: TestS3 | null = null
beforeAll(async () => {
  s3 = await startS3()
})
afterAll(async () => {
  await s3?.stop()
})

function s3Env(): Record<string, string> {
  if (!s3) throw new Error('S3 did not start')
  return {
    ATTACHMENT_STORAGE: 's3',
    S3_ENDPOINT: s3.endpoint,
    S3_BUCKET: s3.bucket,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    S3_PREFIX: 'cluster-test/',
    ATTACHMENT_SWEEP_MS: '250',
    ATTACHMENT_GRACE_SEC: '0',
  }
}

async function upload(node: ClusterNode, token: string, conversationId: string, file: File) {
  const form = new FormData()
  form.append('file', file)
  const res = await fetch(`${node.url}/api/conversations/${conversationId}/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  })
  const body = (await res.json()) as { attachment: { id: string; size: number } }
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${JSON.stringify(body)}`)
  return body.attachment
}

await withClusterServices('attachments - cluster on S3', {}, () => {
  const cluster = useCluster({ nodes: 2, env: () => s3Env() })

  describe('attachments - cluster on S3', () => {
    test('attachments cluster - uploaded on one node, sent and read on the other; deleted, the bytes leave the bucket', async () => {
      const c = cluster()
      const [n1, n2] = c.nodes as [ClusterNode, ClusterNode]
      const visitor = await c.visitorToken(n1)
      const started = await n1.http('/api/visitor/conversations', {
        token: visitor.token,
        body: {},
      })
      const id = started.body.conversation.id as string
      const png = await sharp({
        create: { width: 200, height: 100, channels: 3, background: '#3a6' },
      })
        .png()
        .toBuffer()
      const meta = await upload(n1, visitor.token, id, new File([new Uint8Array(png)], 'chart.png'))
      const sent = await n2.http(`/api/conversations/${id}/messages`, {
        token: visitor.token,
        body: { clientMsgId: 'chart', text: 'here', attachmentIds: [meta.id] },
      })
      expect(sent.status).toBe(201)
      const op = await operatorOn(c, n2)
      const res = await fetch(`${n2.url}/api/conversations/${id}/attachments/${meta.id}`, {
        headers: { authorization: `Bearer ${op.token}` },
      })
      expect(res.status).toBe(200)
      expect((await res.arrayBuffer()).byteLength).toBe(meta.size)
      const part = await fetch(`${n1.url}/api/conversations/${id}/attachments/${meta.id}`, {
        headers: { authorization: `Bearer ${op.token}`, range: 'bytes=0-7' },
      })
      expect(part.status).toBe(206)
      expect(new Uint8Array(await part.arrayBuffer())).toEqual(new Uint8Array(png.subarray(0, 8)))
      const links = await n1.http(`/api/conversations/${id}/attachments/links`, {
        token: op.token,
        body: { ids: [meta.id] },
      })
      const thumb = await fetch(n2.url + links.body.links[0].thumbnailUrl)
      expect([thumb.status, thumb.headers.get('content-type')]).toEqual([200, 'image/webp'])
      await thumb.arrayBuffer()

      const bucket = s3Storage({ ...storageOf(), prefix: 'cluster-test/' })
      expect(await bucket.stat(blobKey(meta.id, 'original'))).toEqual({ size: meta.size })
      const del = await n1.http(`/api/conversations/${id}/messages/${sent.body.messageId}`, {
        method: 'DELETE',
        token: visitor.token,
      })
      expect(del.status).toBe(200)
      const gone = await fetch(`${n2.url}/api/conversations/${id}/attachments/${meta.id}`, {
        headers: { authorization: `Bearer ${op.token}` },
      })
      expect(gone.status).toBe(404)
      await gone.arrayBuffer()
      const sql = postgres(c.databaseUrl, { max: 1, onnotice: () => {} })
      try {
        await waitUntil(
          'the cleanup job removed the bytes and the row',
          async () =>
            (await bucket.stat(blobKey(meta.id, 'original'))) === null &&
            (await bucket.stat(blobKey(meta.id, 'thumb'))) === null &&
            (await sql`select 1 from attachments where id = ${meta.id}`).length === 0,
          { timeoutMs: 15_000, intervalMs: 100 },
        )
      } finally {
        await sql.end()
      }
    }, 60_000)

    test("attachments cluster - one person's upload budget is shared by every node", async () => {
      const c = cluster()
      const [n1, n2] = c.nodes as [ClusterNode, ClusterNode]
      const visitor = await c.visitorToken(n1)
      const started = await n1.http('/api/visitor/conversations', {
        token: visitor.token,
        body: {},
      })
      const id = started.body.conversation.id as string
      const statuses: number[] = []
      const began = Date.now()
      for (let i = 0; i < 40; i++) {
        const node = i % 2 === 0 ? n1 : n2
        const form = new FormData()
        form.append('file', new File([`file ${i}`], `f${i}.txt`))
        const res = await fetch(`${node.url}/api/conversations/${id}/attachments`, {
          method: 'POST',
          headers: { authorization: `Bearer ${visitor.token}` },
          body: form,
        })
        await res.arrayBuffer()
        statuses.push(res.status)
      }
      // ATTACHMENT_UPLOADS_PER_MINUTE (30) in all, not 30 per node: 30 at once plus what the
      // bucket refilled (one every 2 s) while the 40 went out, far from the 60 of two budgets.
      const refilled = Math.floor((Date.now() - began) / 2000)
      const accepted = statuses.filter((x) => x === 201).length
      expect(accepted).toBeGreaterThanOrEqual(30)
      expect(accepted).toBeLessThanOrEqual(30 + refilled)
      expect(statuses.filter((x) => x === 429)).toHaveLength(40 - accepted)
    })

    test('attachments cluster - two nodes racing for the cleanup lock: one runs, the other skips; then it is free again', async () => {
      const c = cluster()
      const url = c.nats?.url
      if (!url) throw new Error('no NATS')
      const a = await joinCluster({
        natsUrl: url,
        nodeId: 'race-a',
        leaseTtlMs: 3000,
        log: silentLogger,
      })
      const b = await joinCluster({
        natsUrl: url,
        nodeId: 'race-b',
        leaseTtlMs: 3000,
        log: silentLogger,
      })
      try {
        const release = Promise.withResolvers<void>()
        let running = 0
        let most = 0
        const job = async (who: string) => {
          running++
          most = Math.max(most, running)
          await release.promise
          running--
          return who
        }
        const first = a.tryLock('race-test', () => job('a'))
        const second = b.tryLock('race-test', () => job('b'))
        // The loser answers without waiting for the winner.
        const settled = await Promise.race([first, second])
        expect(settled).toEqual({ ran: false })
        release.resolve()
        const results = await Promise.all([first, second])
        expect(results.filter((r) => r.ran)).toHaveLength(1)
        expect(most).toBe(1)
        expect(await b.tryLock('race-test', async () => 'again')).toEqual({
          ran: true,
          value: 'again',
        })
      } finally {
        await a.stop()
        await b.stop()
      }
    })
  })
})

function storageOf() {
  if (!s3) throw new Error('S3 did not start')
  return {
    endpoint: s3.endpoint,
    bucket: s3.bucket,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
  }
}
