/**
 * Automatic replies across kill -9 (R7): the reply to a first message is stored in the same
 * transaction as the conversation and that message, so a process killed before the write keeps
 * neither, one killed after it keeps both, and the visitor's retry (same client id) after the
 * restart never adds a second reply. The waiting reply, sent by a timer, is found again from the
 * store after a restart and stored once per wait. A real single node on SQLite, killed for real.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { storedMessagesIn } from '../helpers/faults.ts'
import { ADMIN, startNode, waitUntil } from '../helpers/cluster.ts'
import { TestClient } from '../helpers/ws.ts'

const dir = mkdtempSync(join(tmpdir(), 'parley-auto-reply-kill-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The node stops itself (SIGSTOP) right before storing a message with this text. */
const FREEZE = 'freeze before this is stored'

describe('faults - automatic replies across kill -9', () => {
  test('auto-reply kill - killed before or after the first write, a retried start leaves one message and one reply', async () => {
    const dbPath = join(dir, 'parley.db')
    const node = await startNode({
      id: 'auto-reply-kill',
      natsUrl: null,
      databaseUrl: `sqlite:${dbPath}`,
      secret: 'x'.repeat(40),
      env: { PARLEY_FAILPOINT: `pause-before-write:${FREEZE}` },
    })
    const clients: TestClient[] = []
    try {
      const admin = (await node.http('/api/auth/login', { body: ADMIN })).body.token as string
      const inboxId = (await node.http('/api/admin/inboxes', { token: admin })).body.inboxes[0]
        .id as string
      const patched = await node.http(`/api/admin/branches/${inboxId}`, {
        method: 'PATCH',
        token: admin,
        body: {
          settings: {
            offlineReply: { on: true, text: { en: 'Back soon.', ru: 'Скоро вернёмся.' } },
          },
        },
      })
      expect(patched.status).toBe(200)
      const token = (await node.http('/api/visitor/session', { body: { inboxId } })).body.token
      const connect = async () => {
        const c = await TestClient.connect(node.wsUrl, { token })
        clients.push(c)
        return c
      }

      // 1. Killed before the write: the start is never answered and nothing is stored.
      const frozen = await connect()
      const lost = frozen.request({ type: 'start', clientMsgId: 'a', text: FREEZE }, 60_000)
      lost.catch(() => {})
      await waitUntil(
        'the node to freeze',
        async () =>
          (await fetch(`${node.url}/healthz`, { signal: AbortSignal.timeout(300) }).catch(
            () => null,
          )) === null,
        { timeoutMs: 10_000, intervalMs: 50 },
      )
      expect((await node.kill9()).signal).toBe('SIGKILL')
      expect(storedMessagesIn(dbPath).filter((m) => m.clientMsgId === 'a')).toEqual([])

      // Restarted without the failpoint: the retry creates it, once, with its reply.
      await node.restart({ env: { PARLEY_FAILPOINT: '' } })
      const retry = await connect()
      const first = await retry.ok({ type: 'start', clientMsgId: 'a', text: FREEZE })
      expect(first.message.duplicate).toBe(false)

      // 2. Killed right after the ack: both are in the file, and a retry adds nothing.
      const second = await retry.ok({ type: 'start', clientMsgId: 'b', text: 'second' })
      expect((await node.kill9()).signal).toBe('SIGKILL')
      await node.restart()
      const again = await connect()
      const retried = await again.ok({ type: 'start', clientMsgId: 'b', text: 'second' })
      expect(retried.message).toMatchObject({ duplicate: true, seq: second.message.seq })
      const replayedA = await again.ok({ type: 'start', clientMsgId: 'a', text: FREEZE })
      expect(replayedA.message.duplicate).toBe(true)

      const stored = storedMessagesIn(dbPath)
      for (const conversationId of [first.conversation.id, second.conversation.id]) {
        const rows = stored.filter((m) => m.conversationId === conversationId)
        expect(rows.map((m) => [m.seq, m.text])).toEqual([
          [2, conversationId === first.conversation.id ? FREEZE : 'second'],
          [3, 'Back soon.'],
        ])
      }
      expect((await node.stop()).code).toBe(0)
    } finally {
      for (const c of clients) c.close()
      if (node.running) await node.kill9()
    }
  }, 90_000)

  test('auto-reply kill - the waiting reply: killed before its write it goes after the restart, and a second restart adds none', async () => {
    const dbPath = join(dir, 'waiting.db')
    const WAITING = 'waiting reply: freeze before this is stored'
    const node = await startNode({
      id: 'waiting-reply-kill',
      natsUrl: null,
      databaseUrl: `sqlite:${dbPath}`,
      secret: 'x'.repeat(40),
      env: { PARLEY_FAILPOINT: `pause-before-write:${WAITING}` },
    })
    const clients: TestClient[] = []
    try {
      const admin = (await node.http('/api/auth/login', { body: ADMIN })).body.token as string
      const inboxId = (await node.http('/api/admin/inboxes', { token: admin })).body.inboxes[0]
        .id as string
      const patched = await node.http(`/api/admin/branches/${inboxId}`, {
        method: 'PATCH',
        token: admin,
        body: {
          settings: {
            waitingReply: { on: true, afterSeconds: 10, text: { en: WAITING, ru: WAITING } },
          },
        },
      })
      expect(patched.status).toBe(200)
      const token = (await node.http('/api/visitor/session', { body: { inboxId } })).body.token
      const visitor = await TestClient.connect(node.wsUrl, { token })
      clients.push(visitor)
      const started = await visitor.ok({ type: 'start', clientMsgId: 'w', text: 'anyone there?' })
      const conversationId = started.conversation.id as string
      const replies = (id: string) =>
        storedMessagesIn(dbPath).filter((m) => m.conversationId === id && m.text === WAITING)

      // Ten seconds on, nobody has answered: the reply is about to be stored, and the node dies.
      await waitUntil(
        'the node to freeze before storing the waiting reply',
        async () =>
          (await fetch(`${node.url}/healthz`, { signal: AbortSignal.timeout(300) }).catch(
            () => null,
          )) === null,
        { timeoutMs: 30_000, intervalMs: 100 },
      )
      expect((await node.kill9()).signal).toBe('SIGKILL')
      expect(replies(conversationId)).toEqual([])

      // Restarted: the wait is found in the store and, overdue, answered at once.
      await node.restart({ env: { PARLEY_FAILPOINT: '' } })
      await waitUntil(
        'the waiting reply after the restart',
        async () => replies(conversationId).length > 0,
        {
          timeoutMs: 15_000,
          intervalMs: 100,
        },
      )

      // Killed after it was stored: the next start finds it and sends nothing more. A second
      // conversation's reply, ten seconds after it starts, shows the restarted node's timers ran.
      expect((await node.kill9()).signal).toBe('SIGKILL')
      await node.restart()
      const again = await TestClient.connect(node.wsUrl, { token })
      clients.push(again)
      const second = await again.ok({ type: 'start', clientMsgId: 'w2', text: 'me too' })
      const secondId = second.conversation.id as string
      await waitUntil(
        "the second conversation's waiting reply",
        async () => replies(secondId).length > 0,
        {
          timeoutMs: 30_000,
          intervalMs: 200,
        },
      )
      expect(replies(conversationId)).toHaveLength(1)
      expect(replies(secondId)).toHaveLength(1)
      expect((await node.stop()).code).toBe(0)
    } finally {
      for (const c of clients) c.close()
      if (node.running) await node.kill9()
    }
  }, 120_000)
})
