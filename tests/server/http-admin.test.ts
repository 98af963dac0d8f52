/**
 * Admin routes (O6): operators and inboxes. The last active admin can never be lost, and
 * invalid settings are refused without changing anything.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { ADMIN, startTestServer, type TestServer } from '../helpers/server.ts'

let s: TestServer
let admin: string
let adminId: string

beforeAll(async () => {
  s = await startTestServer()
  admin = await s.adminToken()
  adminId = (await s.http('/api/auth/me', { token: admin })).body.operator.id
})

afterAll(async () => {
  await s.stop()
})

const patchOperator = (id: string, body: unknown, token = admin) =>
  s.http(`/api/admin/operators/${id}`, { method: 'PATCH', token, body })

describe('operators', () => {
  test('http - admin creates an operator (201) who can log in; a duplicate email is 409', async () => {
    const body = {
      email: 'Dana@Example.com',
      name: 'Dana',
      password: 'dana-password-1',
      role: 'supervisor',
      canChat: false,
    }
    const created = await s.http('/api/admin/operators', { token: admin, body })
    expect(created.status).toBe(201)
    expect(created.body).toEqual({
      id: expect.any(String),
      email: 'dana@example.com',
      name: 'Dana',
      displayName: null,
      avatarId: null,
      role: 'supervisor',
      status: 'online',
      locale: null,
      canChat: false,
      active: true,
      createdAt: expect.any(Number),
    })
    const login = await s.http('/api/auth/login', {
      body: { email: 'dana@example.com', password: 'dana-password-1' },
    })
    expect(login.status).toBe(200)
    expect(login.body.operator.id).toBe(created.body.id)
    const listed = (await s.http('/api/admin/operators', { token: admin })).body.operators
    expect(listed.filter((o: { email: string }) => o.email === 'dana@example.com')).toEqual([
      created.body,
    ])
    for (const email of ['dana@example.com', 'DANA@example.com']) {
      const dup = await s.http('/api/admin/operators', { token: admin, body: { ...body, email } })
      expect(dup.status).toBe(409)
      expect(dup.body.error.code).toBe('conflict')
    }
  })

  test('http - an invalid operator is refused with 422 and not created', async () => {
    const before = (await s.http('/api/admin/operators', { token: admin })).body.operators.length
    const base = { email: 'eve@example.com', name: 'Eve', password: 'eve-password-1' }
    const invalid = [
      { ...base, email: 'not-an-email' },
      { ...base, password: 'short' },
      { ...base, name: '   ' },
      { ...base, role: 'owner' },
      { ...base, canChat: 'yes' },
      { ...base, passwordHash: 'x' },
      { email: base.email, name: base.name },
    ]
    for (const body of invalid) {
      const res = await s.http('/api/admin/operators', { token: admin, body })
      expect({ body, status: res.status, code: res.body.error?.code }).toEqual({
        body,
        status: 422,
        code: 'validation_failed',
      })
    }
    expect((await s.http('/api/admin/operators', { token: admin })).body.operators.length).toBe(
      before,
    )
  })

  test('http - patching role, canChat and active takes effect for the operator at once', async () => {
    const op = await s.operator({ role: 'operator', canChat: true })
    const me = async () => s.http('/api/auth/me', { token: op.token })
    expect((await me()).body.operator).toMatchObject({ role: 'operator', canChat: true })

    const promoted = await patchOperator(op.id, { role: 'supervisor', canChat: false })
    expect(promoted.status).toBe(200)
    expect(promoted.body).toMatchObject({
      id: op.id,
      role: 'supervisor',
      canChat: false,
      active: true,
    })
    expect((await me()).body.operator).toMatchObject({ role: 'supervisor', canChat: false })
    expect((await s.http('/api/admin/operators', { token: op.token })).status).toBe(403)

    expect((await patchOperator(op.id, { role: 'admin' })).status).toBe(200)
    expect((await s.http('/api/admin/operators', { token: op.token })).status).toBe(200)
    expect((await patchOperator(op.id, { role: 'operator' })).status).toBe(200)

    const deactivated = await patchOperator(op.id, { active: false })
    expect(deactivated.body.active).toBe(false)
    expect((await me()).status).toBe(401)
    const login = await s.http('/api/auth/login', {
      body: { email: deactivated.body.email, password: 'operator-password-1' },
    })
    expect(login.status).toBe(401)
    expect((await patchOperator(op.id, { active: true })).body.active).toBe(true)
    const back = await s.http('/api/auth/login', {
      body: { email: deactivated.body.email, password: 'operator-password-1' },
    })
    expect(back.status).toBe(200)

    expect((await patchOperator(crypto.randomUUID(), { role: 'operator' })).status).toBe(404)
    expect((await patchOperator(op.id, { role: 'root' })).status).toBe(422)
  })

  test('http - the last active admin cannot be demoted or deactivated (409)', async () => {
    const second = await s.operator({ role: 'admin' })
    // With two admins one may go.
    expect((await patchOperator(second.id, { role: 'supervisor' })).status).toBe(200)
    for (const body of [
      { role: 'operator' },
      { role: 'supervisor' },
      { active: false },
      { role: 'admin', active: false },
    ]) {
      const res = await patchOperator(adminId, body)
      expect({ body, status: res.status, code: res.body.error?.code }).toEqual({
        body,
        status: 409,
        code: 'conflict',
      })
    }
    const me = await s.http('/api/auth/me', { token: admin })
    expect(me.body.operator).toMatchObject({ role: 'admin', active: true })
    // Still possible: changes that keep the admin an active admin.
    expect((await patchOperator(adminId, { name: 'Chief', canChat: true })).status).toBe(200)
    const login = await s.http('/api/auth/login', { body: ADMIN })
    expect(login.status).toBe(200)
  })
})

describe('inboxes', () => {
  test('http - admin creates an inbox (201) with default settings and its own identity secret', async () => {
    const res = await s.http('/api/admin/inboxes', {
      token: admin,
      body: { name: 'Shop', settings: { escalationMinutes: 10 } },
    })
    expect(res.status).toBe(201)
    expect(typeof res.body.id).toBe('string')
    expect(res.body).toMatchObject({
      name: 'Shop',
      settings: { escalationMinutes: 10, maxOpenPerOperator: 0, visitorMessagesPerMinute: 30 },
    })
    const inboxes = (await s.http('/api/admin/inboxes', { token: admin })).body.inboxes as Array<{
      id: string
    }>
    expect(inboxes.map((i) => i.id)).toContain(res.body.id)
    const secrets = await Promise.all(inboxes.map((i) => s.identitySecret(i.id)))
    expect(new Set(secrets).size).toBe(inboxes.length)
    const visitor = await s.visitorToken(res.body.id)
    expect(visitor.inboxId).toBe(res.body.id)
    expect((await s.http('/api/admin/inboxes', { token: admin, body: { name: '' } })).status).toBe(
      422,
    )
  })

  test('http - inbox settings patch merges valid values and refuses invalid ones with 422', async () => {
    const created = await s.http('/api/admin/inboxes', { token: admin, body: { name: 'Support' } })
    const id = created.body.id as string
    const patch = (body: unknown) =>
      s.http(`/api/admin/inboxes/${id}`, { method: 'PATCH', token: admin, body })
    const ok = await patch({ name: 'Support EU', settings: { visitorMessagesPerMinute: 60 } })
    expect(ok.status).toBe(200)
    expect(ok.body).toMatchObject({
      name: 'Support EU',
      settings: { escalationMinutes: 4, maxOpenPerOperator: 0, visitorMessagesPerMinute: 60 },
    })
    const invalid = [
      { settings: { escalationMinutes: 0 } },
      { settings: { escalationMinutes: 1441 } },
      { settings: { visitorMessagesPerMinute: 601 } },
      { settings: { maxOpenPerOperator: -1 } },
      { settings: { escalationMinutes: 2.5 } },
      { settings: { escalationMinutes: '5' } },
      { settings: { unknownSetting: 1 } },
      { identitySecret: 'chosen-by-attacker' },
    ]
    for (const body of invalid) {
      const res = await patch(body)
      expect({ body, status: res.status, code: res.body.error?.code }).toEqual({
        body,
        status: 422,
        code: 'validation_failed',
      })
    }
    const after = (await s.http('/api/admin/inboxes', { token: admin })).body.inboxes.find(
      (i: { id: string }) => i.id === id,
    )
    expect(after).toEqual(ok.body)
    const before = await s.identitySecret(id)
    const rotated = await patch({ rotateIdentitySecret: true })
    expect(rotated.status).toBe(200)
    expect(await s.identitySecret(id)).not.toBe(before)
    expect(
      (
        await s.http(`/api/admin/inboxes/${crypto.randomUUID()}`, {
          method: 'PATCH',
          token: admin,
          body: { name: 'x' },
        })
      ).status,
    ).toBe(404)
  })
})
