/**
 * Timers survive their node (X3, R3): the node that owns the inbox actor (and so the pending
 * escalation timer) is killed with -9; the inbox activates on another node from the store and
 * the escalation still fires at its deadline. Real time: the shortest setting is one minute.
 * The same for an SLA deadline armed beside it (issue 20), and for a snooze's time with the owner
 * that took over killed in turn.
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
    // One minute of real time for three timers at once: the escalation and an SLA deadline armed
    // on the first owner, then a snooze armed on the owner that took over, killed in turn.
    test('escalation, SLA and snooze - timers armed before their node was killed fire on the new owner, and on the next one after it (issue 20)', async () => {
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
      // An SLA too (issue 20), on a second conversation (an operator who opened the first one
      // would stop its escalation): its resolution deadline, a minute from now, is a timer of the
      // same inbox actor. The operators' feed tells of its breach.
      const slaVisitor = await visitorOn(c, n2)
      const slaStarted = await okEventually(slaVisitor.ws, {
        type: 'start',
        text: 'how long will it take?',
        clientMsgId: 'sla',
      })
      const slaId = slaStarted.conversation.id as string
      const inboxId = await c.defaultInboxId(n2)
      const policy = await n2.http(`/api/admin/inboxes/${inboxId}/sla-policies`, {
        token: await c.adminToken(n2),
        body: { name: 'Cluster SLA', resolutionMinutes: 1 },
      })
      expect(policy.status).toBe(201)
      const applied = await n2.http(`/api/conversations/${slaId}/sla`, {
        token: first.token,
        method: 'PUT',
        body: { policyId: policy.body.policy.id },
      })
      expect(applied.status).toBe(200)
      const due = applied.body.sla.resolutionDue as number

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
      // The SLA's deadline, armed by the killed owner, is recorded once by the new one.
      const breach = await second.ws.next(
        (f) =>
          f.type === 'feed' &&
          f.name === 'conversation' &&
          f.data.conversation.id === slaId &&
          f.data.change === 'sla_breached',
        30_000,
      )
      const breachedAt = Date.now()
      expect(breach.data.conversation.sla.breaches).toEqual([
        { kind: 'resolution', due, at: expect.any(Number) },
      ])
      expect(breachedAt).toBeGreaterThanOrEqual(due - 50)
      console.log(`SLA breach recorded ${breachedAt - due} ms after its deadline, on a new owner`)
      const after = await n2.http(`/api/conversations/${slaId}`, { token: second.token })
      expect(after.body.conversation.sla.breaches).toEqual([
        { kind: 'resolution', due, at: expect.any(Number) },
      ])
      for (const ws of [a.ws, b.ws, visitor.ws, slaVisitor.ws]) ws.close()

      // A snooze armed on the owner that took over, which is killed in turn.
      const live = c.nodes.filter((n) => n.running)
      const owner = live[inboxOwners.indexOf(1)] as ClusterNode
      const other = live.find((n) => n !== owner) as ClusterNode
      expect(owner).toBeDefined()
      const op = await operatorOn(c, other)
      const visitor2 = await visitorOn(c, other)
      const started2 = await okEventually(visitor2.ws, {
        type: 'start',
        text: 'call me back in a bit',
        clientMsgId: 'snz',
      })
      const id2 = started2.conversation.id as string
      await op.ws.ok({ type: 'subscribe', conversationId: id2, afterSeq: 0 })
      const until = Date.now() + 6000
      const ack = await op.ws.ok({ type: 'snooze', conversationId: id2, until })
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
      const row = await other.http(`/api/conversations/${id2}`, { token: op.token })
      expect(row.body.conversation.snooze).toBeUndefined()
      for (const ws of [op.ws, visitor2.ws]) ws.close()
    }, 180_000)
  })
})
