/**
 * Timers survive their node (X3, R3): the node that owns the inbox actor (and so the pending
 * escalation timer) is killed with -9; the inbox activates on another node from the store and
 * the escalation still fires at its deadline. Real time: the shortest setting is one minute.
 * The same for a snooze's time and an SLA deadline (issue 20), with the owner that took over
 * killed in turn.
 */
import { describe, expect, test } from 'bun:test'
import { useCluster, withClusterServices, type ClusterNode } from '../helpers/cluster.ts'
import {
  clusterGauge,
  okEventually,
  operatorOn,
  setInboxSettings,
  visitorOn,
} from '../helpers/cluster-chat.ts'

await withClusterServices('cluster escalation', {}, () => {
  const cluster = useCluster({ nodes: 3, env: { LEASE_TTL_MS: '3000' } })

  describe('cluster escalation (X3)', () => {
    test('escalation - a timer armed before its node was killed fires on the new owner', async () => {
      const c = cluster()
      const [n1, n2, n3] = c.nodes as [ClusterNode, ClusterNode, ClusterNode]
      await setInboxSettings(c, n2, { escalationMinutes: 1 })
      // Node 1 started first: it activated the inbox actor.
      expect(await clusterGauge(c, 'parley_inbox_actors')).toEqual([1, 0, 0])
      const a = await operatorOn(c, n3)
      const b = await operatorOn(c, n3)
      for (const op of [a, b]) await op.ws.ok({ type: 'feed_subscribe' })
      // The inbox on node 1 reloads its settings, then routes the new conversation.
      await Bun.sleep(500)
      const visitor = await visitorOn(c, n2)
      const started = await okEventually(visitor.ws, {
        type: 'start',
        text: 'anyone?',
        clientMsgId: 'esc',
      })
      const id = started.conversation.id as string
      const routed = await Promise.race(
        [a, b].map((op) =>
          op.ws
            .next(
              (f) => f.type === 'feed' && f.name === 'alert' && f.data.conversationId === id,
              10_000,
            )
            .then((f) => ({ op, alert: f })),
        ),
      )
      const first = routed.op
      const second = first === a ? b : a
      const peek = await n2.http(`/api/conversations/${id}`, { token: visitor.token })
      const escalationAt = peek.body.conversation?.escalationAt ?? peek.body.escalationAt
      expect(typeof escalationAt).toBe('number')

      await n1.kill9()
      // Nobody opens it: after the deadline it moves to the other operator, told by the alert.
      const alert = await second.ws.next(
        (f) =>
          f.type === 'feed' &&
          f.name === 'alert' &&
          f.data.conversationId === id &&
          f.data.kind === 'assigned_to_you',
        90_000,
      )
      const firedAt = Date.now()
      expect(alert.data).toMatchObject({
        reason: 'escalation',
        assigneeId: second.id,
        previousAssigneeId: first.id,
      })
      expect(firedAt).toBeGreaterThanOrEqual(escalationAt - 50)
      expect(firedAt - escalationAt).toBeLessThan(10_000)
      console.log(
        `escalation fired ${firedAt - escalationAt} ms after its deadline, on a new owner`,
      )
      const inboxOwners = await clusterGauge(c, 'parley_inbox_actors')
      expect(inboxOwners.reduce((x, y) => x + y, 0)).toBe(1)
      for (const ws of [a.ws, b.ws, visitor.ws]) ws.close()
    }, 120_000)

    test('snooze and SLA - timers armed before their node was killed wake the conversation and record the breach on the new owner (issue 20)', async () => {
      const c = cluster()
      const live = c.nodes.filter((n) => n.running)
      const owners = await clusterGauge(c, 'parley_inbox_actors')
      const owner = live[owners.indexOf(1)] as ClusterNode
      const other = live.find((n) => n !== owner) as ClusterNode
      expect(owner).toBeDefined()
      const op = await operatorOn(c, other)
      const visitor = await visitorOn(c, other)
      const started = await okEventually(visitor.ws, {
        type: 'start',
        text: 'call me back in a bit',
        clientMsgId: 'snz',
      })
      const id = started.conversation.id as string
      await op.ws.ok({ type: 'subscribe', conversationId: id, afterSeq: 0 })
      // An SLA too (issue 20): its resolution deadline, a minute from the start, is a timer of
      // the same inbox actor.
      const inboxId = await c.defaultInboxId(other)
      const policy = await other.http(`/api/admin/inboxes/${inboxId}/sla-policies`, {
        token: await c.adminToken(other),
        body: { name: 'Cluster SLA', resolutionMinutes: 1 },
      })
      expect(policy.status).toBe(201)
      const applied = await other.http(`/api/conversations/${id}/sla`, {
        token: op.token,
        method: 'PUT',
        body: { policyId: policy.body.policy.id },
      })
      expect(applied.status).toBe(200)
      const due = applied.body.sla.resolutionDue as number
      const until = Date.now() + 6000
      const ack = await op.ws.ok({ type: 'snooze', conversationId: id, until })
      expect(ack.snooze).toEqual({ until })

      await owner.kill9()
      const woke = await op.ws.next(
        (f) => f.name === 'conversation.snoozed' && f.data.snooze === null,
        60_000,
      )
      const wokeAt = Date.now()
      expect(woke.data.by).toEqual({ kind: 'system', id: 'snooze' })
      expect(wokeAt).toBeGreaterThanOrEqual(until - 50)
      console.log(`snooze woke ${wokeAt - until} ms after its time, on a new owner`)
      const row = await other.http(`/api/conversations/${id}`, { token: op.token })
      expect(row.body.conversation.snooze).toBeUndefined()
      // The SLA's deadline, armed by the killed owner, is recorded once by the new one.
      const breach = await op.ws.next(
        (f) => f.name === 'conversation.sla' && f.data.change === 'breached',
        90_000,
      )
      const breachedAt = Date.now()
      expect(breach.data).toMatchObject({
        kind: 'resolution',
        due,
        by: { kind: 'system', id: 'sla' },
      })
      expect(breachedAt).toBeGreaterThanOrEqual(due - 50)
      console.log(`SLA breach recorded ${breachedAt - due} ms after its deadline, on a new owner`)
      const after = await other.http(`/api/conversations/${id}`, { token: op.token })
      expect(after.body.conversation.sla.breaches).toEqual([
        { kind: 'resolution', due, at: expect.any(Number) },
      ])
      for (const ws of [op.ws, visitor.ws]) ws.close()
    }, 150_000)
  })
})
