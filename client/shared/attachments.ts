/**
 * Files on messages, shared by widget and panel (docs/protocol.md 12): uploads (XHR, for the
 * progress events), the composer's list of files about to be sent, and signed links for
 * showing files in the thread.
 *
 * An upload starts as soon as its file is added. It waits for `env.ready()` (the widget: the
 * connection is up and the visitor's conversation known) and retries network failures and
 * rate limits until it is cancelled; a refusal by the server (too large, type not allowed, ...)
 * is final and shows on the file.
 */
import { createSignal, type Accessor } from 'solid-js'
import { createStore, reconcile } from 'solid-js/store'
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.ts'
import { asParleyError, fromWire } from './errors.ts'
import { httpJson } from './http.ts'
import { newId } from './ids.ts'
import {
  MAX_ATTACHMENTS_PER_MESSAGE,
  ParleyError,
  type Attachment,
  type ErrorCode,
  type WireError,
} from './protocol.ts'

export type { Attachment }
export const MAX_FILES = MAX_ATTACHMENTS_PER_MESSAGE

type Token = () => Promise<string | null> | string | null

export interface UploadEnv {
  baseUrl: string
  token: Token
  /** Resolves when uploading makes sense (online); the default is at once. */
  ready?: () => Promise<void>
  /** The conversation to upload into (the widget may have to start one first). */
  conversationId(): Promise<string>
}

export type UploadStatus = 'waiting' | 'uploading' | 'done' | 'error'

const conv = (id: string) => `/api/conversations/${encodeURIComponent(id)}`

/** True for images a browser shows from an object URL (never SVG: it may carry scripts). */
export const isImageType = (type: string) => /^image\/(png|jpeg|gif|webp)$/.test(type)

/** One file on its way to the server. Not a plain object, so a Solid store keeps it as is. */
export class Upload {
  readonly key = newId()
  readonly preview: string | null
  readonly status: Accessor<UploadStatus>
  readonly progress: Accessor<number>
  readonly error: Accessor<ErrorCode | null>
  /** The stored file; rejects with the refusal (or 'cancelled'). */
  readonly done: Promise<Attachment>
  attachment: Attachment | null = null
  private setStatus: (s: UploadStatus) => void
  private setProgress: (p: number) => void
  private setError: (e: ErrorCode | null) => void
  private xhr: XMLHttpRequest | null = null
  private cancelled = false

  constructor(
    readonly file: File,
    private readonly env: UploadEnv,
  ) {
    ;[this.status, this.setStatus] = createSignal<UploadStatus>('waiting')
    ;[this.progress, this.setProgress] = createSignal(0)
    ;[this.error, this.setError] = createSignal<ErrorCode | null>(null)
    this.preview = isImageType(file.type) ? URL.createObjectURL(file) : null
    this.done = this.run()
    this.done.catch(() => undefined)
  }

  cancel(): void {
    this.cancelled = true
    this.xhr?.abort()
    if (this.preview) URL.revokeObjectURL(this.preview)
  }

  private async run(): Promise<Attachment> {
    for (let attempt = 0; ; attempt++) {
      this.setStatus('waiting')
      await this.env.ready?.()
      if (this.cancelled) throw new ParleyError('bad_request', 'cancelled')
      try {
        const id = await this.env.conversationId()
        const token = await this.env.token()
        if (this.cancelled) throw new ParleyError('bad_request', 'cancelled')
        this.setStatus('uploading')
        const attachment = await this.send(id, token)
        this.attachment = attachment
        this.setProgress(1)
        this.setStatus('done')
        return attachment
      } catch (e) {
        const error = asParleyError(e)
        if (this.cancelled) throw error
        // Offline waits for as long as it takes; other passing failures are tried a few times.
        if (!error.retryable || (error.code !== 'unavailable' && attempt >= 5)) {
          this.setError(error.code)
          this.setStatus('error')
          throw error
        }
        this.setProgress(0)
        this.setStatus('waiting')
        const delay =
          error.retryAfterMs ?? backoffDelay(Math.min(attempt, 5), DEFAULT_BACKOFF, Math.random())
        await new Promise((resolve) => setTimeout(resolve, delay))
      }
    }
  }

  private send(conversationId: string, token: string | null): Promise<Attachment> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest()
      this.xhr = xhr
      xhr.open('POST', `${this.env.baseUrl}${conv(conversationId)}/attachments`)
      if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`)
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable && e.total > 0) this.setProgress(e.loaded / e.total)
      }
      xhr.onerror = xhr.onabort = () => reject(new ParleyError('unavailable', 'network error'))
      xhr.onload = () => {
        let body: { attachment?: Attachment; error?: WireError } | null = null
        try {
          body = JSON.parse(xhr.responseText)
        } catch {
          // not JSON: judged by the status below
        }
        if (xhr.status === 201 && body?.attachment) return resolve(body.attachment)
        reject(uploadRefusal(xhr.status, body))
      }
      const form = new FormData()
      form.append('file', this.file, this.file.name || 'file')
      xhr.send(form)
    })
  }
}

/**
 * Why an upload was refused: the server's typed error, or (a body that is not ours, such as a
 * proxy's page) one judged by the status.
 */
export function uploadRefusal(status: number, body: { error?: WireError } | null): ParleyError {
  if (body?.error) return fromWire(body.error)
  const code =
    status === 413
      ? 'payload_too_large'
      : status === 415
        ? 'unsupported_media_type'
        : status >= 500
          ? 'unavailable'
          : 'bad_request'
  return new ParleyError(code, `HTTP ${status}`)
}

/** The composer's files: added (upload starts), removed (upload cancelled), taken to send. */
export function createFileDraft(env: UploadEnv) {
  const [items, setItems] = createSignal<Upload[]>([])
  const [tooMany, setTooMany] = createSignal(false)
  return {
    items,
    tooMany,
    /** Starts uploading each file; false when some were left out (more than MAX_FILES). */
    add(files: Iterable<File>): boolean {
      const list = [...files]
      const room = MAX_FILES - items().length
      const added = list.slice(0, Math.max(0, room)).map((f) => new Upload(f, env))
      setItems([...items(), ...added])
      setTooMany(list.length > room)
      return list.length <= room
    },
    remove(key: string) {
      items()
        .find((u) => u.key === key)
        ?.cancel()
      setItems(items().filter((u) => u.key !== key))
      setTooMany(false)
    },
    /** Files that may still go (uploading or done, not refused). */
    sendable: () => items().filter((u) => u.status() !== 'error'),
    /** Empties the list: the sendable files are the caller's now, the refused ones go. */
    take(): Upload[] {
      const keep = items().filter((u) => u.status() !== 'error')
      for (const u of items()) if (u.status() === 'error') u.cancel()
      setItems([])
      setTooMany(false)
      return keep
    },
    clear() {
      for (const u of items()) u.cancel()
      setItems([])
      setTooMany(false)
    },
  }
}

export type FileDraft = ReturnType<typeof createFileDraft>

/**
 * Waits for every upload; the ids of those stored, in order. Files refused meanwhile are left
 * out; nothing left and no text: throws the first refusal.
 */
export async function settleUploads(uploads: readonly Upload[], hasText: boolean) {
  const results = await Promise.allSettled(uploads.map((u) => u.done))
  const stored = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
  const refused = results.find((r) => r.status === 'rejected')
  if (stored.length === 0 && !hasText && refused) throw refused.reason
  return stored
}

/** Files dragged over an element carry the type 'Files'. */
export const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') === true

export interface FileLink {
  url: string
  thumbnailUrl: string | null
  expiresAt: number
}

/** A link is asked again this long before it expires. */
const REFRESH_BEFORE_MS = 60_000

/**
 * Signed links for the files on screen, asked in batches per conversation and asked again
 * before they expire (and when an image fails to load). `get` answers a link, null while
 * asking, or 'missing' when the server no longer shows the file (deleted).
 */
export function createLinks(baseUrl: string, token: Token) {
  const [links, setLinks] = createStore<Record<string, FileLink | 'missing'>>({})
  const queued = new Map<string, Set<string>>()
  const asked = new Set<string>()
  let flushing: ReturnType<typeof setTimeout> | undefined
  let renewal: ReturnType<typeof setTimeout> | undefined
  const known = new Map<string, string>()

  const ask = (conversationId: string, id: string) => {
    known.set(id, conversationId)
    const set = queued.get(conversationId) ?? new Set()
    set.add(id)
    queued.set(conversationId, set)
    flushing ??= setTimeout(() => void flush(), 0)
  }

  async function flush() {
    flushing = undefined
    const batches = [...queued]
    queued.clear()
    for (const [conversationId, ids] of batches) {
      const list = [...ids]
      for (let i = 0; i < list.length; i += 100) {
        const chunk = list.slice(i, i + 100)
        try {
          const res = await httpJson<{ links: Array<FileLink & { id: string }> }>(
            baseUrl,
            `${conv(conversationId)}/attachments/links`,
            { token: await token(), body: { ids: chunk } },
          )
          const got = new Map(res.links.map((l) => [l.id, l]))
          for (const id of chunk) {
            const l = got.get(id)
            setLinks(
              id,
              l ? { url: l.url, thumbnailUrl: l.thumbnailUrl, expiresAt: l.expiresAt } : 'missing',
            )
          }
        } catch {
          // Asked again on the next image error or renewal.
          for (const id of chunk) asked.delete(id)
        }
      }
    }
    scheduleRenewal()
  }

  function scheduleRenewal() {
    clearTimeout(renewal)
    let first = Infinity
    for (const l of Object.values(links)) if (l !== 'missing') first = Math.min(first, l.expiresAt)
    if (first === Infinity) return
    const wait = Math.max(1000, first - REFRESH_BEFORE_MS - Date.now())
    renewal = setTimeout(
      () => {
        for (const [id, c] of known) {
          const l = links[id]
          if (l && l !== 'missing' && l.expiresAt - REFRESH_BEFORE_MS <= Date.now()) ask(c, id)
        }
      },
      Math.min(wait, 2 ** 31 - 1),
    )
  }

  return {
    get(conversationId: string, id: string): FileLink | 'missing' | null {
      if (!asked.has(id)) {
        asked.add(id)
        ask(conversationId, id)
      }
      return links[id] ?? null
    },
    /** Asks again (an image failed to load: the link may have expired). */
    refresh(conversationId: string, id: string) {
      ask(conversationId, id)
    },
    /** The full URL of a server path. */
    full: (path: string) => baseUrl + path,
    reset() {
      asked.clear()
      known.clear()
      setLinks(reconcile({}))
    },
  }
}

export type Links = ReturnType<typeof createLinks>

const UNITS = { en: ['B', 'KB', 'MB', 'GB'], ru: ['Б', 'КБ', 'МБ', 'ГБ'] }

/** 1 234 567 -> "1.2 MB" (ru: "1,2 МБ"). */
export function formatSize(bytes: number, lang: 'en' | 'ru' = 'en'): string {
  let n = bytes
  let unit = 0
  while (n >= 1024 && unit < 3) {
    n /= 1024
    unit++
  }
  const digits = unit === 0 || n >= 10 ? 0 : 1
  return `${n.toLocaleString(lang, { maximumFractionDigits: digits })} ${UNITS[lang][unit]}`
}
