/**
 * The audit trail (issue 18, S6) through the real server, SQLite or Postgres (PARLEY_TEST_DB):
 * each sensitive action leaves exactly one entry with its actor, target and address; a refused
 * action leaves none (a failed login is the action and does); admins alone read it, newest
 * first, filtered and paged, or as CSV; no route changes it; no entry holds a password.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { newId } from '../../actors/index.ts'
import { ADMIN, startTestServer, type TestServer } from '../helpers/server.ts'
import { TestClient } from '../helpers/ws.ts'

let s: TestServer
let admin = ''
let adminId = ''
beforeAll(async () => {
  s = await startTestServer()
  admin = await s.adminToken()
  adminId = (await s.http('/api/auth/me', { token: admin })).body.operator.id
})
afterAll(() => s.stop())

interface Entry {
  id: string
  at: number
  actorKind: string
  actorId: string | null
  action: string
  targetKind: string | null
  targetId: string | null
  address: string | null
  details: Record<string, unknown> | null
}

async function entries(query = ''): Promise<Entry[]> {
  const res = await s.http(`/api/admin/audit?limit=200${query}`, { token: admin })
  expect(res.status).toBe(200)
  return res.body.entries
}

/** Runs `act`, then returns the entries it added (newest first). */
async function added(act: () => Promise<unknown>): Promise<Entry[]> {
  const before = new Set((await entries()).map((e) => e.id))
  await act()
  return (await entries()).filter((e) => !before.has(e.id))
}

const ok = async (res: Promise<{ status: number; body: any }>, status = 200) => {
  const r = await res
  if (r.status !== status) throw new Error(`${r.status} ${JSON.stringify(r.body)}`)
  return r.body
}

describe('audit trail', () => {
  test('audit - each sensitive action leaves one entry naming who, what and from where', async () => {
    const inboxId = await s.defaultInboxId()
    const password = 'first-password-1'
    let operatorId = ''
    const created = await added(async () => {
      const body = await ok(
        s.http('/api/admin/operators', {
          token: admin,
          body: {
            email: 'Audited@Example.com',
            name: 'Audited One',
            password,
            inboxIds: [inboxId],
          },
        }),
        201,
      )
      operatorId = body.id
    })
    expect(created).toHaveLength(1)
    expect(created[0]).toMatchObject({
      actorKind: 'operator',
      actorId: adminId,
      action: 'operator.created',
      targetKind: 'operator',
      targetId: operatorId,
      details: { email: 'audited@example.com', role: 'operator', canChat: true },
    })
    expect(created[0]?.address).toBeTruthy()

    const login = () =>
      s.http('/api/auth/login', { body: { email: 'audited@example.com', password } })
    const [loggedIn] = await added(() => ok(login()))
    expect(loggedIn).toMatchObject({
      action: 'auth.login',
      actorId: operatorId,
      targetId: operatorId,
    })
    const failed = await added(async () => {
      const res = await s.http('/api/auth/login', {
        body: { email: 'AUDITED@example.com', password: 'not-the-password' },
      })
      expect(res.status).toBe(401)
    })
    expect(failed).toHaveLength(1)
    expect(failed[0]).toMatchObject({
      actorKind: 'anonymous',
      actorId: null,
      action: 'auth.login_failed',
      details: { email: 'audited@example.com' },
    })

    const [promoted] = await added(() =>
      ok(
        s.http(`/api/admin/operators/${operatorId}`, {
          method: 'PATCH',
          token: admin,
          body: { role: 'supervisor', password: 'second-password-2' },
        }),
      ),
    )
    expect(promoted).toMatchObject({
      action: 'operator.updated',
      targetId: operatorId,
      details: { role: { from: 'operator', to: 'supervisor' }, password: 'reset' },
    })

    const inbox = await added(async () => {
      const body = await ok(
        s.http('/api/admin/inboxes', { token: admin, body: { name: 'Audited inbox' } }),
        201,
      )
      await ok(
        s.http(`/api/admin/inboxes/${body.id}`, {
          method: 'PATCH',
          token: admin,
          body: { name: 'Audited inbox 2', settings: { escalationMinutes: 7 } },
        }),
      )
      await ok(s.http(`/api/admin/inboxes/${body.id}/identity-secret`, { token: admin }))
      await ok(
        s.http(`/api/admin/inboxes/${body.id}/rotate-identity-secret`, {
          method: 'POST',
          token: admin,
        }),
      )
      await ok(
        s.http(`/api/admin/inboxes/${body.id}/members`, {
          method: 'PUT',
          token: admin,
          body: { operatorIds: [operatorId] },
        }),
      )
    })
    expect(inbox.map((e) => e.action).reverse()).toEqual([
      'inbox.created',
      'inbox.updated',
      'inbox.identity_secret_revealed',
      'inbox.identity_secret_rotated',
      'inbox.members_changed',
    ])
    expect(inbox.find((e) => e.action === 'inbox.updated')?.details).toEqual({
      name: { from: 'Audited inbox', to: 'Audited inbox 2' },
      settings: { escalationMinutes: 7 },
    })
    expect(inbox.find((e) => e.action === 'inbox.members_changed')?.details).toEqual({
      added: [operatorId],
      removed: [],
    })

    // The conversation side: assignment, transfer, release, an operator's edit and delete, an
    // invisible view. A visitor's own edit is not on record.
    const colleague = await s.operator({ inboxIds: [inboxId] })
    // A transfer goes to a colleague who is signed in.
    const desk = await TestClient.connect(s.wsUrl, { token: colleague.token })
    await desk.ok({ type: 'feed_subscribe' })
    const { token: visitor } = await s.visitorToken(inboxId)
    const started = await ok(
      s.http('/api/visitor/conversations', { token: visitor, body: { text: 'hello' } }),
      201,
    )
    const id = started.conversation.id as string
    const chat = await added(async () => {
      await ok(
        s.http(`/api/conversations/${id}/assign`, { token: admin, body: { operatorId: adminId } }),
      )
      const sent = await ok(
        s.http(`/api/conversations/${id}/messages`, {
          token: admin,
          body: { clientMsgId: 'audit-1', text: 'typo herr' },
        }),
        201,
      )
      await ok(
        s.http(`/api/conversations/${id}/messages/${sent.messageId}`, {
          method: 'PATCH',
          token: admin,
          body: { text: 'typo here' },
        }),
      )
      await ok(
        s.http(`/api/conversations/${id}/messages/${sent.messageId}`, {
          method: 'DELETE',
          token: admin,
        }),
      )
      await ok(
        s.http(`/api/conversations/${id}/transfer`, {
          token: admin,
          body: { to: { operatorId: colleague.id }, note: 'private words' },
        }),
      )
      await ok(s.http(`/api/conversations/${id}?watch=invisible`, { token: admin }))
      await ok(
        s.http(`/api/conversations/${id}/assign`, { token: admin, body: { operatorId: null } }),
      )
    })
    expect(chat.map((e) => e.action).reverse()).toEqual([
      'conversation.assigned',
      'message.edited',
      'message.deleted',
      'conversation.transferred',
      'conversation.viewed_invisibly',
      'conversation.released',
    ])
    for (const e of chat) expect(e.actorId).toBe(adminId)
    expect(chat.find((e) => e.action === 'conversation.transferred')?.details).toEqual({
      operatorId: colleague.id,
    })

    // The operator's own account.
    const session = (await ok(
      login().then(() =>
        s.http('/api/auth/login', {
          body: { email: 'audited@example.com', password: 'second-password-2' },
        }),
      ),
    )) as { token: string }
    const own = await added(async () => {
      await ok(
        s.http('/api/auth/password', {
          token: session.token,
          body: { currentPassword: 'second-password-2', newPassword: 'third-password-3' },
        }),
      )
      const again = await ok(
        s.http('/api/auth/login', {
          body: { email: 'audited@example.com', password: 'third-password-3' },
        }),
      )
      await ok(s.http('/api/auth/logout-all', { token: again.token, body: {} }))
    })
    expect(own.map((e) => e.action).reverse()).toEqual([
      'auth.password_changed',
      'auth.login',
      'auth.signed_out_everywhere',
    ])

    // No entry holds a password, a note's words or a token.
    const all = JSON.stringify(await entries())
    for (const secret of [
      password,
      'second-password-2',
      'third-password-3',
      'private words',
      session.token,
    ]) {
      expect({ secret, found: all.includes(secret) }).toEqual({ secret, found: false })
    }
  })

  test('audit - a refused action leaves no entry; only admins read the trail; nothing changes it', async () => {
    const supervisor = await s.operator({ role: 'supervisor' })
    const none = await added(async () => {
      const res = await s.http('/api/admin/operators', {
        token: supervisor.token,
        body: { email: 'nope@example.com', name: 'Nope', password: 'nope-password-1' },
      })
      expect(res.status).toBe(403)
      const bad = await s.http('/api/admin/operators', {
        token: admin,
        body: { email: 'not an email', name: 'Bad', password: 'short' },
      })
      expect(bad.status).toBe(422)
    })
    expect(none).toEqual([])
    expect((await s.http('/api/admin/audit', { token: supervisor.token })).status).toBe(403)
    const { token: visitor } = await s.visitorToken()
    expect((await s.http('/api/admin/audit', { token: visitor })).status).toBe(403)
    expect((await s.http('/api/admin/audit')).status).toBe(401)
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const res = await s.http('/api/admin/audit', { method, token: admin, body: {} })
      expect({ method, status: res.status }).toEqual({ method, status: 404 })
    }
    for (const query of [
      'action=DROP TABLE',
      'limit=0',
      'limit=201',
      'from=-1',
      'format=xml',
      'color=red',
    ]) {
      const res = await s.http(`/api/admin/audit?${query}`, { token: admin })
      expect({ query, status: res.status }).toEqual({ query, status: 422 })
    }
  })

  test('audit - filtered by action and actor, paged newest first, exported as CSV', async () => {
    for (let i = 0; i < 5; i++) {
      await s.http('/api/auth/login', { body: { email: ADMIN.email, password: 'wrong-password' } })
    }
    const failed = await entries('&action=auth.login_failed')
    expect(failed.length).toBeGreaterThanOrEqual(5)
    expect(failed.every((e) => e.action === 'auth.login_failed')).toBe(true)
    const mine = await entries(`&actor=${adminId}`)
    expect(mine.length).toBeGreaterThan(0)
    expect(mine.every((e) => e.actorId === adminId)).toBe(true)

    // Pages of two, newest first, no entry twice, ending with next null.
    const seen: string[] = []
    let next: string | null = null
    for (let page = 0; page < 100; page++) {
      const res = await s.http(
        `/api/admin/audit?action=auth.login_failed&limit=2${next ? `&before=${next}` : ''}`,
        { token: admin },
      )
      expect(res.status).toBe(200)
      seen.push(...res.body.entries.map((e: Entry) => e.id))
      next = res.body.next
      if (!next) break
    }
    expect(seen).toEqual(failed.map((e) => e.id))

    const csv = await fetch(`${s.url}/api/admin/audit?format=csv&action=auth.login_failed`, {
      headers: { authorization: `Bearer ${admin}` },
    })
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-type')).toContain('text/csv')
    const lines = (await csv.text()).trim().split('\r\n')
    expect(lines[0]).toBe(
      'id,time,actor_kind,actor_id,action,target_kind,target_id,address,details',
    )
    expect(lines).toHaveLength(failed.length + 1)
    expect(lines[1]).toContain('auth.login_failed')
    // A spreadsheet never reads a cell as a formula.
    const formula = await s.http('/api/auth/login', {
      body: { email: '=HYPERLINK("http://evil.example")', password: 'x' },
    })
    expect(formula.status).toBe(401)
    const text = await (
      await fetch(`${s.url}/api/admin/audit?format=csv&action=auth.login_failed&limit=1`, {
        headers: { authorization: `Bearer ${admin}` },
      })
    ).text()
    expect(text).not.toMatch(/(^|,)=HYPERLINK/m)
    // Each export is on record: who, from where, which part of the trail.
    const exported = await entries('&action=audit.exported')
    expect(exported).toHaveLength(2)
    expect(exported[0]).toMatchObject({
      actorKind: 'operator',
      actorId: adminId,
      address: expect.any(String),
      details: { filter: { action: 'auth.login_failed' } },
    })
  })
})

describe('audit retention', () => {
  test('audit - the retention job removes entries older than AUDIT_RETENTION_DAYS in batches, and nothing newer; 0 keeps them for good', async () => {
    const DAY = 86_400_000
    const entry = (at: number, action: string) => ({
      id: newId(),
      at,
      actorKind: 'system' as const,
      actorId: null,
      action,
      targetKind: null,
      targetId: null,
      address: null,
      details: null,
    })
    /** Writes entries `days` old, 100 at a time (one commit each). */
    const seed = async (r: TestServer, days: number, action: string, n: number) => {
      const now = Date.now()
      for (let i = 0; i < n; i += 100) {
        await Promise.all(
          Array.from({ length: Math.min(100, n - i) }, (_, k) =>
            r.store.audit.append(entry(now - days * DAY - (i + k), action)),
          ),
        )
      }
    }
    const r = await startTestServer({
      env: { AUDIT_RETENTION_DAYS: '30', RETENTION_SWEEP_MS: '0' },
    })
    const count = async (server: TestServer, action: string) =>
      (await server.store.audit.list({ action, limit: 10_000 })).length
    try {
      // More than one batch (500) past the limit, a few just inside it.
      await seed(r, 31, 'test.old', 640)
      await seed(r, 29, 'test.recent', 3)
      await r.http('/api/auth/login', { body: { email: ADMIN.email, password: 'wrong-password' } })
      const report = await r.runRetention()
      expect(report.auditRemoved).toBe(640)
      expect(await count(r, 'test.old')).toBe(0)
      expect(await count(r, 'test.recent')).toBe(3)
      expect(await count(r, 'auth.login_failed')).toBe(1)
      expect((await r.runRetention()).auditRemoved).toBe(0)
    } finally {
      await r.stop()
    }
    const forGood = await startTestServer({
      env: { AUDIT_RETENTION_DAYS: '0', RETENTION_SWEEP_MS: '0' },
    })
    try {
      await seed(forGood, 1000, 'test.ancient', 2)
      expect((await forGood.runRetention()).auditRemoved).toBe(0)
      expect(await count(forGood, 'test.ancient')).toBe(2)
    } finally {
      await forGood.stop()
    }
  })
})
