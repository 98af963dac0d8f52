/**
 * One webhook POST (issue 17): to the address the target check resolved (the host name kept
 * for the Host header and for TLS verification, so the request cannot land anywhere the check
 * did not see), no redirects followed, a deadline over the whole exchange, and at most
 * SNIPPET_BYTES of the response read.
 */
import type { ResolvedTarget } from './target.ts'

/** Bytes of a response body read (the rest is discarded unread). */
export const SNIPPET_BYTES = 4096

export interface PostResult {
  /** The response status; null when none came (refused, timeout, network error). */
  status: number | null
  ms: number
  /** The start of the response body as text. */
  snippet: string | null
  /** Why it did not deliver, when the reason is not just the status; null otherwise. */
  error: string | null
}

export async function post(
  target: ResolvedTarget,
  body: string | Uint8Array,
  opts: { headers: Record<string, string>; timeoutMs: number; ca: string | null },
): Promise<PostResult> {
  const { url } = target
  const pinned = new URL(url)
  pinned.hostname = target.family === 6 ? `[${target.address}]` : target.address
  const started = performance.now()
  const signal = AbortSignal.timeout(opts.timeoutMs)
  const https = url.protocol === 'https:'
  try {
    const response = await fetch(pinned, {
      method: 'POST',
      body,
      headers: { ...opts.headers, host: url.host },
      redirect: 'manual',
      signal,
      ...(https ? { tls: { serverName: url.hostname, ...(opts.ca ? { ca: opts.ca } : {}) } } : {}),
    } as RequestInit)
    const snippet = await readStart(response, SNIPPET_BYTES)
    const ms = performance.now() - started
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get('location')
      return {
        status: response.status,
        ms,
        snippet,
        error: `redirect refused${location ? ` (to ${location.slice(0, 200)})` : ''}`,
      }
    }
    return { status: response.status, ms, snippet, error: null }
  } catch (error) {
    const ms = performance.now() - started
    if (signal.aborted) {
      return {
        status: null,
        ms,
        snippet: null,
        error: `timed out after ${opts.timeoutMs / 1000} s`,
      }
    }
    return { status: null, ms, snippet: null, error: describe(error) }
  }
}

/** The first `limit` bytes of the body as text; the rest is cancelled. */
async function readStart(response: Response, limit: number): Promise<string | null> {
  const reader = response.body?.getReader()
  if (!reader) return null
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    while (size < limit) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
      size += value.byteLength
    }
  } finally {
    void reader.cancel().catch(() => {})
  }
  const bytes = Buffer.concat(chunks).subarray(0, limit)
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes) || null
}

function describe(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown }
  const code = typeof e?.code === 'string' ? e.code : null
  const message = typeof e?.message === 'string' ? e.message : String(error)
  return (code && !message.includes(code) ? `${code}: ${message}` : message).slice(0, 300)
}
