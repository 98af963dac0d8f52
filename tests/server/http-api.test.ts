/**
 * The HTTP API's read side as a client sees it: history paging by seq and the inbox list.
 * Sends, error statuses and ops endpoints are in http-errors.test.ts.
 */
import { describe, expect, test } from 'bun:test'
import { httpSend as send, httpStart as start } from '../helpers/http.ts'
import { useServers } from '../helpers/lifecycle.ts'
import type { TestServer } from '../helpers/server.ts'
import type { Frame } from '../helpers/ws.ts'

const { server } = useServers()

describe('history (C2)', () => {
  test('http - history pages by seq: newest first page, before pages up, after pages forward, no gap or duplicate', async () => {
    const s = await server()
    const op = await s.operator()
    const { id, token } = await start(s, undefined, 'm0')
    // 25 messages, with read receipts in between so message seqs are not contiguous.
    for (let i = 1; i < 25; i++) {
      await send(s, i % 6 === 0 ? token : op.token, id, `m${i}`)
      if (i % 5 === 0)
        await s.http(`/api/conversations/${id}/read`, { token: op.token, body: { seq: 1000 } })
    }
    const all = await s.http(`/api/conversations/${id}/messages?limit=100`, { token })
    expect(all.body.hasMore).toBe(false)
    const texts = (all.body.messages as Frame[]).map((m) => m.text)
    expect(texts).toEqual(Array.from({ length: 25 }, (_, i) => `m${i}`))
    const seqs = (all.body.messages as Frame[]).map((m) => m.seq as number)
    expect(seqs.at(-1)! - seqs[0]!).toBeGreaterThan(24)

    const page = async (query: string) => {
      const res = await s.http(`/api/conversations/${id}/messages?${query}`, { token: op.token })
      expect(res.status).toBe(200)
      return {
        seqs: (res.body.messages as Frame[]).map((m) => m.seq as number),
        hasMore: res.body.hasMore as boolean,
      }
    }
    const newest = await page('limit=10')
    expect(newest).toEqual({ seqs: seqs.slice(-10), hasMore: true })
    const up: number[][] = [newest.seqs]
    for (let more = true, i = 0; more && i < 10; i++) {
      const next = await page(`limit=10&before=${up[0]![0]}`)
      up.unshift(next.seqs)
      more = next.hasMore
    }
    expect(up.map((p) => p.length)).toEqual([5, 10, 10])
    expect(up.flat()).toEqual(seqs)

    const forward: Array<{ seqs: number[]; hasMore: boolean }> = []
    for (let after = 0, i = 0; i < 10; i++) {
      const next = await page(`limit=10&after=${after}`)
      forward.push(next)
      if (!next.hasMore) break
      after = next.seqs.at(-1)!
    }
    expect(forward.map((p) => [p.seqs.length, p.hasMore])).toEqual([
      [10, true],
      [10, true],
      [5, false],
    ])
    expect(forward.flatMap((p) => p.seqs)).toEqual(seqs)
    expect(await page(`after=${seqs.at(-1)}`)).toEqual({ seqs: [], hasMore: false })
    expect(await page(`before=${seqs[0]}`)).toEqual({ seqs: [], hasMore: false })
    expect((await s.http(`/api/conversations/${id}/messages?before=-1`, { token })).status).toBe(
      422,
    )
  })
})

describe('inbox list (O1, O2)', () => {
  const list = async (s: TestServer, token: string, query = '') => {
    const res = await s.http(`/api/inbox${query}`, { token })
    expect(res.status).toBe(200)
    return res.body as { items: Frame[]; nextCursor: string | null }
  }

  test('http - the inbox lists open before resolved before closed, and unanswered follows the last message', async () => {
    const s = await server()
    const op = await s.operator()
    const a = await start(s, undefined, 'question a')
    const b = await start(s, undefined, 'question b')
    const c = await start(s, undefined, 'question c')
    await s.http(`/api/conversations/${a.id}/status`, {
      token: op.token,
      body: { status: 'closed' },
    })
    await s.http(`/api/conversations/${b.id}/status`, {
      token: op.token,
      body: { status: 'resolved' },
    })
    // The closed one gets the newest activity; order is still by status first.
    await send(s, op.token, a.id, 'late-note')
    const order = (await list(s, op.token)).items.map((i) => [i.id, i.status])
    expect(order).toEqual([
      [c.id, 'open'],
      [b.id, 'resolved'],
      [a.id, 'closed'],
    ])
    expect((await list(s, op.token, '?status=resolved')).items.map((i) => i.id)).toEqual([b.id])

    const unanswered = async () =>
      (await list(s, op.token, '?unanswered=true')).items.map((i) => i.id).sort()
    expect(await unanswered()).toEqual([b.id, c.id].sort())
    await send(s, op.token, c.id, 'answer-c')
    expect(await unanswered()).toEqual([b.id])
    await send(s, c.token, c.id, 'follow-up')
    expect(await unanswered()).toEqual([b.id, c.id].sort())
    const item = (await list(s, op.token)).items.find((i) => i.id === c.id)
    expect(item?.hasUnansweredIncoming).toBe(true)
  })

  test('http - cursor paging over 25 conversations with limit 10 returns each exactly once, in order', async () => {
    const s = await server()
    const op = await s.operator()
    const ids: string[] = []
    for (let v = 0; v < 5; v++) {
      const { token } = await s.visitorToken()
      for (let i = 0; i < 5; i++) ids.push((await start(s, token)).id)
    }
    // Mixed statuses, so pages cross status boundaries.
    for (const id of ids.slice(0, 7))
      await s.http(`/api/conversations/${id}/status`, {
        token: op.token,
        body: { status: 'resolved' },
      })
    for (const id of ids.slice(7, 9))
      await s.http(`/api/conversations/${id}/status`, {
        token: op.token,
        body: { status: 'closed' },
      })
    const whole = (await list(s, op.token, '?limit=100')).items.map((i) => i.id)
    expect([...whole].sort()).toEqual([...ids].sort())

    const pages: string[][] = []
    let cursor: string | null = null
    for (let i = 0; i < 10; i++) {
      const page = await list(
        s,
        op.token,
        `?limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      )
      pages.push(page.items.map((c) => c.id))
      cursor = page.nextCursor
      if (!cursor) break
    }
    expect(pages.map((p) => p.length)).toEqual([10, 10, 5])
    expect(pages.flat()).toEqual(whole)
    const bad = await s.http('/api/inbox?cursor=not-a-cursor', { token: op.token })
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe('bad_request')
  })
})
