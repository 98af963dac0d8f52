/**
 * One upload from a principal's budget: attachments, operators' pictures and help-center
 * images share it (ATTACHMENT_UPLOADS_PER_MINUTE per principal, cluster-wide through the
 * throttle store). Over budget is `rate_limited` with the wait.
 */
import type { Clock, Logger, Principal } from '../../actors/index.ts'
import { ParleyError } from '../../protocol/index.ts'
import { takeToken, type ThrottleStore } from '../auth/index.ts'
import type { BlobStorage } from './storage.ts'

/** What an image upload beside attachments needs (operators' pictures, help-center images). */
export interface ImageUploadDeps {
  storage: BlobStorage
  /** The spool folder uploads stream into (the attachments' one). */
  tmpDir: string
  /** Upload budget shared with attachments (uploadsPerMinute per principal, cluster-wide). */
  throttle: ThrottleStore
  uploadsPerMinute: number
  clock: Clock
  log: Logger
}

export async function takeUpload(
  throttle: ThrottleStore,
  principal: Principal,
  now: number,
  perMinute: number,
): Promise<void> {
  const wait = await throttle.update(`upload.${principal.kind}.${principal.id}`, (current) => {
    const decision = takeToken(current, now, perMinute)
    return { next: decision.next, result: decision.wait }
  })
  if (wait > 0) {
    throw new ParleyError('rate_limited', 'too many uploads; slow down', { retryAfterMs: wait })
  }
}
