/**
 * The waiting reply (R7): an automatic message when a visitor's message has waited the branch's
 * delay without an operator's answer. Once per wait (the first visitor message after the last
 * operator message), never an answer itself, only within the branch's hours, in the
 * conversation's language, and exactly once across restarts. Real SQLite, fake clock.
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { DEFAULT_BRANCH_SETTINGS, type BranchSettings, type Principal } from '../../actors/index.ts'
import type { Message } from '../../protocol/index.ts'
import { spawnRouting, type RoutingHarness } from './harness.ts'

const SECOND = 1000
const WAIT: BranchSettings['waitingReply'] = {
  on: true,
  afterSeconds: 120,
  text: { en: 'Still here, thanks for waiting.', ru: 'Мы здесь, спасибо за ожидание.' },
}

let h: RoutingHarness | null = null
afterEach(async () => {
  await h?.close()
  h = null
})

async function harness(): Promise<RoutingHarness> {
  h = await spawnRouting({ operators: 1 })
  await configure(h, { waitingReply: WAIT })
  return h
}

/** Changes the default branch's settings and tells the inbox actor, as the admin API does. */
async function configure(h: RoutingHarness, settings: Partial<BranchSettings>, schedule?: unknown) {
  const branch = await h.store.branches.get(h.inboxId)
  if (!branch) throw new Error('no default branch')
  await h.store.branches.update(h.inboxId, {
    settings: { ...DEFAULT_BRANCH_SETTINGS, ...branch.settings, ...settings },
    ...(schedule ? { schedule: schedule as typeof branch.schedule } : {}),
    updatedAt: h.clock.now(),
  })
  await h.system.inboxes.ask(h.inboxId, { type: 'reload' })
  await h.settle()
}

async function messages(h: RoutingHarness, id: string): Promise<Message[]> {
  const events = await h.store.conversations.eventsAfter(id, 0, 1000)
  return events.flatMap((e) => (e.name === 'message.created' ? [e.data.message] : []))
}

async function waitingReplies(h: RoutingHarness, id: string): Promise<Message[]> {
  return (await messages(h, id)).filter(
    (m) => m.author.kind === 'system' && m.clientMsgId?.startsWith('waiting:'),
  )
}

async function send(h: RoutingHarness, id: string, principal: Principal, text: string) {
  await h.system.conversations.ask(id, {
    type: 'send',
    principal,
    clientMsgId: crypto.randomUUID(),
    text,
  })
  await h.settle()
}

async function advance(h: RoutingHarness, ms: number) {
  await h.clock.advance(ms)
  await h.settle()
}

describe('routing - waiting reply (R7)', () => {
  test('waiting reply - sent once when the visitor waited the delay; more visitor messages in the same wait add none', async () => {
    const h = await harness()
    const id = await h.start('my order is late')
    await advance(h, 119 * SECOND)
    expect(await waitingReplies(h, id)).toEqual([])
    await send(h, id, await h.visitorOf(id), 'hello?')
    await advance(h, 1 * SECOND)
    const [reply, ...more] = await waitingReplies(h, id)
    expect(more).toEqual([])
    expect(reply).toMatchObject({
      author: { kind: 'system', id: 'auto-reply' },
      text: WAIT.text.en,
    })
    // It answers nothing: the conversation still waits for an operator.
    const conv = await h.system.conversations.ask(id, { type: 'peek' })
    expect(conv?.hasUnansweredIncoming).toBe(true)
    expect(conv?.lastSeq).toBe(reply?.seq)

    await send(h, id, await h.visitorOf(id), 'anyone?')
    await advance(h, 10 * 60 * SECOND)
    expect(await waitingReplies(h, id)).toHaveLength(1)
  })

  test('waiting reply - an operator answer ends the wait; the next visitor message starts a new one', async () => {
    const h = await harness()
    const id = await h.start()
    await advance(h, 60 * SECOND)
    await send(h, id, h.operator(h.ops[0] as string), 'Looking into it')
    await advance(h, 10 * 60 * SECOND)
    expect(await waitingReplies(h, id)).toEqual([])

    await send(h, id, await h.visitorOf(id), 'any news?')
    const asked = h.clock.now()
    await advance(h, 120 * SECOND)
    const replies = await waitingReplies(h, id)
    expect(replies.map((m) => [m.clientMsgId, m.createdAt])).toEqual([
      [`waiting:${asked}`, asked + 120 * SECOND],
    ])
  })

  test('waiting reply - off, or off before its time, sends nothing; the delay follows the setting', async () => {
    const h = await harness()
    const id = await h.start()
    await configure(h, { waitingReply: { ...WAIT, on: false } })
    await advance(h, 10 * 60 * SECOND)
    expect(await waitingReplies(h, id)).toEqual([])

    // Switched on with a longer delay: counted from the start of the wait, so due at once.
    await configure(h, { waitingReply: { ...WAIT, afterSeconds: 300 } })
    await advance(h, 0)
    expect(await waitingReplies(h, id)).toHaveLength(1)
  })

  test('waiting reply - in the language the conversation started in', async () => {
    const h = await harness()
    const visitor: Principal = { kind: 'visitor', id: 'visitor-ru', inboxId: h.inboxId }
    const id = Bun.randomUUIDv7()
    await h.system.conversations.ask(id, {
      type: 'create',
      principal: visitor,
      first: { text: 'здравствуйте', clientMsgId: 'first' },
      locale: 'ru',
    })
    await h.settle()
    await advance(h, 120 * SECOND)
    expect((await waitingReplies(h, id)).map((m) => m.text)).toEqual([WAIT.text.ru])
  })

  test('waiting reply - outside the hours it waits for the opening, then the delay again', async () => {
    // Monday 2026-12-07 08:00 in Moscow; the branch opens at 09:00.
    h = await spawnRouting({ operators: 0, start: Date.parse('2026-12-07T05:00:00Z') })
    await configure(
      h,
      { waitingReply: WAIT },
      {
        timeZone: 'Europe/Moscow',
        week: { mon: [{ from: '09:00', to: '18:00' }] },
        exceptions: [],
      },
    )
    const id = await h.start()
    await advance(h, 30 * 60 * SECOND)
    expect(await waitingReplies(h, id)).toEqual([])
    await advance(h, 30 * 60 * SECOND) // 09:00: open, nobody has answered
    expect(await waitingReplies(h, id)).toEqual([])
    await advance(h, 120 * SECOND)
    expect((await waitingReplies(h, id)).map((m) => m.createdAt)).toEqual([
      Date.parse('2026-12-07T06:02:00Z'),
    ])
  })

  test('waiting reply - exactly once across restarts: due while down it goes at start, and never again', async () => {
    const h = await harness()
    const id = await h.start()
    await h.restart({ downMs: 5 * 60 * SECOND }) // down from before it was due to after
    // The reply goes from the restarted inbox actor through the conversation actor and the
    // writer thread; the harness's settle() reads actors' mailboxes, not the writer's, so wait
    // (bounded, no time passes on the fake clock) until it is stored, then hold it to one.
    const deadline = Date.now() + 5000
    while ((await waitingReplies(h, id)).length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10))
      await h.settle()
    }
    expect(await waitingReplies(h, id)).toHaveLength(1)

    await h.restart()
    await advance(h, 60 * 60 * SECOND)
    expect(await waitingReplies(h, id)).toHaveLength(1)
    // The stored summary and one rebuilt from the log agree: still unanswered.
    const loaded = await h.store.conversations.loadConversation(id)
    expect(loaded?.conversation.hasUnansweredIncoming).toBe(true)
    expect(await h.store.conversations.waitingState(id)).toMatchObject({ replied: true })
  })

  test('waiting reply - a repeated order for the same wait stores nothing more', async () => {
    const h = await harness()
    const id = await h.start()
    await advance(h, 120 * SECOND)
    const [reply] = await waitingReplies(h, id)
    const since = Number(reply?.clientMsgId?.slice('waiting:'.length))
    const again = await h.system.conversations.ask(id, {
      type: 'waiting_reply',
      since,
      text: WAIT.text,
    })
    expect(again).toBe(false)
    expect(await waitingReplies(h, id)).toHaveLength(1)
  })
})
