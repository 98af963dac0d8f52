/**
 * The breakdown per visitor region (issue 19, A2 "by region"; docs/analytics.md) through the real
 * server with a city-level GeoIP database (built here, read by the real reader): conversations,
 * messages and first responses land in the region their visitor started from, from the day
 * counts and from the quarter-hour counts alike; a country database without regions leaves them
 * unknown; the table exports as CSV.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FakeClock } from '../../actors/index.ts'
import { startFrom } from '../helpers/http.ts'
import { useServers } from '../helpers/lifecycle.ts'
import { buildMmdb, CITY_FIXTURE } from '../helpers/mmdb.ts'
import { MINUTE, signIn } from '../helpers/routing.ts'
import type { TestServer } from '../helpers/server.ts'

const u = useServers()
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
/** Tuesday 2 June 2026, 10:00 UTC. */
const START = Date.UTC(2026, 5, 2, 10, 0)
const dir = mkdtempSync(join(tmpdir(), 'parley-regions-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Addresses of the fixture database and where it places them. */
const VISITORS = [
  { ip: '81.2.69.160', key: 'GB/ENG', label: 'ENG (GB)' },
  { ip: '77.88.8.8', key: 'RU/Moscow', label: 'Moscow (RU)' },
  { ip: '81.2.70.1', key: 'FR/IDF', label: 'IDF (FR)' },
  // A country the database knows without a region.
  { ip: '46.4.0.9', key: '', label: '' },
] as const

/** A query string of numbers and strings. */
const query = (q: Record<string, string | number>) =>
  new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)]))

async function report(s: TestServer, token: string, q: Record<string, string | number>) {
  const res = await s.http(`/api/analytics/report?${query(q)}`, { token })
  expect(res.status).toBe(200)
  return res.body
}

describe('analytics by region', () => {
  test('regions - conversations, messages and first responses per visitor region, from day and quarter-hour counts alike; CSV', async () => {
    const path = join(dir, 'city.mmdb')
    writeFileSync(path, buildMmdb(CITY_FIXTURE))
    const clock = new FakeClock(START)
    const s = await u.server({
      clock,
      env: {
        ANALYTICS_EVERY_MS: '0',
        GEOIP_DB: path,
        TRUST_PROXY: '127.0.0.1',
        OPERATOR_SESSION_TTL: String(7 * 86_400),
      },
    })
    const admin = await s.adminToken()
    const op = await signIn(u, s)
    // Region i gets i + 1 conversations; each is answered once, a minute later.
    const started = new Map<string, number>()
    for (const [i, v] of VISITORS.entries()) {
      for (let k = 0; k <= i; k++) {
        const { id } = await startFrom(s, v.ip, `from ${v.key || 'nowhere'} ${k}`)
        await clock.advance(MINUTE)
        const answer = await s.http(`/api/conversations/${id}/messages`, {
          method: 'POST',
          token: op.token,
          body: { clientMsgId: `a-${i}-${k}`, text: 'hello' },
        })
        expect(answer.status).toBe(201)
        started.set(v.key, (started.get(v.key) ?? 0) + 1)
      }
      // The next region a day later: whole days come from the day counts.
      await clock.advance(DAY)
    }
    await s.analytics.catchUp()
    const range = { from: START - HOUR, to: START + 5 * DAY, tz: 'UTC' }
    // Without filters (day counts for whole days) and with one (quarter-hour counts).
    for (const q of [range, { ...range, channel: 'widget' }]) {
      const body = await report(s, admin, q)
      const rows = new Map(body.regions.map((r: any) => [r.key, r]))
      for (const [i, v] of VISITORS.entries()) {
        const row: any = rows.get(v.key)
        expect({ key: v.key, ...row }).toMatchObject({
          key: v.key,
          label: v.label,
          conversations: i + 1,
          visitorMessages: i + 1,
          operatorMessages: i + 1,
          firstResponse: { count: i + 1, medianMs: MINUTE },
        })
      }
      expect(rows.size).toBe(VISITORS.length)
      // The countries table still has the countries.
      expect(body.countries.map((r: any) => r.key).sort()).toEqual(['DE', 'FR', 'GB', 'RU'])
    }
    const csv = await s.http(`/api/analytics/export?${query({ ...range, table: 'regions' })}`, {
      token: admin,
    })
    expect(csv.status).toBe(200)
    const lines = String(csv.body).trim().split('\r\n')
    expect(lines[0]!.startsWith('key,name,conversations,')).toBe(true)
    expect(lines.find((l) => l.startsWith('RU/Moscow,Moscow (RU),2,'))).toBeDefined()
    op.tab.close()
  })
})
