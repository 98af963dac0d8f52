/**
 * Attachments as the HTTP routes use them (F1-F4): upload into a conversation, download with
 * the conversation's access rules or a signed link, and signed links for `<img src>`. The bytes
 * stream between the request, a spool file, the blob storage and the response; none of it is
 * held in memory whole.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { rm } from 'node:fs/promises'
import {
  DEFAULT_INBOX_SETTINGS,
  attachmentView,
  authorize,
  newId,
  partyOf,
  type AttachmentRecord,
  type Clock,
  type InboxSettings,
  type Logger,
  type Principal,
  type Store,
} from '../../actors/index.ts'
import { ParleyError, type Attachment } from '../../protocol/index.ts'
import type { AttachmentConfig } from '../config.ts'
import type { ThrottleStore } from '../auth/index.ts'
import { RateLimiter } from '../limits.ts'
import { ingestUpload } from './ingest.ts'
import { takeUpload } from './upload-budget.ts'
import { blobKey, diskStorage, s3Storage, type BlobStorage } from './storage.ts'

export type Variant = 'original' | 'thumb'

/** What a download needs from the request: who asks, or the signed link's parameters. */
export type DownloadAuth =
  | { kind: 'principal'; principal: Principal }
  | { kind: 'signed'; expires: number; sig: string; client: string }

/** The file to stream, with what the response headers need. */
export interface Download {
  record: AttachmentRecord
  variant: Variant
  size: number
  contentType: string
  etag: string
  /** Calls once when the response body is done (or abandoned). */
  release(): void
  /**
   * The bytes [start, end] (or all): a file slice on disk (sent by the kernel, with its
   * length), a stream from S3 (chunked).
   */
  body(range?: { start: number; end: number }): Blob | ReadableStream<Uint8Array>
}

/** A signed link to one file (and its thumbnail), valid until expiresAt (epoch ms). */
export interface AttachmentLink {
  id: string
  url: string
  thumbnailUrl: string | null
  expiresAt: number
}

const INBOX_CACHE_MS = 30_000

export class AttachmentService {
  readonly #downloads: RateLimiter
  readonly #inflight = new Map<string, number>()
  readonly #inboxes = new Map<string, { settings: InboxSettings; until: number }>()

  constructor(
    private readonly deps: {
      store: Store
      storage: BlobStorage
      config: AttachmentConfig
      /** Upload counters: in memory on one node, in NATS KV in a cluster (one budget). */
      throttle: ThrottleStore
      secret: string
      clock: Clock
      log: Logger
    },
  ) {
    const now = () => deps.clock.now()
    const { downloadsPerMinute } = deps.config
    // Downloads (thumbnails of a long thread) count per node: a KV round trip each would cost
    // more than the download; uploads, which fill the storage, count cluster-wide.
    this.#downloads = new RateLimiter(downloadsPerMinute, downloadsPerMinute, now)
  }

  get storage(): BlobStorage {
    return this.deps.storage
  }

  /**
   * One file into a conversation the principal may write to: `pending` row, bytes stored, then
   * `uploaded`. Anything that fails on the way removes what it stored and leaves the row to the
   * cleanup job (`deleted`, due now).
   */
  async upload(
    principal: Principal,
    conversationId: string,
    request: Request,
  ): Promise<Attachment> {
    await this.#takeUpload(principal)
    const conversation = authorize(
      principal,
      await this.#conversation(conversationId),
      'participate',
    )
    if (principal.kind === 'operator' && !principal.canChat) {
      throw new ParleyError('forbidden', 'this operator has no permission to handle chats')
    }
    if (conversation.status === 'closed') {
      throw new ParleyError('conflict', 'the conversation is closed; files cannot be added')
    }
    const settings = await this.#settings(conversation.inboxId)
    const file = await ingestUpload(
      request,
      { maxBytes: settings.attachmentMaxBytes, allowedTypes: settings.attachmentTypes },
      this.deps.config.tmpDir,
    )
    const now = this.deps.clock.now()
    const record: AttachmentRecord = {
      id: newId(),
      conversationId,
      status: 'pending',
      uploader: partyOf(principal),
      messageId: null,
      name: file.name,
      size: file.size,
      contentType: file.contentType,
      width: file.width,
      height: file.height,
      thumbnail: file.thumbnail !== null,
      sha256: file.sha256,
      thumbnailSize: file.thumbnail?.size ?? null,
      createdAt: now,
      purgeAt: now + this.deps.config.uploadTtlMs,
    }
    const { storage } = this.deps
    try {
      await this.deps.store.attachments.create(record)
    } catch (error) {
      await discard(file)
      throw error
    }
    try {
      await storage.putFile(blobKey(record.id, 'original'), file.path, record.contentType)
      if (file.thumbnail) {
        await storage.putFile(
          blobKey(record.id, 'thumb'),
          file.thumbnail.path,
          file.thumbnail.contentType,
        )
      }
      if (!(await this.deps.store.attachments.markUploaded(record.id))) {
        throw new ParleyError('conflict', 'the upload expired before it was stored')
      }
    } catch (error) {
      await discard(file)
      // The row is the cleanup job's from here: it removes whatever bytes made it.
      await this.deps.store.attachments.markDeleted([record.id], now).catch(() => 0)
      throw error
    }
    return attachmentView(record)
  }

  /** One upload from the principal's budget (ATTACHMENT_UPLOADS_PER_MINUTE), cluster-wide. */
  #takeUpload(principal: Principal): Promise<void> {
    const { throttle, clock, config } = this.deps
    return takeUpload(throttle, principal, clock.now(), config.uploadsPerMinute)
  }

  /**
   * The file a download names, checked: by the principal's access to the conversation (an
   * upload not yet sent only by its uploader), or by a signed link. Every refusal that could
   * tell "exists but not yours" from "does not exist" is the same not_found.
   */
  async download(
    conversationId: string,
    attachmentId: string,
    variant: Variant,
    auth: DownloadAuth,
  ): Promise<Download> {
    const who =
      auth.kind === 'principal'
        ? `${auth.principal.kind}:${auth.principal.id}`
        : `link:${auth.client}`
    this.#downloads.take(who, 'downloads')
    const record = await this.deps.store.attachments.get(attachmentId)
    const notFound = () => new ParleyError('not_found', 'attachment not found')
    if (auth.kind === 'signed') {
      if (!this.#verify(conversationId, attachmentId, variant, auth.expires, auth.sig)) {
        throw new ParleyError('forbidden', 'the link is invalid')
      }
      if (auth.expires < this.deps.clock.now()) {
        throw new ParleyError('forbidden', 'the link has expired; ask for a new one')
      }
    }
    if (!record || record.conversationId !== conversationId) throw notFound()
    if (record.status === 'deleted' || record.status === 'pending') throw notFound()
    if (auth.kind === 'principal') {
      try {
        authorize(auth.principal, await this.#conversation(conversationId), 'view')
      } catch (error) {
        // The same answer as for a file that does not exist.
        if (error instanceof ParleyError && error.code === 'not_found') throw notFound()
        throw error
      }
      const own =
        record.uploader.kind === auth.principal.kind && record.uploader.id === auth.principal.id
      if (record.status === 'uploaded' && !own) throw notFound()
    }
    if (variant === 'thumb' && !record.thumbnail) throw notFound()
    const busy = this.#inflight.get(who) ?? 0
    if (busy >= this.deps.config.concurrentDownloads) {
      throw new ParleyError('rate_limited', 'too many downloads at once; wait for one to finish', {
        retryAfterMs: 1000,
      })
    }
    this.#inflight.set(who, busy + 1)
    let released = false
    const key = blobKey(record.id, variant)
    const { storage } = this.deps
    const path = storage.localPath?.(key)
    if (path !== undefined && !(await Bun.file(path).exists())) {
      this.deps.log.warn('attachment bytes missing from storage', { id: record.id, variant })
      throw notFound()
    }
    return {
      record,
      variant,
      size: variant === 'thumb' ? (record.thumbnailSize ?? 0) : record.size,
      contentType: variant === 'thumb' ? 'image/webp' : record.contentType,
      etag: `"${record.sha256}${variant === 'thumb' ? '-thumb' : ''}"`,
      release: () => {
        if (released) return
        released = true
        const left = (this.#inflight.get(who) ?? 1) - 1
        if (left <= 0) this.#inflight.delete(who)
        else this.#inflight.set(who, left)
      },
      body: (range) => {
        if (path === undefined) return storage.stream(key, range)
        const file = Bun.file(path)
        return range ? file.slice(range.start, range.end + 1) : file
      },
    }
  }

  /** Signed links to files of a conversation the principal may view (up to 50 at once). */
  async links(
    principal: Principal,
    conversationId: string,
    ids: readonly string[],
  ): Promise<AttachmentLink[]> {
    authorize(principal, await this.#conversation(conversationId), 'view')
    const records = await this.deps.store.attachments.getMany(conversationId, ids)
    const expiresAt = this.deps.clock.now() + this.deps.config.linkTtlSec * 1000
    const visible = records.filter(
      (r) =>
        r.status === 'linked' ||
        (r.status === 'uploaded' &&
          r.uploader.kind === principal.kind &&
          r.uploader.id === principal.id),
    )
    const byId = new Map(visible.map((r) => [r.id, r]))
    return ids.flatMap((id) => {
      const r = byId.get(id)
      if (!r) return []
      return [
        {
          id,
          url: this.#signedPath(conversationId, id, 'original', expiresAt),
          thumbnailUrl: r.thumbnail
            ? this.#signedPath(conversationId, id, 'thumb', expiresAt)
            : null,
          expiresAt,
        },
      ]
    })
  }

  #signedPath(conversationId: string, id: string, variant: Variant, expires: number): string {
    const sig = this.#sign(conversationId, id, variant, expires)
    const thumb = variant === 'thumb' ? '&variant=thumb' : ''
    return `/api/conversations/${encodeURIComponent(conversationId)}/attachments/${encodeURIComponent(id)}?expires=${expires}${thumb}&sig=${sig}`
  }

  #sign(conversationId: string, id: string, variant: Variant, expires: number): string {
    return createHmac('sha256', this.deps.secret)
      .update(`parley-attachment\n${conversationId}\n${id}\n${variant}\n${expires}`)
      .digest('base64url')
  }

  #verify(
    conversationId: string,
    id: string,
    variant: Variant,
    expires: number,
    sig: string,
  ): boolean {
    const expected = Buffer.from(this.#sign(conversationId, id, variant, expires))
    const given = Buffer.from(sig)
    return given.length === expected.length && timingSafeEqual(given, expected)
  }

  async #conversation(id: string) {
    return (await this.deps.store.conversations.loadConversation(id))?.conversation ?? null
  }

  async #settings(inboxId: string): Promise<InboxSettings> {
    const now = this.deps.clock.now()
    const cached = this.#inboxes.get(inboxId)
    if (cached && cached.until > now) return cached.settings
    const inbox = await this.deps.store.inboxes.get(inboxId)
    const settings = inbox?.settings ?? DEFAULT_INBOX_SETTINGS
    this.#inboxes.set(inboxId, { settings, until: now + INBOX_CACHE_MS })
    return settings
  }
}

/** The storage the configuration names. */
export function openBlobStorage(config: AttachmentConfig): BlobStorage {
  const s = config.storage
  if (s.kind === 'disk') return diskStorage(s.dir)
  return s3Storage({
    bucket: s.bucket,
    ...(s.endpoint ? { endpoint: s.endpoint } : {}),
    region: s.region,
    accessKeyId: s.accessKeyId,
    secretAccessKey: s.secretAccessKey,
    prefix: s.prefix,
  })
}

/** Removes an upload's spool files (after a failure). */
async function discard(file: { path: string; thumbnail: { path: string } | null }): Promise<void> {
  await rm(file.path, { force: true })
  if (file.thumbnail) await rm(file.thumbnail.path, { force: true })
}
