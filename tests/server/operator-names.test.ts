/**
 * Who answers, as the visitor sees it: an operator's display name (set by an admin or by the
 * operator), else their first name; a visitor may ask the names of the operators of its own
 * conversation's inbox only.
 */
import { describe, expect, test } from 'bun:test'
import { useServers } from '../helpers/lifecycle.ts'
import { Observer, openTab } from '../helpers/routing.ts'
import { httpStart } from '../helpers/http.ts'

const u = useServers()

describe('operator names (visitor-facing identity)', () => {
  test('names - first name by default, the display name once set; only the inbox own operators are named', async () => {
    const s = await u.server()
    const inboxId = await s.defaultInboxId()
    const admin = await s.adminToken()
    const created = await s.http('/api/admin/operators', {
      token: admin,
      body: {
        email: 'anna@example.com',
        name: 'Anna Ivanova',
        password: 'operator-password-1',
        inboxIds: [inboxId],
      },
    })
    expect(created.status).toBe(201)
    expect(created.body.displayName).toBeNull()
    const anna = created.body.id as string
    const login = await s.http('/api/auth/login', {
      body: { email: 'anna@example.com', password: 'operator-password-1' },
    })
    const annaToken = login.body.token as string
    const outsider = await s.operator({ inboxIds: [] })

    const obs = await Observer.create(u, s)
    await openTab(u, s, annaToken)
    const conv = await httpStart(s, undefined, 'hello')
    await obs.assigned(conv.id, anna)
    const names = () =>
      s.http(`/api/conversations/${conv.id}/operators?ids=${anna},${outsider.id},nope`, {
        token: conv.token,
      })
    expect((await names()).body).toEqual({ operators: [{ id: anna, name: 'Anna', avatarId: null }] })

    const renamed = await s.http('/api/me/profile', {
      method: 'PATCH',
      token: annaToken,
      body: { displayName: '  Anna S.  ' },
    })
    expect(renamed.status).toBe(200)
    expect(renamed.body.displayName).toBe('Anna S.')
    expect((await names()).body).toEqual({ operators: [{ id: anna, name: 'Anna S.', avatarId: null }] })

    for (const displayName of ['', 'x'.repeat(51), 42]) {
      const bad = await s.http('/api/me/profile', {
        method: 'PATCH',
        token: annaToken,
        body: { displayName },
      })
      expect(bad.status).toBe(422)
    }
    // An admin may set or clear it too.
    const cleared = await s.http(`/api/admin/operators/${anna}`, {
      method: 'PATCH',
      token: admin,
      body: { displayName: null },
    })
    expect(cleared.body.displayName).toBeNull()
    expect((await names()).body.operators[0].name).toBe('Anna')

    // Visitors cannot use it for someone else's conversation, nor to set a profile.
    const other = await httpStart(s, undefined, 'me too')
    const foreign = await s.http(`/api/conversations/${conv.id}/operators?ids=${anna}`, {
      token: other.token,
    })
    expect([403, 404]).toContain(foreign.status)
    const visitorProfile = await s.http('/api/me/profile', {
      method: 'PATCH',
      token: other.token,
      body: { displayName: 'Hacker' },
    })
    expect(visitorProfile.status).toBe(403)
  })
})
