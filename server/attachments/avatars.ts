/**
 * Operators' pictures (who answers, R4-R6): any PNG, JPEG, WebP or GIF up to AVATAR_MAX_BYTES,
 * checked by its bytes like an attachment, stored as a AVATAR_SIDE-pixel square WebP cut from
 * its middle with no metadata, under a fresh id each time. An id names one picture for good, so
 * its URL is cached for a year; a replaced or removed picture's bytes are deleted. Without a
 * picture clients draw the operator's initials.
 */
import { randomUUID } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import { newId, type OperatorRecord, type Principal, type Store } from '../../actors/index.ts'
import { ParleyError } from '../../protocol/index.ts'
import { ingestUpload } from './ingest.ts'
import { takeUpload, type ImageUploadDeps } from './upload-budget.ts'
import { checkKey } from './storage.ts'

/** Largest picture accepted, in bytes. */
export const AVATAR_MAX_BYTES = 5 * 1024 * 1024
/** The stored square's side, in pixels: sharp on a high-density screen at 128 CSS pixels. */
export const AVATAR_SIDE = 256
const AVATAR_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif']
/** Larger images are refused before decoding (a decompression bomb). */
const MAX_PIXELS = 50_000_000

/** Where a picture's bytes live: `avatars/<2 hex>/<2 hex>/<id>.webp`, spread like attachments. */
export function avatarKey(avatarId: string): string {
  const hex = avatarId.toLowerCase().replace(/[^0-9a-f]/g, '')
  if (!/^[A-Za-z0-9_-]+$/.test(avatarId) || hex.length < 4) {
    throw new ParleyError('not_found', 'avatar not found')
  }
  const key = `avatars/${hex.slice(-4, -2)}/${hex.slice(-2)}/${avatarId}.webp`
  checkKey(key)
  return key
}

export interface AvatarDeps extends ImageUploadDeps {
  store: Store
}

export class AvatarService {
  constructor(private readonly deps: AvatarDeps) {}

  /**
   * Makes the uploaded image `operatorId`'s picture, replacing any earlier one; `by` pays the
   * upload from their budget. Nothing changes when the image is refused.
   */
  async set(operatorId: string, by: Principal, request: Request): Promise<OperatorRecord> {
    await this.takeUpload(by)
    const current = await this.deps.store.operators.getById(operatorId)
    if (!current) throw new ParleyError('not_found', 'operator not found')
    const file = await ingestUpload(
      request,
      { maxBytes: AVATAR_MAX_BYTES, allowedTypes: AVATAR_TYPES },
      this.deps.tmpDir,
    )
    const square = join(this.deps.tmpDir, `avatar-${randomUUID()}.webp`)
    try {
      await sharp(file.path, { limitInputPixels: MAX_PIXELS })
        .resize(AVATAR_SIDE, AVATAR_SIDE, { fit: 'cover', position: 'centre' })
        .webp({ quality: 85 })
        .toFile(square)
    } catch (error) {
      await rm(square, { force: true })
      throw new ParleyError('validation_failed', 'the image cannot be read', { cause: error })
    } finally {
      await rm(file.path, { force: true })
      if (file.thumbnail) await rm(file.thumbnail.path, { force: true })
    }
    const avatarId = newId()
    const key = avatarKey(avatarId)
    try {
      await this.deps.storage.putFile(key, square, 'image/webp')
    } catch (error) {
      await rm(square, { force: true })
      throw error
    }
    let updated: OperatorRecord | null
    try {
      updated = await this.deps.store.operators.update(operatorId, {
        avatarId,
        updatedAt: this.deps.clock.now(),
      })
    } catch (error) {
      await this.forget(avatarId)
      throw error
    }
    if (!updated) {
      await this.forget(avatarId)
      throw new ParleyError('not_found', 'operator not found')
    }
    if (current.avatarId) await this.forget(current.avatarId)
    return updated
  }

  /** Back to initials; the picture's bytes are deleted. */
  async remove(operatorId: string): Promise<OperatorRecord> {
    const current = await this.deps.store.operators.getById(operatorId)
    if (!current) throw new ParleyError('not_found', 'operator not found')
    if (current.avatarId === null) return current
    const updated = await this.deps.store.operators.update(operatorId, {
      avatarId: null,
      updatedAt: this.deps.clock.now(),
    })
    if (!updated) throw new ParleyError('not_found', 'operator not found')
    await this.forget(current.avatarId)
    return updated
  }

  /** The picture's bytes: a file on disk (sent with its length) or a stream from S3. */
  async open(avatarId: string): Promise<{ size: number; body: Blob | ReadableStream<Uint8Array> }> {
    const key = avatarKey(avatarId)
    const { storage } = this.deps
    const path = storage.localPath?.(key)
    if (path !== undefined) {
      const file = Bun.file(path)
      if (!(await file.exists())) throw new ParleyError('not_found', 'avatar not found')
      return { size: file.size, body: file }
    }
    const stat = await storage.stat(key)
    if (!stat) throw new ParleyError('not_found', 'avatar not found')
    return { size: stat.size, body: storage.stream(key) }
  }

  /** Deletes a picture's bytes; a failure leaves an orphan, logged, never an error. */
  private async forget(avatarId: string): Promise<void> {
    try {
      await this.deps.storage.delete(avatarKey(avatarId))
    } catch (error) {
      this.deps.log.warn('could not delete an avatar', { avatarId, error: String(error) })
    }
  }

  private takeUpload(principal: Principal): Promise<void> {
    const { throttle, clock, uploadsPerMinute } = this.deps
    return takeUpload(throttle, principal, clock.now(), uploadsPerMinute)
  }
}
