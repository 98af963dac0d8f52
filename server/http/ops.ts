/** Health, readiness and Prometheus metrics (X5), plus the public inbox list for the widget demo. */
import { Elysia } from 'elysia'
import type { HttpContext } from './context.ts'

export function opsRoutes(ctx: HttpContext) {
  return new Elysia()
    .get('/healthz', () => ({ status: 'ok' }))
    .get('/readyz', async ({ set }) => {
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
    })
    .get('/metrics', ({ set }) => {
      set.headers['content-type'] = 'text/plain; version=0.0.4; charset=utf-8'
      return ctx.metrics.render()
    })
}
