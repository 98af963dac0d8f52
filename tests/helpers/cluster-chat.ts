/**
 * Chat roles on a multi-process cluster (tests/helpers/cluster.ts): visitors and operators
 * connected to chosen nodes over real WebSockets.
 */
import type { Cluster, ClusterNode } from './cluster.ts'
import { METRICS_TOKEN } from './server.ts'
import { TestClient, type Frame } from './ws.ts'

let counter = 0

/** A visitor with a token from `node`, connected to `node`. */
export async function visitorOn(cluster: Cluster, node: ClusterNode) {
  const session = await cluster.visitorToken(node)
  const ws = await TestClient.connect(node.wsUrl, { token: session.token })
  return { token: session.token as string, ws }
}

/** An operator (member of the default inbox) created through `node`, signed in on `node`. */
export async function operatorOn(
  cluster: Cluster,
  node: ClusterNode,
  o: { role?: 'operator' | 'supervisor' | 'admin'; canChat?: boolean } = {},
) {
  const inboxId = await cluster.defaultInboxId(node)
  const email = `cop${++counter}-${Math.random().toString(36).slice(2, 8)}@example.com`
  const password = 'operator-password-1'
  const created = await node.http('/api/admin/operators', {
    token: await cluster.adminToken(node),
    body: {
      email,
      name: `Cluster operator ${counter}`,
      password,
      role: o.role ?? 'operator',
      canChat: o.canChat ?? true,
      inboxIds: [inboxId],
    },
  })
  if (created.status !== 201) throw new Error(`operator create: ${JSON.stringify(created.body)}`)
  const login = await node.http('/api/auth/login', { body: { email, password } })
  if (login.status !== 200) throw new Error(`login: ${JSON.stringify(login.body)}`)
  const ws = await TestClient.connect(node.wsUrl, { token: login.body.token })
  return { id: created.body.id as string, token: login.body.token as string, ws, email, password }
}

/** Connects to another node with the same token (a reconnect after a node died). */
export function reconnect(node: ClusterNode, token: string): Promise<TestClient> {
  return TestClient.connect(node.wsUrl, { token })
}

/** A request retried while it fails with a retryable error (placement moving), bounded. */
export async function okEventually(
  client: TestClient,
  frame: Frame,
  withinMs = 15_000,
): Promise<any> {
  const deadline = Date.now() + withinMs
  for (;;) {
    const reply = await client.request(frame, Math.max(1000, deadline - Date.now()))
    if (reply.type === 'ack') return reply.data
    if (!reply.retryable || Date.now() > deadline) {
      throw new Error(`${frame.type} failed: ${JSON.stringify(reply)}`)
    }
    // As a client does: when the server says how long to wait (rate_limited), that long.
    const wait = typeof reply.retryAfterMs === 'number' ? reply.retryAfterMs : 100
    await Bun.sleep(Math.max(0, Math.min(wait, deadline - Date.now())))
  }
}

/**
 * One value per running node of a series from /metrics: a gauge (`parley_actors`) or a counter
 * (`parley_cluster_forwarded_total`; running totals are counters named `*_total`).
 */
export async function clusterGauge(cluster: Cluster, name: string): Promise<number[]> {
  const values: number[] = []
  for (const node of cluster.nodes) {
    if (!node.running) continue
    const res = await node.http('/metrics', { token: METRICS_TOKEN })
    const line = String(res.body)
      .split('\n')
      .find((l) => l.startsWith(name + ' ') || l.startsWith(name + '{'))
    values.push(line ? Number(line.split(' ').at(-1)) : 0)
  }
  return values
}

/** Patches the default inbox's settings (before visitors send: nodes cache them for 30 s). */
export async function setInboxSettings(
  cluster: Cluster,
  node: ClusterNode,
  settings: Record<string, number>,
): Promise<void> {
  const inboxId = await cluster.defaultInboxId(node)
  const res = await node.http(`/api/admin/inboxes/${inboxId}`, {
    method: 'PATCH',
    token: await cluster.adminToken(node),
    body: { settings },
  })
  if (res.status !== 200) throw new Error(`inbox settings: ${JSON.stringify(res.body)}`)
}

/**
 * A visitor sending steadily, one message in flight, to whichever node is up: an unanswered or
 * retryably refused send is retried with the same client id (on another node after its socket
 * dies). Records every ack; stops at `stop()` or after `maxMs`.
 */
export class SteadySender {
  readonly acked = new Map<string, { seq: number; messageId: string; duplicate: boolean }>()
  private stopping = false
  private ws: TestClient | null = null
  reconnects = 0
  retries = 0
  done: Promise<void> = Promise.resolve()

  constructor(
    private readonly cluster: Cluster,
    private readonly token: string,
    private readonly conversationId: string,
    private readonly prefix: string,
  ) {}

  start(maxMs = 60_000, gapMs = 20): this {
    this.done = this.run(Date.now() + maxMs, gapMs)
    return this
  }

  async stop(): Promise<void> {
    this.stopping = true
    await this.done
    this.ws?.close()
  }

  private async connect(): Promise<TestClient> {
    for (;;) {
      const up = this.cluster.nodes.filter((n) => n.running)
      const node = up[Math.floor(Math.random() * up.length)]
      if (node) {
        try {
          const ws = await TestClient.connect(node.wsUrl, { token: this.token })
          this.reconnects++
          return ws
        } catch {
          // Node going down or not ready yet: try another.
        }
      }
      await Bun.sleep(100)
    }
  }

  private async run(deadline: number, gapMs: number): Promise<void> {
    for (let i = 0; !this.stopping && Date.now() < deadline; i++) {
      const clientMsgId = `${this.prefix}-${i}`
      for (;;) {
        if (!this.ws || this.ws.closedWith) {
          this.ws?.close()
          this.ws = await this.connect()
        }
        const reply = await this.ws
          .request(
            { type: 'send', conversationId: this.conversationId, clientMsgId, text: clientMsgId },
            3000,
          )
          .catch(() => null)
        if (reply?.type === 'ack') {
          this.acked.set(clientMsgId, reply.data)
          break
        }
        if (reply?.type === 'error' && !reply.retryable) {
          throw new Error(`send refused: ${JSON.stringify(reply)}`)
        }
        this.retries++
        if (!reply) this.ws.close()
        if (Date.now() > deadline + 30_000) throw new Error(`no ack for ${clientMsgId}`)
        await Bun.sleep(reply ? (reply.retryAfterMs ?? 100) : 0)
      }
      if (gapMs) await Bun.sleep(gapMs)
    }
  }
}

/**
 * Every acked message of `senders` is stored exactly once with its acked seq, and the stored
 * messages' seqs strictly increase (read through `node`).
 */
export async function expectAllAckedStoredOnce(
  node: ClusterNode,
  token: string,
  conversationId: string,
  senders: SteadySender[],
): Promise<{ stored: number; acked: number }> {
  const messages: Array<{ id: string; seq: number; text: string }> = []
  let after = 0
  for (;;) {
    const res = await node.http(
      `/api/conversations/${conversationId}/messages?after=${after}&limit=100`,
      { token },
    )
    if (res.status !== 200) throw new Error(`history: ${JSON.stringify(res.body)}`)
    const page = res.body.messages as typeof messages
    messages.push(...page)
    if (page.length < 100) break
    after = page.at(-1)!.seq
  }
  const seqs = messages.map((m) => m.seq)
  for (let i = 1; i < seqs.length; i++) {
    if (!(seqs[i]! > seqs[i - 1]!)) throw new Error(`stored seqs out of order at ${i}: ${seqs}`)
  }
  const byText = new Map<string, number>()
  for (const m of messages) byText.set(m.text, (byText.get(m.text) ?? 0) + 1)
  let acked = 0
  for (const s of senders) {
    for (const [clientMsgId, ack] of s.acked) {
      acked++
      const stored = messages.filter((m) => m.id === ack.messageId)
      if (stored.length !== 1 || stored[0]!.seq !== ack.seq || stored[0]!.text !== clientMsgId) {
        throw new Error(`acked ${clientMsgId} (seq ${ack.seq}) stored as ${JSON.stringify(stored)}`)
      }
      if (byText.get(clientMsgId) !== 1) {
        throw new Error(`${clientMsgId} stored ${byText.get(clientMsgId) ?? 0} times`)
      }
    }
  }
  return { stored: messages.length, acked }
}
