/**
 * Concurrency: group commit while a transaction is in flight, writers on separate connections
 * (as nodes of a cluster), and pagination while rows arrive. Registered by repository-suite.ts.
 */
import { describe, expect, test } from 'bun:test'
import type { Store } from '../../../actors/ports.ts'
import {
  T0,
  conversation,
  inbox,
  createWrite,
  message,
  postWrite,
  seedMessages,
  type DialectHarness,
} from '../fixtures.ts'

/** Opens `count` more stores on the same database; closes them after `fn`. */
async function withTwins<T>(
  dialect: DialectHarness,
  store: Store,
  count: number,
  fn: (twins: Store[]) => Promise<T>,
): Promise<T> {
  const twins = await Promise.all(Array.from({ length: count }, () => dialect.twin(store)))
  try {
    return await fn(twins)
  } finally {
    await Promise.all(twins.map((twin) => twin.close()))
  }
}

/** One more store on the same database, closed after `fn`. */
async function withTwin<T>(
  dialect: DialectHarness,
  store: Store,
  fn: (twin: Store) => Promise<T>,
): Promise<T> {
  return withTwins(dialect, store, 1, (twins) => fn(twins[0] ?? store))
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

export function concurrencySpecs(store: () => Store, dialect: DialectHarness): void {
  describe('concurrency', () => {
    test('concurrency - nodes showing campaigns to one visitor at once: one showing per gap, each campaign once', async () => {
      await store().inboxes.create(inbox('i1'))
      await store().visitors.create({
        id: 'v1',
        inboxId: 'i1',
        externalId: null,
        createdAt: T0,
        signedOutAt: 0,
        name: null,
        email: null,
      })
      const ids = Array.from({ length: 6 }, (_, i) => `camp-${i}`)
      for (const id of ids) {
        await store().campaigns.create(
          {
            id,
            inboxId: 'i1',
            name: id,
            text: 'hello',
            senderId: null,
            enabled: true,
            startsAt: null,
            endsAt: null,
            rules: {
              urlPattern: '',
              afterSeconds: 0,
              audience: 'all',
              countries: [],
              languages: [],
              businessHoursOnly: false,
            },
            createdAt: T0,
            updatedAt: T0,
          },
          20,
        )
      }
      const at = T0 + 1000
      // Every node tries every campaign at once (twice each): a gap of an hour lets one through.
      const outcomes = await withTwins(dialect, store(), 2, async (twins) =>
        Promise.all(
          [store(), ...twins].flatMap((node) =>
            [...ids, ...ids].map((id) =>
              node.campaigns.recordView(id, 'v1', at, at - 3_600_000).then(
                () => 'shown',
                (e: { code?: string }) => e.code ?? 'error',
              ),
            ),
          ),
        ),
      )
      expect(outcomes.filter((o) => o === 'shown')).toHaveLength(1)
      expect(outcomes.filter((o) => o !== 'shown' && o !== 'conflict')).toEqual([])
      const views = await store().campaigns.viewsOf('v1')
      expect(views.shown.size).toBe(1)
      expect(views.lastShownAt).toBe(at)
      // No gap: each of the others once more, however many try.
      const again = await withTwins(dialect, store(), 2, async (twins) =>
        Promise.all(
          [store(), ...twins].flatMap((node) =>
            ids.map((id) =>
              node.campaigns.recordView(id, 'v1', at + 1, Number.MAX_SAFE_INTEGER).then(
                () => 'shown',
                (e: { code?: string }) => e.code ?? 'error',
              ),
            ),
          ),
        ),
      )
      expect(again.filter((o) => o === 'shown')).toHaveLength(ids.length - 1)
      expect(again.filter((o) => o !== 'shown' && o !== 'conflict')).toEqual([])
      expect((await store().campaigns.viewsOf('v1')).shown.size).toBe(ids.length)
    })

    test('concurrency - writes issued while a transaction is in flight share the next one', async () => {
      const before = store().stats()
      const first = store().conversations.write(createWrite(conversation('first')))
      // The committer starts the first transaction on the next turn; these queue behind it.
      await nextTurn()
      const queued = Array.from({ length: 100 }, (_, i) =>
        store().conversations.write(createWrite(conversation(`c${i}`))),
      )
      await Promise.all([first, ...queued])
      const after = store().stats()
      expect(after.transactions - before.transactions).toBe(2)
      expect(after.maxBatch).toBe(100)
    })

    test('concurrency - a conversation created and posted to in one batch commits in order', async () => {
      const c = store().conversations
      const m = message('c1', 2)
      await Promise.all([c.write(createWrite(conversation('c1'))), c.write(postWrite(m))])
      expect(await c.getMessage('c1', m.id)).toEqual(m)
      expect((await c.loadConversation('c1'))?.conversation.lastSeq).toBe(2)
    })

    test('concurrency - a message posted and edited in one batch commits in one transaction, in order', async () => {
      const s = store()
      const c = s.conversations
      await c.write(createWrite(conversation('c1')))
      const m = message('c1', 2)
      const before = s.stats().transactions
      // The edit's statement reads the row the post's insert writes: it must run after it (a
      // statement overtaking another fails the batch, which then commits unit by unit).
      await Promise.all([
        c.write(postWrite(m)),
        c.write({
          conversationId: 'c1',
          update: { lastSeq: 3, updatedAt: T0 + 3000 },
          updateMessages: [{ id: m.id, text: 'edited', editedAt: T0 + 3000 }],
          events: [
            {
              name: 'message.updated',
              data: { message: { ...m, text: 'edited', editedAt: T0 + 3000 } },
              conversationId: 'c1',
              seq: 3,
              at: T0 + 3000,
            },
          ],
        }),
      ])
      expect(s.stats().transactions - before).toBe(1)
      expect(await c.getMessage('c1', m.id)).toMatchObject({ text: 'edited', editedAt: T0 + 3000 })
    })

    test('concurrency - one client message id retried from many connections lands once', async () => {
      await store().conversations.write(createWrite(conversation('c1')))
      const results = await withTwins(dialect, store(), 6, (twins) =>
        Promise.allSettled(
          twins.map((twin, i) =>
            // Each retry got its own seq and id (another node's actor), but the same client id.
            twin.conversations.write(
              postWrite(message('c1', 2 + i, { id: `try-${i}`, clientMsgId: 'retry-1' })),
            ),
          ),
        ),
      )
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
      for (const r of results) {
        if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'conflict' })
      }
      const stored = await store().queries.listMessages('c1', { limit: 50 })
      expect(stored.map((m) => m.clientMsgId)).toEqual(['retry-1'])
    })

    test('concurrency - fenced writes racing a claim: every accepted write precedes every refused one', async () => {
      await store().conversations.write(createWrite(conversation('c1', { ownerEpoch: 1 })))
      const accepted: number[] = []
      const refused: number[] = []
      await withTwin(dialect, store(), async (next) => {
        const claim = Bun.sleep(5).then(() => next.conversations.claim('c1', 2))
        // The old owner keeps writing until it has been refused a few times.
        for (let seq = 2; seq < 1000 && refused.length < 5; seq++) {
          const write = { ...postWrite(message('c1', seq)), expectedEpoch: 1 }
          await store()
            .conversations.write(write)
            .then(
              () => accepted.push(seq),
              (error: unknown) => {
                expect(error).toMatchObject({ code: 'unavailable' })
                refused.push(seq)
              },
            )
        }
        await claim
      })
      expect(refused).toHaveLength(5)
      expect(Math.max(...accepted)).toBeLessThan(Math.min(...refused))
      expect(accepted).toEqual(accepted.map((_, i) => i + 2))
      const loaded = await store().conversations.loadConversation('c1')
      expect(loaded?.conversation).toMatchObject({ ownerEpoch: 2, lastSeq: accepted.length + 1 })
    })

    test('concurrency - inbox pages list every conversation once while others are created', async () => {
      const seeded = Array.from({ length: 30 }, (_, i) =>
        conversation(`s${String(i).padStart(2, '0')}`, { createdAt: T0 + (i % 6) * 1000 }),
      )
      await Promise.all(seeded.map((r) => store().conversations.write(createWrite(r))))
      const seen = await withTwin(dialect, store(), async (other) => {
        const ids: string[] = []
        let cursor: string | null = null
        let round = 0
        do {
          // Newer and older activity than anything seeded, created while the pages are read.
          const arriving = [T0 + 99_000 + round, T0 - 99_000 - round].map((at) =>
            other.conversations.write(
              createWrite(conversation(`new-${round}-${at}`, { createdAt: at, updatedAt: at })),
            ),
          )
          const page = await store().queries.listInbox({
            inboxIds: null,
            unansweredOnly: false,
            cursor,
            limit: 4,
          })
          await Promise.all(arriving)
          ids.push(...page.items.map((c) => c.id))
          cursor = page.nextCursor
          round++
        } while (cursor !== null && round < 100)
        return ids
      })
      expect(new Set(seen).size).toBe(seen.length)
      expect(seen.filter((id) => id.startsWith('s')).sort()).toEqual(seeded.map((r) => r.id))
    })

    test('concurrency - paging messages backwards sees each older message once while new ones arrive', async () => {
      const seeded = await seedMessages(store(), 'c1', 20)
      const seen = await withTwin(dialect, store(), async (other) => {
        const seqs: number[] = []
        let beforeSeq: number | undefined
        let next = 22
        for (;;) {
          const arriving = other.conversations.write(postWrite(message('c1', next++)))
          const page = await store().queries.listMessages('c1', { beforeSeq, limit: 3 })
          await arriving
          if (page.length === 0) break
          seqs.unshift(...page.map((m) => m.seq))
          beforeSeq = page[0]?.seq
        }
        return seqs
      })
      const first = seen[0] ?? 0
      expect(first).toBe(2)
      expect(seen).toEqual(seen.map((_, i) => first + i))
      expect(seen.slice(0, seeded.length)).toEqual(seeded.map((m) => m.seq))
    })
  })
}
