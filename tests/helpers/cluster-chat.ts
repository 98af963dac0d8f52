/**
 * Chat roles on a multi-process cluster (tests/helpers/cluster.ts): visitors and operators
 * connected to chosen nodes over real WebSockets.
 */
import type { Cluster, ClusterNode } from './cluster.ts'
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
  return { id: created.body.id as string, token: login.body.token as string, ws }
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
    await Bun.sleep(100)
  }
}

/** Sum of a gauge over every running node's /metrics. */
export async function clusterGauge(cluster: Cluster, name: string): Promise<number[]> {
  const values: number[] = []
  for (const node of cluster.nodes) {
    if (!node.running) continue
    const res = await node.http('/metrics')
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
