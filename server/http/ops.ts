/**
 * Health, readiness and Prometheus metrics (X5). /metrics is not public: on the main port it
 * needs the METRICS_TOKEN bearer token (404 when none is configured, 401 without it), and
 * METRICS_PORT opens a listener of its own that serves /metrics only.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { Elysia } from 'elysia'
import * as v from 'valibot'
import type { Logger } from '../../actors/index.ts'
import { ParleyError } from '../../protocol/index.ts'
import type { Metrics } from '../metrics.ts'
import type { HttpContext } from './context.ts'
import { errorResponse } from './errors.ts'
import { doc } from './responses.ts'

export function opsRoutes(ctx: HttpContext, opts: { metricsToken: string | null }) {
  return new Elysia()
    .get('/healthz', () => ({ status: 'ok' }), {
      detail: doc({
        summary: 'Liveness',
        tag: 'ops',
        description: 'The process answers HTTP. Says nothing of the store or the cluster.',
        access: 'public',
        ok: v.object({ status: v.literal('ok') }),
      }),
    })
    .get(
      '/readyz',
      async ({ set }) => {
        if (ctx.isDraining()) {
          set.status = 503
          return { status: 'draining' }
        }
        if (!ctx.clusterUp()) {
          set.status = 503
          return { status: 'cluster link down' }
        }
        // What the write path has seen (and the store watch's pings and probes): a failing or
        // stalled store turns this 503 at once, and 200 again once a write succeeds.
        const store = ctx.store.health()
        if (!store.ready) {
          set.status = 503
          return { status: store.failing ? 'store failing' : 'store stalled', reason: store.reason }
        }
        return { status: 'ready' }
      },
      {
        detail: doc({
          summary: 'Readiness',
          tag: 'ops',
          description:
            'Whether this node takes traffic: 503 while draining, while the cluster link is down ' +
            'or while the store fails or stalls (the body says which).',
          access: 'public',
          ok: v.object({ status: v.literal('ready') }),
          alsoStatus: {
            status: 503,
            description: 'Not ready: `status` says why (`draining`, `store failing`, ...).',
            schema: v.object({ status: v.string(), reason: v.optional(v.nullable(v.string())) }),
          },
        }),
      },
    )
    .get(
      '/metrics',
      ({ request }) => {
        // Without a token the main port has no /metrics at all (METRICS_PORT may serve it).
        if (opts.metricsToken === null) throw new ParleyError('not_found', 'no such route')
        return metricsResponse(ctx.metrics, opts.metricsToken, request)
      },
      {
        detail: doc({
          summary: 'Prometheus metrics',
          tag: 'ops',
          description:
            'The Prometheus text format. Needs the METRICS_TOKEN bearer token; 404 when the ' +
            'server has none (METRICS_PORT may serve metrics on a port of its own).',
          access: 'metrics',
          raw: { type: 'text/plain', description: 'Prometheus exposition format 0.0.4.' },
          errors: [404],
        }),
      },
    )
}

/** The Prometheus text; with a token set, only for a request that carries it as its bearer. */
function metricsResponse(metrics: Metrics, token: string | null, request: Request): Response {
  if (token !== null && !bearerIs(request.headers.get('authorization'), token)) {
    throw new ParleyError('unauthenticated', 'metrics need the METRICS_TOKEN bearer token')
  }
  return new Response(metrics.render(), {
    headers: {
      'content-type': 'text/plain; version=0.0.4; charset=utf-8',
      'cache-control': 'no-store',
    },
  })
}

/** Compared in constant time: digests of equal length, whatever the header holds. */
function bearerIs(header: string | null, token: string): boolean {
  const given = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1] ?? ''
  const digest = (value: string) => createHash('sha256').update(value).digest()
  return timingSafeEqual(digest(given), digest(token))
}

/**
 * The METRICS_PORT listener: GET /metrics and nothing else, for a scraper on a network (or the
 * loopback, by default) that clients cannot reach. METRICS_TOKEN, when set, is required here too.
 */
export function serveMetrics(opts: {
  port: number
  host: string
  token: string | null
  metrics: Metrics
  log: Logger
}): ReturnType<typeof Bun.serve> {
  return Bun.serve({
    port: opts.port,
    hostname: opts.host,
    development: false,
    fetch(request) {
      const path = URL.canParse(request.url) ? new URL(request.url).pathname : ''
      if (request.method !== 'GET' || path !== '/metrics') {
        return errorResponse(new ParleyError('not_found', 'no such route'))
      }
      try {
        return metricsResponse(opts.metrics, opts.token, request)
      } catch (error) {
        return errorResponse(error)
      }
    },
    error(error) {
      opts.log.error('metrics request failed', { error })
      return errorResponse(error)
    },
  })
}
