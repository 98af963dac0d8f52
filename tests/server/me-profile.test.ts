/**
 * An operator's own profile (issue 16): the full name colleagues see, the name visitors see and
 * the panel language, each changed alone or together; bad input is a typed 422 and changes nothing; a visitor may
 * not; colleagues see the new full name in the inbox's team.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startTestServer, type TestServer } from '../helpers/server.ts'

let s: TestServer
beforeAll(async () => {
  s = await startTestServer()
})
afterAll(() => s.stop())

describe('own profile', () => {
  test('profile - the full name and the name shown to visitors change alone or together; colleagues see it', async () => {
    const inboxId = await s.defaultInboxId()
    const op = await s.operator({ inboxIds: [inboxId] })
    const colleague = await s.operator({ inboxIds: [inboxId] })
    const patch = (body: unknown, token = op.token) =>
      s.http('/api/me/profile', { method: 'PATCH', token, body })
    const named = await patch({ name: '  Anna Petrova ' })
    expect(named.status).toBe(200)
    expect(named.body).toMatchObject({ name: 'Anna Petrova', displayName: null })
    const shown = await patch({ displayName: 'Anna' })
    expect(shown.body).toMatchObject({ name: 'Anna Petrova', displayName: 'Anna' })
    const both = await patch({ name: 'Anna P.', displayName: null })
    expect(both.body).toMatchObject({ name: 'Anna P.', displayName: null })
    const team = await s.http(`/api/inboxes/${inboxId}/team`, { token: colleague.token })
    expect(team.status).toBe(200)
    const me = team.body.operators.find((o: { id: string }) => o.id === op.id)
    expect(me.name).toBe('Anna P.')
  })

  test('profile - empty, too long, unknown or missing fields are 422 and change nothing; a visitor is refused', async () => {
    const op = await s.operator()
    const patch = (body: unknown, token = op.token) =>
      s.http('/api/me/profile', { method: 'PATCH', token, body })
    const before = (await s.http('/api/auth/me', { token: op.token })).body.operator
    for (const body of [
      { name: '   ' },
      { name: 'x'.repeat(101) },
      { displayName: 'y'.repeat(51) },
      { name: 'Ok', role: 'admin' },
      { locale: 'de' },
      { locale: 'RU' },
      { locale: 1 },
      {},
    ]) {
      const res = await patch(body)
      expect({ body, status: res.status, code: res.body.error?.code }).toEqual({
        body,
        status: 422,
        code: 'validation_failed',
      })
    }
    expect((await s.http('/api/auth/me', { token: op.token })).body.operator).toEqual(before)
    const visitor = await s.visitorToken()
    const refused = await patch({ name: 'Intruder' }, visitor.token)
    expect(refused.status).toBe(403)
  })

  test('profile - the panel language is kept on the account until cleared, and a new sign-in carries it', async () => {
    const op = await s.operator()
    const patch = (body: unknown) =>
      s.http('/api/me/profile', { method: 'PATCH', token: op.token, body })
    const me = async () => (await s.http('/api/auth/me', { token: op.token })).body.operator
    expect((await me()).locale).toBeNull()
    const chosen = await patch({ locale: 'ru' })
    expect(chosen.status).toBe(200)
    expect(chosen.body.locale).toBe('ru')
    expect((await me()).locale).toBe('ru')
    // Other fields leave it alone.
    expect((await patch({ displayName: 'Ann' })).body.locale).toBe('ru')
    const login = await s.http('/api/auth/login', {
      method: 'POST',
      // The test helper's operators all have this password.
      body: { email: (await me()).email, password: 'operator-password-1' },
    })
    expect(login.status).toBe(200)
    expect(login.body.operator.locale).toBe('ru')
    expect((await patch({ locale: null })).body.locale).toBeNull()
    expect((await me()).locale).toBeNull()
  })
})
