/**
 * Attachment throughput and memory (F1, F3): 1 MB files uploaded and downloaded through the
 * product (multipart, sniffed, spooled, stored durably on the disk backend, streamed back), as
 * a ratio to writing (with fsync, as the disk backend does) and reading the same bytes on the
 * same disk directly in this process; and the server's resident memory during one 200 MB upload,
 * against its resident memory just before.
 */
import { randomBytes } from 'node:crypto'
import { closeSync, fsyncSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { api } from './client.ts'
import { ADMIN, type ParleyServer } from './parley.ts'
import { rssBytes, tempDir } from './procs.ts'

export interface AttachmentResult {
  files: number
  fileBytes: number
  /** MB/s through the product. */
  uploadMBs: number
  downloadMBs: number
  /** MB/s writing (fsync) and reading the same files directly on the same disk. */
  diskWriteMBs: number
  diskReadMBs: number
  /** Upload of one 200 MB file: seconds, and the server's RSS before and at its peak during it. */
  bigUpload: { mb: number; seconds: number; rssBeforeMB: number; rssPeakMB: number }
}

const MB = 1024 * 1024

/** A PDF header on random bytes: sniffed as application/pdf without decoding anything. */
function pdfLike(size: number): Uint8Array {
  const bytes = new Uint8Array(size)
  bytes.set(randomBytes(size))
  bytes.set(new TextEncoder().encode('%PDF-1.7\n'))
  return bytes
}

export async function runAttachments(
  server: ParleyServer,
  opts: { files: number; concurrency: number; bigMB: number },
): Promise<AttachmentResult> {
  const { url } = server
  const admin = await api<{ token: string }>(url, 'POST', '/api/auth/login', { body: ADMIN })
  const inbox = await api<{ id: string }>(url, 'POST', '/api/admin/inboxes', {
    token: admin.token,
    body: {
      name: `bench files ${Date.now()}`,
      settings: { attachmentMaxBytes: (opts.bigMB + 1) * MB },
    },
  })
  const visitor = await api<{ token: string }>(url, 'POST', '/api/visitor/session', {
    body: { inboxId: inbox.id },
  })
  const started = await api<{ conversation: { id: string } }>(
    url,
    'POST',
    '/api/visitor/conversations',
    {
      token: visitor.token,
      body: {},
    },
  )
  const base = `${url}/api/conversations/${started.conversation.id}/attachments`
  const auth = { authorization: `Bearer ${visitor.token}` }
  const file = pdfLike(MB)

  const upload = async (bytes: Uint8Array, name: string): Promise<string> => {
    const form = new FormData()
    form.append('file', new File([bytes as BlobPart], name))
    const res = await fetch(base, { method: 'POST', headers: auth, body: form })
    const body = (await res.json()) as { attachment?: { id: string }; error?: unknown }
    if (res.status !== 201 || !body.attachment)
      throw new Error(`upload: ${res.status} ${JSON.stringify(body)}`)
    return body.attachment.id
  }
  const pool = async (n: number, work: (i: number) => Promise<void>) => {
    let next = 0
    await Promise.all(
      Array.from({ length: opts.concurrency }, async () => {
        while (next < n) await work(next++)
      }),
    )
  }

  const ids: string[] = []
  let t0 = performance.now()
  await pool(opts.files, async (i) => {
    ids[i] = await upload(file, `f${i}.pdf`)
  })
  const uploadS = (performance.now() - t0) / 1000
  t0 = performance.now()
  await pool(opts.files, async (i) => {
    const res = await fetch(`${base}/${ids[i]}`, { headers: auth })
    const got = await res.arrayBuffer()
    if (res.status !== 200 || got.byteLength !== MB) throw new Error(`download: ${res.status}`)
  })
  const downloadS = (performance.now() - t0) / 1000

  // The same bytes, the same count, on the same disk, directly: write + fsync, then read.
  const dir = tempDir('parley-bench-disk-')
  try {
    t0 = performance.now()
    await pool(opts.files, async (i) => {
      const fd = openSync(join(dir.path, `f${i}`), 'w')
      writeSync(fd, file)
      fsyncSync(fd)
      closeSync(fd)
      await Promise.resolve()
    })
    const writeS = (performance.now() - t0) / 1000
    t0 = performance.now()
    await pool(opts.files, async (i) => {
      if (readFileSync(join(dir.path, `f${i}`)).byteLength !== MB) throw new Error('short read')
      await Promise.resolve()
    })
    const readS = (performance.now() - t0) / 1000
    const mbTotal = opts.files

    // One big upload, streamed from a generator so this process holds little of it either.
    const rssBefore = rssBytes(server.proc.pid)
    let peak = rssBefore
    const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(server.proc.pid))), 20)
    const chunk = pdfLike(MB)
    const boundary = `bench-${randomBytes(8).toString('hex')}`
    const head = new TextEncoder().encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
    )
    const tail = new TextEncoder().encode(`\r\n--${boundary}--\r\n`)
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(head)
      },
      pull(controller) {
        if (sent >= opts.bigMB) {
          controller.enqueue(tail)
          controller.close()
          return
        }
        // Only the first chunk carries the PDF header.
        controller.enqueue(sent === 0 ? chunk : chunk.subarray(0))
        sent++
      },
    })
    t0 = performance.now()
    const res = await fetch(base, {
      method: 'POST',
      headers: { ...auth, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
      // @ts-expect-error Bun's fetch streams a request body with `duplex`
      duplex: 'half',
    })
    const answer = await res.text()
    clearInterval(sampler)
    if (res.status !== 201) throw new Error(`200 MB upload: ${res.status} ${answer}`)
    const bigS = (performance.now() - t0) / 1000
    return {
      files: opts.files,
      fileBytes: MB,
      uploadMBs: mbTotal / uploadS,
      downloadMBs: mbTotal / downloadS,
      diskWriteMBs: mbTotal / writeS,
      diskReadMBs: mbTotal / readS,
      bigUpload: {
        mb: opts.bigMB,
        seconds: bigS,
        rssBeforeMB: rssBefore / MB,
        rssPeakMB: peak / MB,
      },
    }
  } finally {
    dir.remove()
    rmSync(dir.path, { recursive: true, force: true })
  }
}
