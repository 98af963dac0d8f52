/**
 * Headers of every API and realtime response: never stored by a browser or proxy (a login
 * answer carries a token, a poll carries messages) and never content-sniffed.
 */
import { Elysia } from 'elysia'

const API = /^\/(api|rt)(\/|$)/

/** Sets the headers on every `/api` and `/rt` response, errors included. */
export function apiHeaders() {
  return new Elysia({ name: 'parley-api-headers' }).onRequest(({ request, set }) => {
    if (!API.test(new URL(request.url).pathname)) return
    set.headers['cache-control'] = 'no-store'
    set.headers['x-content-type-options'] = 'nosniff'
  })
}
