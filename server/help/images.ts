/**
 * Images of help-center articles (issue 21): uploaded by whoever may write the portal's
 * articles, checked by their bytes and re-encoded without metadata like attachments
 * (server/attachments/ingest.ts), stored in the attachments' storage (disk or S3) under
 * `help-images/<2 hex>/<2 hex>/<id>`, and served publicly at `/help/images/<id>`: an id names
 * one picture for good, so it is cached for a year.
 *
 * An article may show its own portal's images and the shared portal's (every portal shows
 * shared articles, so a shared article only the shared ones): a save naming any other image is
 * refused (HelpService). An upload no saved article ever showed is removed a day later; one
 * shown once stays (a revision may show it again).
 */
import { rm } from 'node:fs/promises'
import { newId, type HelpImageRecord, type HelpStore, type Principal } from '../../actors/index.ts'
import {
  HELP_IMAGE_TYPES,
  MAX_HELP_IMAGE_BYTES,
  helpImageUrl,
  type HelpImage,
} from '../../protocol/help.ts'
import { ParleyError } from '../../protocol/index.ts'
import { ingestUpload } from '../attachments/ingest.ts'
import { checkKey } from '../attachments/storage.ts'
import { takeUpload, type ImageUploadDeps } from '../attachments/upload-budget.ts'

/** An upload no saved article showed within this long is removed. */
export const UNUSED_IMAGE_MS = 86_400_000
/** Images removed per sweep round. */
const SWEEP_BATCH = 200

/** Where an image's bytes live. */
export function helpImageKey(id: string): string {
  const hex = id.toLowerCase().replace(/[^0-9a-f]/g, '')
  if (!/^[A-Za-z0-9_-]+$/.test(id) || hex.length < 4) {
    throw new ParleyError('not_found', 'image not found')
  }
  const key = `help-images/${hex.slice(-4, -2)}/${hex.slice(-2)}/${id}`
  checkKey(key)
  return key
}

/** The image as the API answers it. */
export function helpImageView(record: HelpImageRecord): HelpImage {
  return {
    id: record.id,
    inboxId: record.inboxId,
    name: record.name,
    contentType: record.contentType,
    size: record.size,
    width: record.width,
    height: record.height,
    url: helpImageUrl(record.id),
    createdAt: record.createdAt,
  }
}

export interface HelpImageDeps extends ImageUploadDeps {
  store: HelpStore
}

export class HelpImages {
  constructor(private readonly deps: HelpImageDeps) {}

  /**
   * Stores the uploaded image for the portal (`inboxId`, null for the shared one); `by` pays
   * the upload from their budget. The caller checked that `by` may write the portal.
   */
  async upload(inboxId: string | null, by: Principal, request: Request): Promise<HelpImage> {
    await this.#takeUpload(by)
    const file = await ingestUpload(
      request,
      { maxBytes: MAX_HELP_IMAGE_BYTES, allowedTypes: HELP_IMAGE_TYPES },
      this.deps.tmpDir,
    )
    if (file.thumbnail) await rm(file.thumbnail.path, { force: true })
    const record: HelpImageRecord = {
      id: newId(),
      inboxId,
      name: file.name,
      contentType: file.contentType,
      size: file.size,
      width: file.width,
      height: file.height,
      sha256: file.sha256,
      createdBy: by.kind === 'operator' ? by.id : null,
      createdAt: this.deps.clock.now(),
      usedAt: null,
    }
    const key = helpImageKey(record.id)
    try {
      await this.deps.storage.putFile(key, file.path, file.contentType)
    } catch (error) {
      await rm(file.path, { force: true })
      throw error
    }
    try {
      await this.deps.store.addImage(record)
    } catch (error) {
      await this.#forget(record.id)
      throw error
    }
    return helpImageView(record)
  }

  /** The image's record and bytes: a file on disk (sent with its length) or a stream from S3. */
  async open(id: string): Promise<{
    record: HelpImageRecord
    size: number
    body: Blob | ReadableStream<Uint8Array>
  }> {
    const key = helpImageKey(id)
    const [record] = await this.deps.store.images([id])
    if (!record) throw new ParleyError('not_found', 'image not found')
    const { storage } = this.deps
    const path = storage.localPath?.(key)
    if (path !== undefined) {
      const file = Bun.file(path)
      if (!(await file.exists())) throw new ParleyError('not_found', 'image not found')
      return { record, size: file.size, body: file }
    }
    const stat = await storage.stat(key)
    if (!stat) throw new ParleyError('not_found', 'image not found')
    return { record, size: stat.size, body: storage.stream(key) }
  }

  /**
   * Removes uploads no saved article showed within UNUSED_IMAGE_MS: the row first (only while
   * still unused: a save marking it meanwhile wins), then the bytes. Returns how many went.
   */
  async sweep(now = this.deps.clock.now()): Promise<number> {
    const unused = await this.deps.store.unusedImages(now - UNUSED_IMAGE_MS, SWEEP_BATCH)
    let removed = 0
    for (const image of unused) {
      if (!(await this.deps.store.deleteUnusedImage(image.id))) continue
      await this.#forget(image.id)
      removed++
    }
    return removed
  }

  /** Deletes an image's bytes; a failure leaves an orphan, logged, never an error. */
  async #forget(id: string): Promise<void> {
    try {
      await this.deps.storage.delete(helpImageKey(id))
    } catch (error) {
      this.deps.log.warn('could not delete a help-center image', { id, error: String(error) })
    }
  }

  #takeUpload(principal: Principal): Promise<void> {
    const { throttle, clock, uploadsPerMinute } = this.deps
    return takeUpload(throttle, principal, clock.now(), uploadsPerMinute)
  }
}
