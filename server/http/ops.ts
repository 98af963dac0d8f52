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
      try {
        await ctx.store.ping()
        return { status: 'ready' }
      } catch (error) {
        ctx.log.warn('readiness check failed', { error })
        set.status = 503
        return { status: 'store unreachable' }
      }
    })
    .get('/metrics', ({ set }) => {
      set.headers['content-type'] = 'text/plain; version=0.0.4; charset=utf-8'
      return ctx.metrics.render()
    })
}
