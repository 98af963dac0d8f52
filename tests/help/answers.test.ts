/**
 * The answer-engine port (issue 21, H2): the sources a draft would rest on come from the help
 * center's own search (published, the portal's, the language's, best first, cut to size), and
 * nothing needs an engine: no model is involved anywhere in this test or the product.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_INBOX_SETTINGS, type Store } from '../../actors/index.ts'
import { FakeClock } from '../../actors/runtime/clock.ts'
import { openStore } from '../../db/index.ts'
import { answerSources, MAX_SOURCE_CHARS, MAX_SOURCES } from '../../server/help/answers.ts'
import { HelpService } from '../../server/help/service.ts'

let dir: string
let store: Store
let help: HelpService
const clock = new FakeClock(Date.UTC(2026, 11, 1))

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parley-answers-'))
  store = await openStore(`sqlite:${join(dir, 'parley.db')}`)
  help = new HelpService(store.help, clock)
  const now = clock.now()
  for (const id of ['inbox-a', 'inbox-b']) {
    await store.inboxes.create({
      id,
      name: id,
      identitySecret: 'x'.repeat(32),
      settings: DEFAULT_INBOX_SETTINGS,
      createdAt: now,
      updatedAt: now,
      visitorsSignedOutAt: 0,
      identityRotatedAt: 0,
      defaultBranchId: id,
      geoRules: [],
    })
  }
  await store.operators.create({
    id: 'author',
    email: 'author@example.com',
    displayName: null,
    avatarId: null,
    name: 'Author',
    role: 'admin',
    canChat: true,
    active: true,
    status: 'online',
    passwordHash: 'x',
    createdAt: now,
    updatedAt: now,
  })
})

afterAll(async () => {
  await store.close()
  rmSync(dir, { recursive: true, force: true })
})

const text = async (id: string) => {
  const a = await store.help.article(id)
  return a ? { url: `/a/${a.slug}`, title: a.title, text: help.rendered(a).text } : null
}

describe('answer sources', () => {
  test('answers - the best published articles of the portal and language, at most three, cut to size', async () => {
    const mk = (inboxId: string | null, title: string, body: string, status = 'published') =>
      help.create('author', {
        inboxId,
        language: 'en',
        title,
        body,
        status: status as 'published' | 'draft',
      })
    const refunds = await mk(
      'inbox-a',
      'Refunds',
      `Refunds take five days. ${'Refund '.repeat(2000)}`,
    )
    const shared = await mk(null, 'Refund policy', 'Every refund is reviewed.')
    await mk('inbox-a', 'Refund draft', 'refund', 'draft')
    await mk('inbox-b', 'Refunds elsewhere', 'refund')
    for (let i = 0; i < 4; i++) await mk('inbox-a', `Refund case ${i}`, 'A refund story.')

    const sources = await answerSources(
      help,
      { inboxId: 'inbox-a', language: 'en', question: 'How long does a refund take?' },
      text,
    )
    expect(sources).toHaveLength(MAX_SOURCES)
    expect(sources.map((s) => s.id)).toContain(refunds.id)
    expect(sources.every((s) => s.text.length <= MAX_SOURCE_CHARS)).toBe(true)
    expect(sources.map((s) => s.title)).not.toContain('Refund draft')
    expect(sources.map((s) => s.title)).not.toContain('Refunds elsewhere')
    void shared

    const none = await answerSources(
      help,
      { inboxId: 'inbox-a', language: 'ru', question: 'возврат' },
      text,
    )
    expect(none).toEqual([])
  })
})
