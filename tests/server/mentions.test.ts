/**
 * The Mentions view (issue 20) through the real server, on SQLite or Postgres: the notes that
 * mention an operator, newest first, in keyset pages without a gap or a repeat; a retried note
 * is listed once; a note that does not mention them, or one in an inbox they no longer see, is
 * not listed; a bad cursor is a typed error.
 */
import { describe, expect, test } from 'bun:test'
import { httpStart } from '../helpers/http.ts'
import { useServers } from '../helpers/lifecycle.ts'
import type { TestServer } from '../helpers/server.ts'

const u = useServers()

async function ok(res: Promise<{ status: number; body: any }>, status = 200) {
  const r = await res
  if (r.status !== status) throw new Error(`${r.status} ${JSON.stringify(r.body)}`)
  return r.body
}

function note(
  s: TestServer,
  token: string,
  id: string,
  clientMsgId: string,
  text: string,
  mentions: string[],
) {
  return s.http(`/api/conversations/${id}/notes`, { token, body: { clientMsgId, text, mentions } })
}

describe('mentions view (issue 20)', () => {
  test('mentions - newest first in pages, once each, only in inboxes the operator sees', async () => {
    const s = await u.server()
    const inboxId = await s.defaultInboxId()
    const admin = await s.adminToken()
    const other = (
      await ok(s.http('/api/admin/inboxes', { token: admin, body: { name: 'B' } }), 201)
    ).id as string
    const a = await s.operator({ inboxIds: [inboxId, other] })
    const b = await s.operator({ inboxIds: [inboxId, other] })
    const first = await httpStart(s, (await s.visitorToken(inboxId)).token, 'one')
    const second = await httpStart(s, (await s.visitorToken(inboxId)).token, 'two')
    const third = await httpStart(s, (await s.visitorToken(other)).token, 'three')
    const written: Array<{ id: string; text: string }> = []
    for (const [i, c] of [first, second, first, third, second].entries()) {
      const text = `@b please look at this (${i}) ${'x'.repeat(200)}`
      await ok(note(s, a.token, c.id, `n${i}`, text, [b.id]), 201)
      written.push({ id: c.id, text })
    }
    // A retry of the last note (same client id): listed once.
    await ok(note(s, a.token, second.id, 'n4', written[4]?.text ?? '', [b.id]))
    // One that mentions someone else.
    await ok(note(s, a.token, first.id, 'other', 'for a only', [a.id]), 201)

    const pages = []
    let cursor: string | null = null
    for (let i = 0; i < 10; i++) {
      const q: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2'
      const body = await ok(s.http(`/api/me/mentions${q}`, b))
      pages.push(...body.items)
      cursor = body.nextCursor
      if (cursor === null) break
    }
    // Every note once, newest first (notes of one millisecond in a fixed order of their own).
    expect(pages.map((m) => m.conversationId).sort()).toEqual(written.map((w) => w.id).sort())
    for (let i = 1; i < pages.length; i++) expect(pages[i].at).toBeLessThanOrEqual(pages[i - 1].at)
    const excerpts = pages.map((m) => m.excerpt).sort()
    expect(excerpts).toEqual(written.map((w) => w.text.slice(0, 140)).sort())
    for (const m of pages) expect(m.by).toEqual({ kind: 'operator', id: a.id })
    expect(new Set(pages.map((m) => `${m.conversationId}.${m.seq}`)).size).toBe(5)
    expect((await ok(s.http('/api/me/mentions', a))).items).toEqual([])

    // b leaves inbox B: its note is not listed any more.
    const put = await s.http(`/api/admin/inboxes/${other}/members`, {
      method: 'PUT',
      token: admin,
      body: { operatorIds: [a.id] },
    })
    expect(put.status).toBe(200)
    const scoped = await ok(s.http('/api/me/mentions', b))
    expect(scoped.items.map((m: { conversationId: string }) => m.conversationId)).not.toContain(
      third.id,
    )
    expect(scoped.items).toHaveLength(4)
    const bad = await s.http('/api/me/mentions?cursor=nonsense', b)
    expect(bad.body.error.code).toBe('bad_request')
    const visitor = await s.http('/api/me/mentions', { token: first.token })
    expect(visitor.status).toBe(403)
  })
})
