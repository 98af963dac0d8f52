/** Operators, sessions, inboxes and visitors. Registered by repository-suite.ts. */
import { describe, expect, test } from 'bun:test'
import { DEFAULT_INBOX_SETTINGS, type Store } from '../../../actors/ports.ts'
import { T0, inbox, operator, rejectionOf } from '../fixtures.ts'

export function accountSpecs(store: () => Store): void {
  describe('operators', () => {
    test('operators - create, get, list and update', async () => {
      const ops = store().operators
      await ops.create(operator('o2', { name: 'Zoe' }))
      await ops.create(operator('o1', { name: 'Ann' }))
      expect(await ops.getById('o1')).toEqual(operator('o1', { name: 'Ann' }))
      expect((await ops.list()).map((o) => o.id)).toEqual(['o1', 'o2'])
      const updated = await ops.update('o1', {
        role: 'admin',
        canChat: false,
        updatedAt: T0 + 1,
      })
      expect(updated).toEqual(
        operator('o1', { name: 'Ann', role: 'admin', canChat: false, updatedAt: T0 + 1 }),
      )
      expect(await ops.getById('o1')).toEqual(updated)
      expect(await ops.getById('nobody')).toBeNull()
      expect(await ops.update('nobody', { name: 'x', updatedAt: T0 })).toBeNull()
    })

    test('operators - email is stored lower-cased and matched case-insensitively', async () => {
      const ops = store().operators
      await ops.create(operator('o1', { email: 'Ann.Lee@Example.COM' }))
      expect((await ops.getById('o1'))?.email).toBe('ann.lee@example.com')
      expect((await ops.getByEmail('ANN.LEE@example.com'))?.id).toBe('o1')
      expect(await ops.getByEmail('someone@example.com')).toBeNull()
    })

    test('operators - an email taken in any letter case is a conflict', async () => {
      const ops = store().operators
      await ops.create(operator('o1', { email: 'ann@example.com' }))
      expect(
        await rejectionOf(ops.create(operator('o2', { email: 'ANN@example.com' }))),
      ).toMatchObject({
        code: 'conflict',
      })
    })

    test('operators - countActiveAdmins counts only active admins', async () => {
      const ops = store().operators
      expect(await ops.countActiveAdmins()).toBe(0)
      await ops.create(operator('a1', { role: 'admin' }))
      await ops.create(operator('a2', { role: 'admin', active: false }))
      await ops.create(operator('s1', { role: 'supervisor' }))
      await ops.create(operator('a3', { role: 'admin' }))
      expect(await ops.countActiveAdmins()).toBe(2)
      await ops.update('a3', { active: false, updatedAt: T0 + 1 })
      expect(await ops.countActiveAdmins()).toBe(1)
    })
  })

  describe('operator status', () => {
    test('operator status - is stored on create and changed by update', async () => {
      const ops = store().operators
      await ops.create(operator('o1', { status: 'away' }))
      expect((await ops.getById('o1'))?.status).toBe('away')
      const busy = await ops.update('o1', { status: 'busy', updatedAt: T0 + 1 })
      expect(busy).toEqual(operator('o1', { status: 'busy', updatedAt: T0 + 1 }))
      expect(await ops.getByEmail('o1@example.com')).toEqual(busy)
    })

    test('operator status - an update that does not mention status keeps it', async () => {
      const ops = store().operators
      await ops.create(operator('o1', { status: 'busy' }))
      await ops.update('o1', { name: 'Ann', updatedAt: T0 + 1 })
      expect((await ops.getById('o1'))?.status).toBe('busy')
      expect((await ops.list()).map((o) => o.status)).toEqual(['busy'])
    })
  })

  describe('sessions', () => {
    const session = (tokenHash: string, operatorId: string, expiresAt: number) => ({
      tokenHash,
      operatorId,
      createdAt: T0,
      expiresAt,
    })

    test('sessions - get returns a created session; delete removes it', async () => {
      await store().operators.create(operator('o1'))
      const s = store().sessions
      await s.create(session('h1', 'o1', T0 + 1000))
      expect(await s.get('h1')).toEqual(session('h1', 'o1', T0 + 1000))
      await s.delete('h1')
      expect(await s.get('h1')).toBeNull()
    })

    test('sessions - deleteForOperator removes only that operator sessions', async () => {
      await store().operators.create(operator('o1'))
      await store().operators.create(operator('o2'))
      const s = store().sessions
      await s.create(session('h1', 'o1', T0 + 1000))
      await s.create(session('h2', 'o1', T0 + 1000))
      await s.create(session('h3', 'o2', T0 + 1000))
      await s.deleteForOperator('o1')
      expect(await s.get('h1')).toBeNull()
      expect(await s.get('h2')).toBeNull()
      expect(await s.get('h3')).not.toBeNull()
    })

    test('sessions - deleteForOperator can keep one session of that operator', async () => {
      await store().operators.create(operator('o1'))
      await store().operators.create(operator('o2'))
      const s = store().sessions
      for (const [hash, op] of [
        ['h1', 'o1'],
        ['h2', 'o1'],
        ['h3', 'o1'],
        ['h4', 'o2'],
      ] as const) {
        await s.create(session(hash, op, T0 + 1000))
      }
      await s.deleteForOperator('o1', 'h2')
      expect(await s.get('h1')).toBeNull()
      expect(await s.get('h2')).toEqual(session('h2', 'o1', T0 + 1000))
      expect(await s.get('h3')).toBeNull()
      expect(await s.get('h4')).not.toBeNull()
    })

    test('sessions - deleteExpired removes sessions expired by now and counts them', async () => {
      await store().operators.create(operator('o1'))
      const s = store().sessions
      await s.create(session('past', 'o1', T0 - 1))
      await s.create(session('now', 'o1', T0))
      await s.create(session('future', 'o1', T0 + 1))
      expect(await s.deleteExpired(T0)).toBe(2)
      expect(await s.get('future')).not.toBeNull()
      expect(await s.deleteExpired(T0)).toBe(0)
    })
  })

  describe('inboxes', () => {
    test('inboxes - settings survive the JSON round trip', async () => {
      const record = inbox('i1', {
        settings: {
          emailAddress: 'help@shop.example',
          allowedOrigins: ['https://shop.example.com', 'https://*.example.org'],
          closeResolvedAfterDays: 14,
          autoResolveAfterDays: 5,
          autoResolveMessage: { en: 'Closed for now: write again any time.', ru: 'Пишите ещё.' },
          eraseClosedAfterDays: 400,
          campaignGapMinutes: 15,
          captcha: {
            mode: 'always',
            sessionsPer10Min: 7,
            conversationsPer10Min: 3,
            messagesPerMinute: 9,
          },
          escalationMinutes: 7,
          maxOpenPerOperator: 3,
          visitorMessagesPerMinute: 12,
          attachmentMaxBytes: 5_000_000,
          attachmentMaxMessageBytes: 12_000_000,
          attachmentTypes: ['image/png', 'application/pdf'],
          rating: 'nps',
          appearance: {
            title: { en: 'Help', ru: 'Помощь' },
            accentColor: '#0b5394',
            position: 'left',
            launcherLabel: { en: 'Chat', ru: 'Чат' },
            language: 'ru',
            showReplyTime: false,
            showQueuePosition: true,
          },
          preChat: {
            mode: 'before',
            fields: [
              {
                key: 'plan',
                type: 'select',
                label: { en: 'Plan', ru: 'Тариф' },
                required: true,
                options: ['Free', 'Pro'],
              },
            ],
          },
        },
      })
      await store().inboxes.create(record)
      expect(await store().inboxes.get('i1')).toEqual(record)
      expect(await store().inboxes.get('missing')).toBeNull()
    })

    test('inboxes - update changes only the given fields; list includes every inbox', async () => {
      const i = store().inboxes
      await i.create(inbox('i1', { name: 'Sales' }))
      await i.create(inbox('i2', { name: 'Billing' }))
      const settings = { ...DEFAULT_INBOX_SETTINGS, escalationMinutes: 1, maxOpenPerOperator: 2 }
      const updated = await i.update('i1', { settings, updatedAt: T0 + 5 })
      expect(updated).toEqual(inbox('i1', { name: 'Sales', settings, updatedAt: T0 + 5 }))
      expect((await i.list()).map((x) => x.name)).toEqual(['Billing', 'Sales'])
      expect(await i.update('missing', { name: 'x', updatedAt: T0 })).toBeNull()
    })

    test('inboxes - visitor sign-out and identity rotation times start at 0 and are updated', async () => {
      const i = store().inboxes
      await i.create(inbox('i1'))
      expect(await i.get('i1')).toMatchObject({ visitorsSignedOutAt: 0, identityRotatedAt: 0 })
      const signedOut = await i.update('i1', { visitorsSignedOutAt: T0 + 7, updatedAt: T0 + 7 })
      expect(signedOut).toEqual(inbox('i1', { visitorsSignedOutAt: T0 + 7, updatedAt: T0 + 7 }))
      const rotated = await i.update('i1', {
        identitySecret: 'new-secret',
        identityRotatedAt: T0 + 9,
        updatedAt: T0 + 9,
      })
      expect(rotated).toEqual(
        inbox('i1', {
          identitySecret: 'new-secret',
          visitorsSignedOutAt: T0 + 7,
          identityRotatedAt: T0 + 9,
          updatedAt: T0 + 9,
        }),
      )
      expect(await i.get('i1')).toEqual(rotated)
    })
  })

  describe('inbox members', () => {
    /** Inboxes i1, i2 and operators o1..o3, nobody a member yet. */
    async function seedAccounts(): Promise<void> {
      await store().inboxes.create(inbox('i1'))
      await store().inboxes.create(inbox('i2'))
      for (const id of ['o3', 'o1', 'o2']) await store().operators.create(operator(id))
    }

    test('inbox members - setMembers replaces the list; members come in id order', async () => {
      await seedAccounts()
      const i = store().inboxes
      expect(await i.members('i1')).toEqual([])
      await i.setMembers('i1', ['o3', 'o1'])
      expect(await i.members('i1')).toEqual(['o1', 'o3'])
      await i.setMembers('i1', ['o2', 'o3', 'o2'])
      expect(await i.members('i1')).toEqual(['o2', 'o3'])
      await i.setMembers('i1', [])
      expect(await i.members('i1')).toEqual([])
    })

    test('inbox members - setMembers leaves other inboxes alone', async () => {
      await seedAccounts()
      const i = store().inboxes
      await i.setMembers('i1', ['o1', 'o2'])
      await i.setMembers('i2', ['o1'])
      await i.setMembers('i1', ['o2'])
      expect(await i.members('i2')).toEqual(['o1'])
      expect(await i.inboxesOf('o1')).toEqual(['i2'])
    })

    test('inbox members - addMember is idempotent; inboxesOf lists the operator inboxes', async () => {
      await seedAccounts()
      const i = store().inboxes
      await i.addMember(['i2', 'i1'], 'o2')
      await i.addMember(['i1'], 'o2')
      await i.addMember(['i1', 'i1'], 'o1')
      await i.addMember([], 'o3')
      expect(await i.members('i1')).toEqual(['o1', 'o2'])
      expect(await i.members('i2')).toEqual(['o2'])
      expect(await i.inboxesOf('o2')).toEqual(['i1', 'i2'])
      expect(await i.inboxesOf('o3')).toEqual([])
    })

    test('inbox members - an unknown operator or inbox is not_found and changes nothing', async () => {
      await seedAccounts()
      const i = store().inboxes
      await i.setMembers('i1', ['o1'])
      const notFound = { code: 'not_found' }
      expect(await rejectionOf(i.setMembers('i1', ['o2', 'ghost']))).toMatchObject(notFound)
      expect(await rejectionOf(i.setMembers('missing', ['o1']))).toMatchObject(notFound)
      expect(await rejectionOf(i.addMember(['i2', 'missing'], 'o2'))).toMatchObject(notFound)
      expect(await rejectionOf(i.addMember(['i2'], 'ghost'))).toMatchObject(notFound)
      expect(await i.members('i1')).toEqual(['o1'])
      expect(await i.members('i2')).toEqual([])
      expect(await i.members('missing')).toEqual([])
      expect(await i.inboxesOf('o2')).toEqual([])
    })
  })

  describe('visitors', () => {
    test('visitors - found by external id within their inbox only', async () => {
      await store().inboxes.create(inbox('i1'))
      await store().inboxes.create(inbox('i2'))
      const v = store().visitors
      const known = {
        id: 'v1',
        inboxId: 'i1',
        externalId: 'user-42',
        createdAt: T0,
        signedOutAt: 0,
        name: null,
        email: null,
        phone: '+1 555 0100',
        attributes: { plan: 'Pro', seats: 3, trial: false },
      }
      await v.create(known)
      await v.create({
        id: 'v2',
        inboxId: 'i2',
        externalId: 'user-42',
        createdAt: T0,
        signedOutAt: 0,
        name: null,
        email: null,
      })
      expect(await v.findByExternalId('i1', 'user-42')).toEqual(known)
      expect((await v.findByExternalId('i2', 'user-42'))?.id).toBe('v2')
      expect(await v.findByExternalId('i1', 'user-43')).toBeNull()
      expect(await v.getById('v1')).toEqual(known)
    })

    test('visitors - updateProfile sets fields, merges attributes key by key, null removes', async () => {
      await store().inboxes.create(inbox('i1'))
      const v = store().visitors
      const base = { inboxId: 'i1', externalId: null, createdAt: T0, signedOutAt: 0 }
      await v.create({ ...base, id: 'v1', name: null, email: null })
      await v.create({ ...base, id: 'v2', name: 'Other', email: null })
      const first = await v.updateProfile('v1', {
        name: 'Olga',
        phone: '+7 900',
        attributes: { plan: 'Pro', seats: 3 },
      })
      expect(first).toMatchObject({
        name: 'Olga',
        email: null,
        phone: '+7 900',
        attributes: { plan: 'Pro', seats: 3 },
      })
      const second = await v.updateProfile('v1', { attributes: { seats: null, trial: true } })
      expect(second).toMatchObject({ name: 'Olga', attributes: { plan: 'Pro', trial: true } })
      expect((await v.getById('v1'))?.attributes).toEqual({ plan: 'Pro', trial: true })
      expect((await v.getById('v2'))?.attributes).toEqual({})
      expect(await v.updateProfile('nobody', { name: 'X' })).toBeNull()
    })

    test('visitors - signOut stores the time for that visitor only; an unknown one is false', async () => {
      await store().inboxes.create(inbox('i1'))
      const v = store().visitors
      await v.create({
        id: 'v1',
        inboxId: 'i1',
        externalId: null,
        createdAt: T0,
        signedOutAt: 0,
        name: null,
        email: null,
      })
      await v.create({
        id: 'v2',
        inboxId: 'i1',
        externalId: 'u2',
        createdAt: T0,
        signedOutAt: 0,
        name: null,
        email: null,
      })
      expect(await v.signOut('v1', T0 + 5)).toBe(true)
      expect((await v.getById('v1'))?.signedOutAt).toBe(T0 + 5)
      expect((await v.findByExternalId('i1', 'u2'))?.signedOutAt).toBe(0)
      expect(await v.signOut('nobody', T0 + 5)).toBe(false)
    })

    test('visitors - anonymous visitors never collide; an external id is unique per inbox', async () => {
      await store().inboxes.create(inbox('i1'))
      const v = store().visitors
      await v.create({
        id: 'a1',
        inboxId: 'i1',
        externalId: null,
        createdAt: T0,
        signedOutAt: 0,
        name: null,
        email: null,
      })
      await v.create({
        id: 'a2',
        inboxId: 'i1',
        externalId: null,
        createdAt: T0,
        signedOutAt: 0,
        name: null,
        email: null,
      })
      expect((await v.getById('a2'))?.externalId).toBeNull()
      await v.create({
        id: 'k1',
        inboxId: 'i1',
        externalId: 'user-1',
        createdAt: T0,
        signedOutAt: 0,
        name: null,
        email: null,
      })
      const again = v.create({
        id: 'k2',
        inboxId: 'i1',
        externalId: 'user-1',
        createdAt: T0,
        signedOutAt: 0,
        name: null,
        email: null,
      })
      expect(await rejectionOf(again)).toMatchObject({ code: 'conflict' })
    })
  })
}
