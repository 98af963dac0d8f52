/**
 * The bench's CI mode: `bun bench/run.ts --short` against real servers must finish and report
 * no lost, duplicated or out-of-order event and every reconnect-storm visitor resumed. Speed
 * never fails it.
 */
import { expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = new URL('../..', import.meta.url).pathname

interface Delivery {
  lost: number
  duplicated: number
  outOfOrder: number
  storedTwice?: number
}

interface ShortReport {
  failures: string[]
  chat: { delivery: Delivery & { unwatched: number }; messagesPerSecond: number }
  throughput: { delivery: Delivery & { unwatched: number } }
  storm: { visitors: number; resumed: number; failedResumes: number; delivery: Delivery }
  parleyFanout: { delivery: Delivery }
  ceiling: { rowsPerSecond: number }
  throughputToCeiling: number
}

const clean = (d: Delivery) => ({
  lost: d.lost,
  duplicated: d.duplicated,
  outOfOrder: d.outOfOrder,
  storedTwice: d.storedTwice ?? 0,
})
const none = { lost: 0, duplicated: 0, outOfOrder: 0, storedTwice: 0 }

test('bench - the short run loses, duplicates and reorders nothing, and every visitor resumes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-test-'))
  const out = join(dir, 'report.json')
  try {
    const proc = Bun.spawn([process.execPath, 'bench/run.ts', '--short', '--json', out], {
      cwd: root,
      stdout: 'pipe',
      stderr: 'pipe',
    })
    const killer = setTimeout(() => proc.kill('SIGINT'), 85_000)
    const [stdout, stderr, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ])
    clearTimeout(killer)
    if (code !== 0) console.log(stdout, stderr)
    expect(code).toBe(0)
    const report = JSON.parse(readFileSync(out, 'utf8')) as ShortReport
    expect(report.failures).toEqual([])
    expect(clean(report.chat.delivery)).toEqual(none)
    expect(report.chat.delivery.unwatched).toBe(0)
    expect(report.chat.messagesPerSecond).toBeGreaterThan(0)
    expect(clean(report.throughput.delivery)).toEqual(none)
    expect(clean(report.storm.delivery)).toEqual(none)
    expect(report.storm.resumed).toBe(report.storm.visitors)
    expect(report.storm.failedResumes).toBe(0)
    expect(clean(report.parleyFanout.delivery)).toEqual(none)
    // The raw storage ceiling and the throughput against it: present and positive, any speed.
    expect(report.ceiling.rowsPerSecond).toBeGreaterThan(0)
    expect(Number.isFinite(report.ceiling.rowsPerSecond)).toBe(true)
    expect(report.throughputToCeiling).toBeGreaterThan(0)
    expect(Number.isFinite(report.throughputToCeiling)).toBe(true)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}, 90_000)
