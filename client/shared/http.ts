/** JSON over HTTP to the Parley API: bearer token in, ParleyError out. */
import { fromWire } from './errors.ts'
import { ParleyError, type WireError } from './protocol.ts'

export interface HttpOptions {
  method?: string
  body?: unknown
  /** A multipart body (an upload) instead of JSON. */
  form?: FormData
  token?: string | null
  signal?: AbortSignal
}

/** Calls `baseUrl + path`; resolves with the JSON body, rejects with a ParleyError. */
export async function httpJson<T>(
  baseUrl: string,
  path: string,
  opts: HttpOptions = {},
): Promise<T> {
  const headers: Record<string, string> = {}
  if (opts.body !== undefined) headers['content-type'] = 'application/json'
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  let res: Response
  try {
    res = await fetch(baseUrl + path, {
      method: opts.method ?? (opts.body === undefined && !opts.form ? 'GET' : 'POST'),
      headers,
      body: opts.form ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
      signal: opts.signal,
      cache: 'no-store',
    })
  } catch {
    throw new ParleyError('unavailable', 'network error')
  }
  const body = (await res.json().catch(() => null)) as { error?: WireError } | null
  if (!res.ok) {
    if (body?.error) throw fromWire(body.error)
    throw new ParleyError(res.status >= 500 ? 'unavailable' : 'bad_request', `HTTP ${res.status}`)
  }
  return body as T
}
