/**
 * The repository test suite, written once and run against every dialect: call
 * `repositorySuite` from one test file per dialect with that dialect's `DialectHarness`.
 */
import { describe, expect, test } from 'bun:test'
import type { Store } from '../../actors/ports.ts'
import {
  T0,
  conversation,
  createWrite,
  inbox,
  message,
  operator,
  postWrite,
  useStore,
  visitorParty,
  type DialectHarness,
  rejectionOf,
} from './fixtures.ts'
import { accountSpecs } from './specs/accounts.ts'
import { badgeSpecs } from './specs/badges.ts'
import { concurrencySpecs } from './specs/concurrency.ts'
import { conversationStoreSpecs } from './specs/conversation-store.ts'
import { fencingSpecs } from './specs/fencing.ts'
import { querySpecs } from './specs/queries.ts'
import { routingSpecs } from './specs/routing.ts'
import { writeBehindSpecs } from './specs/write-behind.ts'

export function repositorySuite(dialect: DialectHarness): void {
  const { fresh: factory, reopen } = dialect
  describe(`store (${dialect.name})`, () => {
    const store = useStore(factory)
    conversationStoreSpecs(store)
    querySpecs(store)
    routingSpecs(store)
    badgeSpecs(store)
    accountSpecs(store)
    fencingSpecs(store, dialect)
    concurrencySpecs(store, dialect)
    writeBehindSpecs(store, dialect)

    describe('restart', () => {
      test('restart - a reopened store keeps everything that was acknowledged', async () => {
        const first = await factory()
        await first.inboxes.create(inbox('i1'))
        await first.operators.create(operator('o1'))
        await first.sessions.create({
          tokenHash: 'h',
          operatorId: 'o1',
          createdAt: T0,
          expiresAt: T0 + 1,
        })
        await first.visitors.create({
          id: 'v1',
          inboxId: 'i1',
          externalId: 'u1',
          createdAt: T0,
          signedOutAt: 0,
          name: null,
          email: null,
        })
        await first.conversations.write(createWrite(conversation('c1')))
        const m = message('c1', 2)
        await first.conversations.write({
          ...postWrite(m),
          readStates: [{ reader: visitorParty(), deliveredSeq: 2, readSeq: 2 }],
        })
        const second = await reopen(first)
        try {
          expect(await second.inboxes.get('i1')).toEqual(inbox('i1'))
          expect(await second.operators.getByEmail('o1@example.com')).toEqual(operator('o1'))
          expect(await second.sessions.get('h')).not.toBeNull()
          expect(await second.visitors.findByExternalId('i1', 'u1')).not.toBeNull()
          const loaded = await second.conversations.loadConversation('c1')
          expect(loaded?.conversation.lastSeq).toBe(2)
          expect(loaded?.readStates).toEqual([
            { reader: visitorParty(), deliveredSeq: 2, readSeq: 2 },
          ])
          expect(await second.queries.listMessages('c1', { limit: 10 })).toEqual([m])
          expect((await second.conversations.eventsAfter('c1', 0, 10)).map((e) => e.seq)).toEqual([
            1, 2,
          ])
        } finally {
          await second.close()
        }
      })

      test('restart - close commits writes still queued', async () => {
        const first = await factory()
        const pending = first.conversations.write(createWrite(conversation('c1')))
        const second = await reopen(first)
        try {
          await pending
          expect(await second.conversations.loadConversation('c1')).not.toBeNull()
        } finally {
          await second.close()
        }
      })

      test('restart - a closed store refuses writes', async () => {
        const first = await factory()
        await first.close()
        expect(
          await rejectionOf(first.conversations.write(createWrite(conversation('c1')))),
        ).toBeInstanceOf(Error)
        expect(await rejectionOf(first.ping())).toBeInstanceOf(Error)
      })
    })
  })
}
