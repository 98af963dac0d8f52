/**
 * The flow control under every replay (issue 11, item 3): a connection tells a replay when
 * its client has read enough to go on, and when the client stopped reading altogether. A fake
 * transport whose queue the test drains by hand; catchup-transports.test.ts drives the real
 * ones.
 */
import { describe, expect, test } from 'bun:test'
import type { WriteWait } from '../../server/realtime/connection.ts'
import { MemoryConnection } from '../helpers/memory-connection.ts'

const MAX = 1000

/** A transport whose queued bytes only go down when the test says the client read them. */
const fakeTransport = () => new MemoryConnection({ maxQueued: MAX, queueWrites: true })

describe('catch-up flow control', () => {
  test('catch-up flow - a writer may write below half the limit, then waits until the client read down to a quarter', async () => {
    const conn = fakeTransport()
    conn.queued = 499
    expect(conn.canWriteMore).toBe(true)
    conn.queued = 500
    expect(conn.canWriteMore).toBe(false)
    const outcomes: WriteWait[] = []
    void conn.whenWritable(10_000).then((how) => outcomes.push(how))
    conn.read(200)
    await Bun.sleep(0)
    expect(outcomes).toEqual([])
    conn.read(50)
    await Bun.sleep(0)
    expect(outcomes).toEqual(['writable'])
  })

  test('catch-up flow - a paced frame past the limit does not cut; a dropped one would', () => {
    const conn = fakeTransport()
    conn.sendPaced({ type: 'pong', req: 1 })
    conn.queued = 5 * MAX
    conn.sendPaced({ type: 'pong', req: 2 })
    expect(conn.closed).toBe(false)
    conn.send({ type: 'pong', req: 3 })
    expect(conn.cutForSlowness).toBe(true)
  })

  test('catch-up flow - a client that reads nothing for the stall time ends the wait as stalled', async () => {
    const conn = fakeTransport()
    conn.queued = 900
    expect(await conn.whenWritable(50)).toBe('stalled')
  })

  test('catch-up flow - a client that reads slowly is never stalled', async () => {
    const conn = fakeTransport()
    conn.queued = 900
    // Each stall window of 200 ms sees several reads, though none reaches a quarter alone.
    const wait = conn.whenWritable(200)
    const reader = setInterval(() => conn.read(50), 20)
    try {
      expect(await wait).toBe('writable')
    } finally {
      clearInterval(reader)
    }
  })

  test('catch-up flow - a close or an abort ends the wait at once', async () => {
    const closing = fakeTransport()
    closing.queued = 900
    const closed = closing.whenWritable(10_000)
    closing.terminate()
    expect(await closed).toBe('closed')

    const replaced = new AbortController()
    const conn = fakeTransport()
    conn.queued = 900
    const aborted = conn.whenWritable(10_000, replaced.signal)
    replaced.abort()
    expect(await aborted).toBe('aborted')
  })
})
