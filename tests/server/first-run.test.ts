/**
 * First run (issue 16): a server started with no admin and no ADMIN_EMAIL logs a setup link;
 * the code in it creates the first admin once (signed in, member of every inbox), and is void
 * as soon as an admin exists. Wrong codes and bad input change nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Logger } from '../../actors/index.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'

/** A logger that keeps every line, for the setup link. */
function recordingLogger(lines: Array<{ msg: string; fields?: Record<string, unknown> }>): Logger {
  const log: Logger = {
    debug: () => undefined,
    info: (msg, fields) => void lines.push({ msg, fields }),
    warn: (msg, fields) => void lines.push({ msg, fields }),
    error: (msg, fields) => void lines.push({ msg, fields }),
    child: () => log,
  }
  return log
}

const lines: Array<{ msg: string; fields?: Record<string, unknown> }> = []
let s: TestServer
let code: string

beforeAll(async () => {
  s = await startTestServer({
    env: { ADMIN_EMAIL: '', ADMIN_PASSWORD: '' },
    log: recordingLogger(lines),
  })
  const line = lines.find((l) => l.msg.startsWith('no admin yet'))
  const url = new URL(String(line?.fields?.url))
  expect(url.pathname).toBe('/panel/')
  code = new URLSearchParams(url.hash.slice(1)).get('setup') ?? ''
  expect(code.length).toBeGreaterThanOrEqual(40)
})

afterAll(() => s.stop())

const admin = { email: 'First@Example.com', name: 'Ada Admin', password: 'first-admin-password' }

describe('first run (issue 16)', () => {
  test('setup - pending with no admin; a wrong code, a short password or a bad email change nothing', async () => {
    expect((await s.http('/api/setup')).body).toEqual({ pending: true })
    const wrong = await s.http('/api/setup', { body: { ...admin, code: 'x'.repeat(43) } })
    expect([wrong.status, wrong.body.error.code]).toEqual([403, 'forbidden'])
    expect(wrong.body.error.message).toStartWith('code: ')
    const short = await s.http('/api/setup', { body: { ...admin, code, password: 'short' } })
    expect([short.status, short.body.error.code]).toEqual([422, 'validation_failed'])
    expect(short.body.error.message).toContain('password')
    const email = await s.http('/api/setup', { body: { ...admin, code, email: 'nope' } })
    expect([email.status, email.body.error.code]).toEqual([422, 'validation_failed'])
    const extra = await s.http('/api/setup', { body: { ...admin, code, role: 'operator' } })
    expect(extra.status).toBe(422)
    expect((await s.http('/api/setup')).body).toEqual({ pending: true })
  })

  test('setup - the logged code creates the first admin once: signed in, in every inbox; then it is void', async () => {
    const created = await s.http('/api/setup', { body: { ...admin, code } })
    expect(created.status).toBe(201)
    expect(created.body.operator).toMatchObject({
      email: 'first@example.com',
      name: 'Ada Admin',
      role: 'admin',
      canChat: true,
      active: true,
    })
    const token = created.body.token as string
    const me = await s.http('/api/auth/me', { token })
    expect(me.body.operator.role).toBe('admin')
    const inboxes = await s.http('/api/admin/inboxes', { token })
    expect(inboxes.status).toBe(200)
    for (const inbox of inboxes.body.inboxes as Array<{ id: string }>) {
      const members = await s.http(`/api/admin/inboxes/${inbox.id}/members`, { token })
      expect(members.body.operatorIds).toContain(created.body.operator.id)
    }
    // The password works for a normal sign-in too.
    const login = await s.http('/api/auth/login', {
      body: { email: admin.email, password: admin.password },
    })
    expect(login.status).toBe(200)

    expect((await s.http('/api/setup')).body).toEqual({ pending: false })
    const again = await s.http('/api/setup', {
      body: { ...admin, email: 'second@example.com', code },
    })
    expect([again.status, again.body.error.code]).toEqual([409, 'conflict'])
    const list = await s.http('/api/admin/operators', { token })
    expect(list.body.operators.filter((o: { role: string }) => o.role === 'admin')).toHaveLength(1)
  })
})
