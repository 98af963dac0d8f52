/**
 * /metrics (X5) as Prometheus reads it: HTTP errors are counted by route pattern and code (a
 * raw path would make a series per id), and every running total is a `counter` named `*_total`,
 * so rate() works on it; gauges are only for values that go up and down.
 */
import { describe, expect, test } from 'bun:test'
import { Metrics } from '../../server/metrics.ts'
import { httpStart } from '../helpers/http.ts'
import { useServers } from '../helpers/lifecycle.ts'
import { metric, scrape, type TestServer } from '../helpers/server.ts'

const { server, client } = useServers()

/** Each metric family's declared type, from the `# TYPE` lines. */
async function types(s: TestServer): Promise<Map<string, string>> {
  const text = await scrape(s)
  return new Map(
    [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1] as string, m[2] as string]),
  )
}

describe('metrics', () => {
  test('metrics - HTTP errors are counted by route pattern and code, never by raw path', async () => {
    const s = await server()
    const { id, token } = await httpStart(s)
    const missing = crypto.randomUUID()
    await s.http(`/api/conversations/${missing}`, { token })
    await s.http(`/api/conversations/${crypto.randomUUID()}`, { token })
    await s.http(`/api/no-such-route/${missing}`)
    await s.http('/api/inbox')
    await s.http(`/api/conversations/${id}/messages`, { token, body: { clientMsgId: 'no-text' } })
    await s.http(`/api/conversations/${id}/messages`, { token, body: '{"clientMsgId":' })
    const series = (route: string, code: string) =>
      metric(s, `parley_http_errors_total{route="${route}",code="${code}"}`)
    expect(await series('/api/conversations/:id', 'not_found')).toBe(2)
    expect(await series('unmatched', 'not_found')).toBe(1)
    expect(await series('/api/inbox', 'unauthenticated')).toBe(1)
    expect(await series('/api/conversations/:id/messages', 'validation_failed')).toBe(1)
    expect(await series('/api/conversations/:id/messages', 'bad_request')).toBe(1)
    const text = await scrape(s)
    expect(text).toContain('# TYPE parley_http_errors_total counter')
    expect(text).not.toContain(missing)
    // Successes are not errors.
    expect(text).not.toMatch(/parley_http_errors_total\{route="\/api\/visitor\/session"/)
  })

  test('metrics - every running total is a counter named *_total; levels stay gauges', async () => {
    const s = await server()
    const { token } = await s.visitorToken()
    const c = await client(s, token)
    await c.ok({ type: 'start', text: 'hello' })
    const declared = await types(s)
    for (const [name, type] of declared) {
      if (type === 'counter') expect(name).toEndWith('_total')
      if (name.endsWith('_total')) expect(type).toBe('counter')
    }
    for (const name of [
      'parley_actor_activations_total',
      'parley_actor_passivations_total',
      'parley_events_published_total',
      'parley_store_transactions_total',
      'parley_store_writes_total',
    ]) {
      expect({ name, type: declared.get(name) }).toEqual({ name, type: 'counter' })
    }
    expect(await metric(s, 'parley_actor_activations_total')).toBeGreaterThanOrEqual(1)
    expect(await metric(s, 'parley_events_published_total')).toBeGreaterThanOrEqual(1)
    expect(await metric(s, 'parley_store_writes_total')).toBeGreaterThanOrEqual(1)
    for (const old of [
      'parley_actor_activations',
      'parley_store_writes',
      'parley_events_published',
    ])
      expect(declared.has(old)).toBe(false)
    expect(declared.get('parley_active_connections')).toBe('gauge')
    expect(declared.get('parley_mailbox_depth')).toBe('gauge')
  })

  test('metrics - a running total read at scrape time is exposed as a counter and must end in _total', () => {
    const metrics = new Metrics()
    let published = 3
    metrics.counter('parley_things_total', 'Things since start.', () => published)
    published = 5
    expect(metrics.render()).toContain(
      '# HELP parley_things_total Things since start.\n# TYPE parley_things_total counter\nparley_things_total 5\n',
    )
    expect(() => metrics.counter('parley_things', 'No suffix.', () => 0)).toThrow('_total')
    expect(() => metrics.inc('parley_other', 'No suffix.')).toThrow('_total')
  })
})
