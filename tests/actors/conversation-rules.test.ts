import { afterEach, describe, expect, test } from 'bun:test'
import { rejectionOf } from '../db/fixtures.ts'
import {
  operator,
  spawnHarness,
  startConversation,
  visitor,
  type Harness,
} from './conversation-harness.ts'

let h: Harness
afterEach(async () => {
  await h?.close()
})

const ask = <K extends Parameters<Harness['registry']['ask']>[1]['type']>(
  id: string,
  cmd: Extract<Parameters<Harness['registry']['ask']>[1], { type: K }>,
) => h.registry.ask(id, cmd)

describe('conversation actor - receipts', () => {
  test('watermarks move up only, never past the newest event, and reading implies delivery', async () => {
    h = await spawnHarness()
    const id = await startConversation(h, visitor(), 'hi')
    const op = operator()
    expect(await ask(id, { type: 'mark', principal: op, deliveredSeq: 2 })).toMatchObject({
      deliveredSeq: 2,
      readSeq: 0,
    })
    expect(await ask(id, { type: 'mark', principal: op, readSeq: 999 })).toMatchObject({
      readSeq: 3,
      deliveredSeq: 3,
    })
    expect(await ask(id, { type: 'mark', principal: op, readSeq: 1 })).toMatchObject({
      readSeq: 3,
      deliveredSeq: 3,
    })
    const names = (await h.store.conversations.eventsAfter(id, 0, 100)).map((e) => e.name)
    expect(names).toEqual([
      'conversation.created',
      'message.created',
      'read.updated',
      'read.updated',
    ])
  })

  test('each operator has their own watermark', async () => {
    h = await spawnHarness()
    const id = await startConversation(h, visitor(), 'hi')
    await ask(id, { type: 'mark', principal: operator('a'), readSeq: 2 })
    const view = await ask(id, { type: 'open', principal: operator('b') })
    expect(view.readStates.map((r) => r.reader.id)).toEqual(['a'])
  })
})

describe('conversation actor - edit and delete (C6)', () => {
  test('the author edits while unread; the edit is a message.updated event', async () => {
    h = await spawnHarness()
    const id = await startConversation(h)
    const ack = await h.registry.ask(id, {
      type: 'send',
      principal: visitor(),
      clientMsgId: 'c1',
      text: 'helo',
    })
    const edited = await ask(id, {
      type: 'edit',
      principal: visitor(),
      messageId: ack.messageId,
      text: 'hello',
    })
    expect(edited.message).toMatchObject({ text: 'hello', seq: ack.seq })
    expect(edited.message.editedAt).not.toBeNull()
    const last = (await h.store.conversations.eventsAfter(id, ack.seq, 10))[0]
    expect(last).toMatchObject({ name: 'message.updated', seq: edited.seq })
  })

  test('edit after the other side read it is refused with MESSAGE_ALREADY_READ', async () => {
    h = await spawnHarness()
    const id = await startConversation(h)
    const ack = await h.registry.ask(id, {
      type: 'send',
      principal: visitor(),
      clientMsgId: 'c1',
      text: 'hello',
    })
    await ask(id, { type: 'mark', principal: operator(), readSeq: ack.seq })
    const before = await h.store.conversations.eventsAfter(id, 0, 100)
    expect(
      await rejectionOf(
        ask(id, { type: 'edit', principal: visitor(), messageId: ack.messageId, text: 'changed' }),
      ),
    ).toMatchObject({
      code: 'MESSAGE_ALREADY_READ',
    })
    expect(
      await rejectionOf(
        ask(id, { type: 'delete', principal: visitor(), messageId: ack.messageId }),
      ),
    ).toMatchObject({
      code: 'MESSAGE_ALREADY_READ',
    })
    expect(await h.store.conversations.eventsAfter(id, 0, 100)).toEqual(before)
  })

  test("one's own reading does not block editing", async () => {
    h = await spawnHarness()
    const id = await startConversation(h)
    const ack = await h.registry.ask(id, {
      type: 'send',
      principal: visitor(),
      clientMsgId: 'c1',
      text: 'hello',
    })
    await ask(id, { type: 'mark', principal: visitor(), readSeq: ack.seq })
    expect(
      await ask(id, { type: 'edit', principal: visitor(), messageId: ack.messageId, text: 'ok' }),
    ).toBeDefined()
  })

  test('only the author may edit or delete: MESSAGE_ACTION_FORBIDDEN', async () => {
    h = await spawnHarness()
    const id = await startConversation(h)
    const ack = await h.registry.ask(id, {
      type: 'send',
      principal: operator('a'),
      clientMsgId: 'c1',
      text: 'hello',
    })
    expect(
      await rejectionOf(
        ask(id, { type: 'edit', principal: operator('b'), messageId: ack.messageId, text: 'x' }),
      ),
    ).toMatchObject({
      code: 'MESSAGE_ACTION_FORBIDDEN',
    })
    expect(
      await rejectionOf(
        ask(id, { type: 'delete', principal: visitor(), messageId: ack.messageId }),
      ),
    ).toMatchObject({
      code: 'MESSAGE_ACTION_FORBIDDEN',
    })
  })

  test('delete is soft: history keeps the row with empty text; a second delete or edit is refused', async () => {
    h = await spawnHarness()
    const id = await startConversation(h)
    const ack = await h.registry.ask(id, {
      type: 'send',
      principal: visitor(),
      clientMsgId: 'c1',
      text: 'secret',
    })
    const deleted = await ask(id, {
      type: 'delete',
      principal: visitor(),
      messageId: ack.messageId,
    })
    expect(deleted.message).toMatchObject({
      text: '',
      deletedBy: { kind: 'visitor', id: 'visitor-1' },
    })
    const [row] = await h.store.queries.listMessages(id, { limit: 10 })
    expect(row).toMatchObject({ id: ack.messageId, text: '' })
    expect(row?.deletedAt).not.toBeNull()
    const replay = await h.store.conversations.eventsAfter(id, 0, 100)
    expect(JSON.stringify(replay)).not.toContain('secret')
    expect(
      await rejectionOf(
        ask(id, { type: 'delete', principal: visitor(), messageId: ack.messageId }),
      ),
    ).toMatchObject({
      code: 'MESSAGE_ALREADY_DELETED',
    })
    expect(
      await rejectionOf(
        ask(id, { type: 'edit', principal: visitor(), messageId: ack.messageId, text: 'x' }),
      ),
    ).toMatchObject({
      code: 'MESSAGE_ALREADY_DELETED',
    })
  })

  test('a message of another conversation is not found', async () => {
    h = await spawnHarness()
    const a = await startConversation(h)
    const b = await startConversation(h)
    const ack = await h.registry.ask(a, {
      type: 'send',
      principal: visitor(),
      clientMsgId: 'c1',
      text: 'hello',
    })
    expect(
      await rejectionOf(
        ask(b, { type: 'edit', principal: visitor(), messageId: ack.messageId, text: 'x' }),
      ),
    ).toMatchObject({
      code: 'not_found',
    })
  })
})

describe('conversation actor - status and unanswered marker', () => {
  test('hasUnansweredIncoming follows the last message side', async () => {
    h = await spawnHarness()
    const id = await startConversation(h)
    const flag = async () =>
      (await ask(id, { type: 'open', principal: operator() })).conversation.hasUnansweredIncoming
    expect(await flag()).toBe(false)
    await h.registry.ask(id, {
      type: 'send',
      principal: visitor(),
      clientMsgId: 'c1',
      text: 'help?',
    })
    expect(await flag()).toBe(true)
    await h.registry.ask(id, {
      type: 'send',
      principal: operator(),
      clientMsgId: 'o1',
      text: 'sure',
    })
    expect(await flag()).toBe(false)
  })

  test('a visitor message reopens a resolved conversation: status event first, then the message', async () => {
    h = await spawnHarness()
    const id = await startConversation(h, visitor(), 'hi')
    await ask(id, { type: 'set_status', principal: operator(), status: 'resolved' })
    const ack = await h.registry.ask(id, {
      type: 'send',
      principal: visitor(),
      clientMsgId: 'c2',
      text: 'one more thing',
    })
    const tail = await h.store.conversations.eventsAfter(id, ack.seq - 2, 10)
    expect(tail.map((e) => e.name)).toEqual(['conversation.status', 'message.created'])
    expect(tail[0]).toMatchObject({ data: { status: 'open', by: { kind: 'visitor' } } })
  })

  test('an operator message does not reopen; setting the same status is a no-op', async () => {
    h = await spawnHarness()
    const id = await startConversation(h)
    const closed = await ask(id, { type: 'set_status', principal: operator(), status: 'closed' })
    expect(await ask(id, { type: 'set_status', principal: operator(), status: 'closed' })).toEqual(
      closed,
    )
    await h.registry.ask(id, {
      type: 'send',
      principal: operator(),
      clientMsgId: 'o1',
      text: 'bye',
    })
    expect((await ask(id, { type: 'open', principal: operator() })).conversation.status).toBe(
      'closed',
    )
  })
})

describe('conversation actor - access (S1, O6)', () => {
  test("another visitor's conversation looks exactly like a missing one", async () => {
    h = await spawnHarness()
    const id = await startConversation(h)
    const stranger = visitor('visitor-2')
    for (const cmd of [
      { type: 'open' as const, principal: stranger },
      { type: 'send' as const, principal: stranger, clientMsgId: 'x', text: 'hi' },
      { type: 'typing' as const, principal: stranger, on: true },
    ]) {
      expect(await rejectionOf(h.registry.ask(id, cmd))).toMatchObject({
        code: 'not_found',
        message: 'conversation not found',
      })
    }
    expect(
      await rejectionOf(h.registry.ask(Bun.randomUUIDv7(), { type: 'open', principal: stranger })),
    ).toMatchObject({
      code: 'not_found',
      message: 'conversation not found',
    })
  })

  test('an operator without the chat permission is refused; a supervisor may only view', async () => {
    h = await spawnHarness()
    const id = await startConversation(h)
    const noChat = operator('x', { canChat: false })
    expect(
      await rejectionOf(h.registry.ask(id, { type: 'open', principal: noChat })),
    ).toMatchObject({
      code: 'forbidden',
    })
    const supervisor = operator('s', { canChat: false, role: 'supervisor' })
    expect(await h.registry.ask(id, { type: 'open', principal: supervisor })).toBeDefined()
    expect(
      await rejectionOf(
        h.registry.ask(id, { type: 'send', principal: supervisor, clientMsgId: 'c', text: 'x' }),
      ),
    ).toMatchObject({
      code: 'forbidden',
    })
  })

  test('visitors cannot change the status', async () => {
    h = await spawnHarness()
    const id = await startConversation(h)
    expect(
      await rejectionOf(ask(id, { type: 'set_status', principal: visitor(), status: 'closed' })),
    ).toMatchObject({ code: 'forbidden' })
  })

  test('a visitor may hold several conversations', async () => {
    h = await spawnHarness()
    const a = await startConversation(h, visitor(), 'first')
    const b = await startConversation(h, visitor(), 'second')
    const list = await h.store.queries.listVisitorConversations('visitor-1')
    expect(list.map((c) => c.id).sort()).toEqual([a, b].sort())
  })
})

describe('conversation actor - memory', () => {
  test('probing conversation ids that do not exist leaves no actor behind', async () => {
    h = await spawnHarness()
    for (let i = 0; i < 50; i++) {
      expect(
        await rejectionOf(
          h.registry.ask(Bun.randomUUIDv7(), { type: 'open', principal: visitor() }),
        ),
      ).toMatchObject({ code: 'not_found' })
    }
    expect(h.registry.size).toBe(0)
    const id = await startConversation(h)
    expect(h.registry.size).toBe(1)
    expect((await h.registry.ask(id, { type: 'open', principal: visitor() })).conversation.id).toBe(
      id,
    )
  })
})
