/**
 * The Telegram channel on a two-node cluster (issue 17, I5): one node at a time polls each bot
 * (the `telegram.poller` lease: never two getUpdates waiting at once), every update is stored
 * once, and when a node stops, the chats keep arriving through the other.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { useCluster, waitUntil, withClusterServices, type ClusterNode } from '../helpers/cluster.ts'
import { startBotApi } from '../helpers/telegram-bot-api.ts'

const BOT = '515151515:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw5'

function privateMessage(userId: number, messageId: number, text: string) {
  return {
    message: {
      message_id: messageId,
      date: 0,
      chat: { id: userId, type: 'private' },
      from: { id: userId, is_bot: false, first_name: `User ${userId}` },
      text,
    },
  }
}

await withClusterServices('the Telegram channel on a cluster', {}, () => {
  const bot = startBotApi([BOT])
  afterAll(() => bot.stop())
  const cluster = useCluster({
    nodes: 2,
    env: { TELEGRAM_API_URL: bot.url, TELEGRAM_POLL_SECONDS: '1', LEASE_TTL_MS: '2000' },
  })

  describe('the Telegram channel on a cluster (I5)', () => {
    test('telegram channel cluster - one poller at a time, every chat stored once, on through a stopped node', async () => {
      const c = cluster()
      const [n1, n2] = c.nodes as [ClusterNode, ClusterNode]
      const admin = await c.adminToken(n1)
      const inboxId = await c.defaultInboxId(n1)
      const made = await n1.http('/api/webhooks', {
        token: admin,
        body: { inboxId, url: 'telegram:visitor', events: ['message.created'], botToken: BOT },
      })
      expect(made.status).toBe(201)
      const telegramMessages = async (node: ClusterNode) => {
        const page = await node.http(`/api/inbox?inbox=${inboxId}&limit=100`, { token: admin })
        const ids = (page.body.items as { id: string; channel?: string }[])
          .filter((i) => i.channel === 'telegram')
          .map((i) => i.id)
        let texts: string[] = []
        for (const id of ids) {
          const history = await node.http(`/api/conversations/${id}/messages`, { token: admin })
          texts = texts.concat((history.body.messages as { text: string }[]).map((m) => m.text))
        }
        return texts.sort()
      }
      for (let user = 1; user <= 5; user++) bot.push(privateMessage(user, 1, `hello from ${user}`))
      await waitUntil('five chats', async () => (await telegramMessages(n2)).length === 5, {
        timeoutMs: 30_000,
      })
      expect(await telegramMessages(n2)).toEqual([1, 2, 3, 4, 5].map((u) => `hello from ${u}`))
      expect(bot.maxConcurrentPolls).toBe(1)

      // One node goes; whichever polled, the other carries on (after the lease, if need be).
      await n1.stop()
      for (let user = 1; user <= 5; user++) bot.push(privateMessage(user, 2, `again ${user}`))
      await waitUntil('the second round', async () => (await telegramMessages(n2)).length === 10, {
        timeoutMs: 30_000,
      })
      const texts = await telegramMessages(n2)
      expect(new Set(texts).size).toBe(10)
    }, 90_000)
  })
})
