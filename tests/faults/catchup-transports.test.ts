/**
 * Long catch-ups (issue 11, item 3; T1, C2): a resume from seq 0 over several MB of history
 * completes in one `subscribe` on every transport for a client that reads slowly, because the
 * replay waits for the client instead of tripping the slow-consumer cut. A client that stops
 * reading live traffic is still cut. Real server, real sockets; one history for the whole file.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test'
import { RawWsClient } from '../helpers/raw-ws.ts'
import { metric, startTestServer, type TestServer } from '../helpers/server.ts'
import { createSession } from '../helpers/streams.ts'
import { TestClient, type Frame } from '../helpers/ws.ts'

/** Messages in the history; with 6 KB each, several times the default 1 MiB MAX_QUEUED_BYTES. */
const HISTORY = 1000
/** 3000 two-byte characters: 6000 bytes of UTF-8 per message. */
const TEXT = 'é'.repeat(3000)
/** A slow reader's pace, in bytes per millisecond (about 3 MB/s). */
const RATE = 3000
/** What protocol.md section 10.2 promises a poll returns at most (unless a single frame). */
const POLL_PAGE_BYTES = 256 * 1024

let s: TestServer
let visitorToken: string
let operatorToken: string
let conversationId: string
const cleanups: Array<() => void> = []

beforeAll(async () => {
  s = await startTestServer()
  visitorToken = (await s.visitorToken()).token
  operatorToken = (await s.operator()).token
  const starter = await TestClient.connect(s.wsUrl, { token: visitorToken })
  conversationId = (await starter.ok({ type: 'start', text: 'hello' })).conversation.id
  starter.close()
  await sendMessages(HISTORY)
}, 120_000)

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup()
})

afterAll(() => s.stop())

/** Operator messages of TEXT into the conversation, 50 at a time. */
async function sendMessages(count: number, prefix = 'h'): Promise<void> {
  const writer = await TestClient.connect(s.wsUrl, { token: operatorToken })
  for (let sent = 0; sent < count;) {
    await Promise.all(
      Array.from({ length: Math.min(50, count - sent) }, () =>
        writer.ok({ type: 'send', conversationId, clientMsgId: `${prefix}${sent++}`, text: TEXT }),
      ),
    )
  }
  writer.close()
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i)

const seqsOf = (frames: Frame[]) =>
  frames
    .filter((f) => f.type === 'event' && f.conversationId === conversationId && f.seq !== undefined)
    .map((f) => f.seq as number)

/** Every event 1..lastSeq once, in order, and all of them before the ack. */
function expectFullReplay(frames: Frame[], ack: Frame): void {
  expect(ack).toMatchObject({ type: 'ack' })
  expect(ack.data.lastSeq).toBeGreaterThan(HISTORY)
  expect(seqsOf(frames.slice(0, frames.indexOf(ack)))).toEqual(range(1, ack.data.lastSeq))
}

async function rawClient(): Promise<RawWsClient> {
  const c = await RawWsClient.connect(s.port)
  cleanups.push(() => c.end())
  expect(await c.request({ type: 'auth', token: visitorToken })).toMatchObject({ type: 'ack' })
  return c
}

/** Reads in bursts: resume until frames arrive, pause, sleep as long as RATE allows them. */
async function readSlowly(c: RawWsClient, match: (f: Frame) => boolean): Promise<Frame> {
  const deadline = Date.now() + 60_000
  let seen = c.frames.length
  for (;;) {
    const found = c.frames.find(match)
    if (found) return found
    if (c.closed || Date.now() > deadline)
      throw new Error(`${c.closed ? 'cut' : 'timed out'} after ${seqsOf(c.frames).length} events`)
    c.resume()
    await c.waitFor(() => c.frames.length > seen, deadline - Date.now()).catch(() => undefined)
    c.pause()
    const bytes = c.frames.slice(seen).reduce((n, f) => n + Buffer.byteLength(JSON.stringify(f)), 0)
    seen = c.frames.length
    await Bun.sleep(bytes / RATE)
  }
}

/** Resolves once the server holds bytes for the newest visitor socket that it cannot send yet. */
async function backedUp(): Promise<void> {
  const deadline = Date.now() + 10_000
  for (;;) {
    const conn = [...s.gateway.connections]
      .filter((c) => c.transport === 'ws' && c.principal?.kind === 'visitor')
      .at(-1)
    if (!conn || conn.closed || conn.queuedBytes() > 0) return
    if (Date.now() > deadline) throw new Error('the server never had to queue')
    await Bun.sleep(10)
  }
}

describe('catch-up over a WebSocket', () => {
  test('catch-up - a WebSocket reading at about 3 MB/s gets every event once, in order, then the ack', async () => {
    const c = await rawClient()
    const req = c.send({ type: 'subscribe', conversationId, afterSeq: 0 })
    const ack = await readSlowly(c, (f) => f.req === req)
    expectFullReplay(c.frames, ack)
    expect(c.closed).toBe(false)
  }, 90_000)

  test('catch-up - a subscribe replaced while its replay waits for the client gets conflict; the newer one replays everything', async () => {
    const c = await rawClient()
    c.pause()
    const first = c.send({ type: 'subscribe', conversationId, afterSeq: 0 })
    await backedUp()
    const second = c.send({ type: 'subscribe', conversationId, afterSeq: 0 })
    const ack = await readSlowly(c, (f) => f.req === second)
    expect(c.frames.find((f) => f.req === first)).toMatchObject({ type: 'error', code: 'conflict' })
    // What the first replay had sent before it was replaced (1..k), then the second's full one.
    const seqs = seqsOf(c.frames.slice(0, c.frames.indexOf(ack)))
    const restart = seqs.findIndex((seq, i) => i > 0 && seq <= (seqs[i - 1] as number))
    expect(restart).toBeGreaterThan(0)
    expect(seqs.slice(0, restart)).toEqual(range(1, restart))
    expect(seqs.slice(restart)).toEqual(range(1, ack.data.lastSeq))
    expect(ack).toMatchObject({ type: 'ack' })
  }, 90_000)

  test('catch-up - a client that caught up and then stops reading live traffic is cut as a slow consumer', async () => {
    const slowConsumers = 'parley_slow_consumers_total{transport="ws"}'
    const before = await metric(s, slowConsumers)
    const c = await rawClient()
    const req = c.send({ type: 'subscribe', conversationId, afterSeq: 0 })
    expect(await readSlowly(c, (f) => f.req === req)).toMatchObject({ type: 'ack' })
    c.pause()
    // Cut once it has read nothing for BEHIND_STALL_MS past the mark, or has four times the
    // mark queued: bounded by time, not by rounds (a fast machine sent 40 rounds in under 3 s,
    // the kernel's socket buffers holding much of them).
    const deadline = Date.now() + 30_000
    for (let round = 0; (await metric(s, slowConsumers)) === before; round++) {
      if (round >= 400 || Date.now() > deadline) throw new Error(`not cut after ${round} rounds`)
      await sendMessages(50, `live${round}-`)
    }
    c.resume()
    await c.waitClosed()
    expect(await metric(s, slowConsumers)).toBe(before + 1)
  }, 90_000)
})

describe('catch-up over SSE', () => {
  test('catch-up - an SSE stream read at about 3 MB/s gets every event once, in order, then the ack', async () => {
    const sessionId = await createSession(s, 'sse', visitorToken)
    const abort = new AbortController()
    cleanups.push(() => abort.abort())
    const res = await fetch(`${s.url}/rt/sessions/${sessionId}/events`, {
      headers: { authorization: `Bearer ${visitorToken}` },
      signal: abort.signal,
    })
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    const posted = await s.http(`/rt/sessions/${sessionId}/frames`, {
      token: visitorToken,
      body: { type: 'subscribe', req: 's1', conversationId, afterSeq: 0 },
    })
    expect(posted.status).toBe(202)

    const frames: Frame[] = []
    const decoder = new TextDecoder()
    const deadline = Date.now() + 60_000
    let text = ''
    while (!frames.some((f) => f.req === 's1')) {
      if (Date.now() > deadline) throw new Error(`timed out after ${seqsOf(frames).length} events`)
      const { value, done } = await reader.read()
      if (done) throw new Error(`stream ended after ${seqsOf(frames).length} events`)
      text += decoder.decode(value, { stream: true })
      const blocks = text.split('\n\n')
      text = blocks.pop() as string
      for (const block of blocks)
        if (block.startsWith('data: ')) frames.push(JSON.parse(block.slice(6)) as Frame)
      await Bun.sleep(value.byteLength / RATE)
    }
    expectFullReplay(frames, frames.find((f) => f.req === 's1') as Frame)
  }, 90_000)
})

describe('catch-up over long-poll', () => {
  test('catch-up - long-poll returns the replay in bounded pages; the session lives to the ack', async () => {
    const sessionId = await createSession(s, 'poll', visitorToken)
    const posted = await s.http(`/rt/sessions/${sessionId}/frames`, {
      token: visitorToken,
      body: { type: 'subscribe', req: 'p1', conversationId, afterSeq: 0 },
    })
    expect(posted.status).toBe(202)

    const frames: Frame[] = []
    let polls = 0
    const deadline = Date.now() + 60_000
    while (!frames.some((f) => f.req === 'p1')) {
      if (Date.now() > deadline) throw new Error(`timed out after ${seqsOf(frames).length} events`)
      const res = await fetch(`${s.url}/rt/sessions/${sessionId}/poll`, {
        headers: { authorization: `Bearer ${visitorToken}` },
      })
      const body = await res.text()
      if (res.status !== 200)
        throw new Error(`poll ${polls + 1} got ${res.status} after ${seqsOf(frames).length} events`)
      const page = JSON.parse(body) as Frame[]
      // Brackets and commas aside, the frames fit in a page, or it is one frame alone.
      if (page.length > 1)
        expect(Buffer.byteLength(body) - page.length - 1).toBeLessThanOrEqual(POLL_PAGE_BYTES)
      frames.push(...page)
      polls++
    }
    expectFullReplay(frames, frames.find((f) => f.req === 'p1') as Frame)
    await s.http(`/rt/sessions/${sessionId}`, { method: 'DELETE', token: visitorToken })
  }, 90_000)
})
