/**
 * Operator feed batching (issue 12): what an operator's feed produces within one event-loop turn
 * leaves as one WebSocket message, coalesced (newest badges and status, newest state of each
 * conversation, every alert), encoded once: the same bytes for every connection of the operator,
 * in JSON and in MessagePack. One real server for the file; operator `a` has four tabs, `b` is
 * away, so routing gives every new conversation to `a`.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { FeedFrame } from '../../protocol/index.ts'
import { coalesceFeed, feedJson, feedMessage } from '../../server/realtime/feed-batch.ts'
import { Hub, type HubRelay } from '../../server/realtime/hub.ts'
import { httpStart, httpSend } from '../helpers/http.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { TestClient, type Frame, type Received } from '../helpers/ws.ts'

let s: TestServer
const clients: TestClient[] = []
let a: { id: string; token: string; tabs: TestClient[] }
let b: { id: string; token: string; tab: TestClient }

async function tab(token: string, format: 'json' | 'msgpack' = 'json'): Promise<TestClient> {
  const c = await TestClient.connect(s.wsUrl, { token, format })
  clients.push(c)
  await c.ok({ type: 'feed_subscribe' })
  return c
}

beforeAll(async () => {
  s = await startTestServer()
  const inboxIds = [await s.defaultInboxId()]
  const opA = await s.operator({ inboxIds })
  const opB = await s.operator({ inboxIds })
  a = {
    ...opA,
    tabs: [
      await tab(opA.token),
      await tab(opA.token),
      await tab(opA.token, 'msgpack'),
      await tab(opA.token, 'msgpack'),
    ],
  }
  b = { ...opB, tab: await tab(opB.token) }
  await b.tab.ok({ type: 'set_operator_status', status: 'away' })
})

afterAll(async () => {
  for (const c of clients) c.close()
  await s.stop()
})

const isFeed = (f: Frame, name: string) => f.type === 'feed' && f.name === name
const namesOf = (m: Received): string[] =>
  m.frame.name === 'batch' ? m.frame.data.frames.map((f: Frame) => f.name) : [m.frame.name]

/** The feed frame at or after frame index `since` of c that matches, once it has arrived. */
function feedAfter(c: TestClient, since: number, match: (f: Frame) => boolean): Promise<Frame> {
  return c.next((f) => f.type === 'feed' && c.frames.indexOf(f) >= since && match(f))
}

/** The WebSocket message that carried frame f (alone or in a batch). */
function messageOf(c: TestClient, f: Frame): Received {
  const m = c.messages.find(
    (m) => m.frame === f || (m.frame.name === 'batch' && m.frame.data.frames.includes(f)),
  )
  if (!m) throw new Error('frame not received')
  return m
}

/** Waits for the frame matching on every tab of a; returns the messages that carried it. */
async function onEveryTab(match: (f: Frame) => boolean, since: number[]): Promise<Received[]> {
  return Promise.all(
    a.tabs.map(async (c, i) => messageOf(c, await feedAfter(c, since[i] as number, match))),
  )
}

/** The same message on every tab: identical bytes per format, the same frames in both. */
function expectSameEverywhere([json1, json2, pack1, pack2]: Received[]): void {
  expect(json1?.data).toBeString()
  expect(json2?.data).toBe(json1?.data as string)
  expect(pack1?.data).toBeInstanceOf(Uint8Array)
  expect(Buffer.from(pack2?.data as Uint8Array).equals(pack1?.data as Uint8Array)).toBe(true)
  expect(pack1?.frame).toEqual(json1?.frame as Frame)
}

async function badgesOf(token: string) {
  return (await s.http('/api/me/badges', { token })).body.badges
}

/** A conversation started by a new visitor, once a's feed shows it assigned to a. */
async function assignedToA(text: string) {
  const since = a.tabs[0]!.frames.length
  const conv = await httpStart(s, undefined, text)
  await feedAfter(
    a.tabs[0]!,
    since,
    (f) =>
      isFeed(f, 'conversation') &&
      f.data.conversation.id === conv.id &&
      f.data.conversation.assigneeId === a.id,
  )
  return conv
}

describe('feed batches on the wire', () => {
  test('feed batch - a visitor reopening a conversation (two changes) reaches every tab as one message, newest badges last', async () => {
    const conv = await assignedToA('hello')
    await a.tabs[0]!.ok({ type: 'set_status', conversationId: conv.id, status: 'resolved' })
    await feedAfter(
      a.tabs[0]!,
      0,
      (f) => isFeed(f, 'conversation') && f.data.conversation.status === 'resolved',
    )
    const since = a.tabs.map((c) => c.frames.length)
    const sinceMessages = a.tabs[0]!.messages.length

    await httpSend(s, conv.token, conv.id, 'v2', 'it broke again')
    const carried = await onEveryTab(
      (f) => isFeed(f, 'conversation') && f.data.change === 'message',
      since,
    )
    expectSameEverywhere(carried)
    const batch = carried[0]!.frame
    // The reopening `status` change was superseded by the `message` one of the same turn.
    expect(namesOf(carried[0]!)).toEqual(['conversation', 'badges'])
    expect(batch.data.frames[0].data).toMatchObject({
      change: 'message',
      unread: 2,
      conversation: { id: conv.id, status: 'open' },
    })
    expect(batch.data.frames[1].data).toEqual(await badgesOf(a.token))
    expect(a.tabs[0]!.messages.slice(sinceMessages)).toHaveLength(1)
  })

  test('feed batch - a transfer: conversation, alert and badges in one message; no alert lost when several come at once', async () => {
    const one = await assignedToA('first')
    const two = await assignedToA('second')
    const sinceB = b.tab.frames.length
    await Promise.all(
      [one, two].map((c) =>
        a.tabs[0]!.ok({ type: 'assign', conversationId: c.id, operatorId: b.id }),
      ),
    )
    for (const c of [one, two]) {
      const alert = await feedAfter(
        b.tab,
        sinceB,
        (f) => isFeed(f, 'alert') && f.data.conversationId === c.id,
      )
      expect(alert.data).toMatchObject({ kind: 'assigned_to_you', assigneeId: b.id })
      expect(namesOf(messageOf(b.tab, alert))).toContain('conversation')
    }

    const since = a.tabs.map((c) => c.frames.length)
    await b.tab.ok({ type: 'assign', conversationId: one.id, operatorId: a.id })
    const carried = await onEveryTab(
      (f) => isFeed(f, 'alert') && f.data.conversationId === one.id,
      since,
    )
    expectSameEverywhere(carried)
    expect(namesOf(carried[0]!)).toEqual(['conversation', 'alert', 'badges'])
    expect(carried[0]!.frame.data.frames[1].data).toMatchObject({
      kind: 'assigned_to_you',
      previousAssigneeId: b.id,
    })
  })

  test('feed batch - a burst of visitor messages: several changes per message, at most one badges each, totals always matching the unread counts', async () => {
    const visitors = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const conv = await assignedToA(`burst ${i}`)
        const ws = await TestClient.connect(s.wsUrl, { token: conv.token })
        clients.push(ws)
        return { conv, ws }
      }),
    )
    const feed = a.tabs[0]!
    const sinceMessages = feed.messages.length
    const multiMessage = (m: Received) =>
      m.frame.name === 'batch' &&
      m.frame.data.frames.filter((f: Frame) => f.name === 'conversation').length >= 2
    // Sends written in one turn commit together; their feed frames then share a message.
    for (
      let round = 0;
      round < 6 && !feed.messages.slice(sinceMessages).some(multiMessage);
      round++
    ) {
      const since = feed.frames.length
      await Promise.all(
        visitors.map(({ conv, ws }) =>
          ws.ok({ type: 'send', conversationId: conv.id, clientMsgId: `r${round}`, text: 'hi' }),
        ),
      )
      const totals = await badgesOf(a.token)
      await feedAfter(feed, since, (f) => isFeed(f, 'badges') && Bun.deepEquals(f.data, totals))
    }
    const received = feed.messages.slice(sinceMessages)
    expect(received.some(multiMessage)).toBe(true)

    // Every message so far, from the first: applied in order, the totals always sum the
    // per-conversation counts, so no badges frame ran ahead of (or behind) the frames it counts.
    const unread = new Map<string, number>()
    for (const m of feed.messages) {
      if (m.frame.type !== 'feed') continue
      const frames: Frame[] = m.frame.name === 'batch' ? m.frame.data.frames : [m.frame]
      expect(frames.filter((f) => f.name === 'badges').length).toBeLessThanOrEqual(1)
      for (const f of frames) {
        if (f.name === 'conversation') unread.set(f.data.conversation.id, f.data.unread ?? 0)
        if (f.name === 'badges') {
          expect(f.data.unread).toBe([...unread.values()].reduce((x, y) => x + y, 0))
        }
      }
    }
  })
})

describe('coalescing rules', () => {
  const conv = (id: string, change: string, unread: number): FeedFrame => ({
    type: 'feed',
    name: 'conversation',
    data: { conversation: { id } as never, change, unread },
  })
  const badges = (unread: number): FeedFrame => ({
    type: 'feed',
    name: 'badges',
    data: { unread, unanswered: unread },
  })
  const status = (s: 'online' | 'away'): FeedFrame => ({
    type: 'feed',
    name: 'status',
    data: { status: s, present: true },
  })
  const alert = (id: string): FeedFrame => ({
    type: 'feed',
    name: 'alert',
    data: {
      kind: 'assigned_to_you',
      conversationId: id,
      reason: 'manual',
      assigneeId: 'a',
      previousAssigneeId: 'b',
    },
  })

  test('feed batch - only the newest badges and status survive, badges last; every alert stays, in order', () => {
    const frames = [status('away'), badges(1), alert('x'), badges(2), status('online'), alert('y')]
    expect(coalesceFeed(frames)).toEqual([alert('x'), status('online'), alert('y'), badges(2)])
  })

  test('feed batch - per conversation the newest state survives, with the newest created and message changes before it', () => {
    const frames = [
      conv('c1', 'created', 1),
      conv('c1', 'message', 1),
      conv('c2', 'read', 0),
      conv('c1', 'message', 2),
      conv('c2', 'assigned', 0),
      conv('c1', 'read', 0),
    ]
    expect(coalesceFeed(frames)).toEqual([
      conv('c1', 'created', 1),
      conv('c1', 'message', 2),
      conv('c2', 'assigned', 0),
      conv('c1', 'read', 0),
    ])
  })

  test('feed batch - a resync stays where it is and supersedes the badges and status before it, not those after', () => {
    const resync = (unread: number): FeedFrame => ({
      type: 'feed',
      name: 'resync',
      data: {
        status: 'online',
        present: true,
        badges: { unread, unanswered: unread },
        unread: { c1: unread },
      },
    })
    expect(
      coalesceFeed([badges(1), status('away'), conv('c1', 'message', 1), resync(2), alert('x')]),
    ).toEqual([conv('c1', 'message', 1), resync(2), alert('x')])
    expect(coalesceFeed([badges(1), resync(2), status('away'), badges(3)])).toEqual([
      resync(2),
      status('away'),
      badges(3),
    ])
  })

  test('feed batch - a single frame goes bare, several go as one batch frame', () => {
    expect(feedMessage([badges(1)])).toEqual(badges(1))
    expect(feedMessage([alert('x'), badges(1)])).toEqual({
      type: 'feed',
      name: 'batch',
      data: { frames: [alert('x'), badges(1)] },
    })
  })

  test('feed batch - the JSON text reads back as JSON.stringify of the message; a shared conversation is encoded once', () => {
    // A conversation as the wire has it: nested values, text that needs escaping.
    const shared = {
      id: 'c1',
      inboxId: 'i1',
      status: 'open',
      assigneeId: null,
      lastSeq: 7,
      attributes: { plan: 'pro "gold"\n', seats: 3 },
      labels: ['vip', 'ü'],
    } as never
    const frames: FeedFrame[] = [
      {
        type: 'feed',
        name: 'conversation',
        data: { conversation: shared, change: 'message', unread: 2 },
      },
      {
        type: 'feed',
        name: 'conversation',
        data: { conversation: shared, change: 'read', unread: null },
      },
      alert('x'),
      status('online'),
      badges(3),
    ]
    for (const message of [feedMessage(frames), frames[0]!, frames[1]!, badges(1)]) {
      expect(JSON.parse(feedJson(message))).toEqual(JSON.parse(JSON.stringify(message)))
    }
    // Encoded once per object: a later change of the same id is a new snapshot, read anew.
    let calls = 0
    const counted = {
      toJSON() {
        calls++
        return { id: 'c2' }
      },
    } as never
    const four = Array.from({ length: 4 }, (_, i): FeedFrame => ({
      type: 'feed',
      name: 'conversation',
      data: { conversation: counted, change: 'message', unread: i },
    }))
    for (const frame of four) feedJson(feedMessage([frame, badges(1)]))
    expect(calls).toBe(1)
  })

  test('feed batch - in a cluster, one relay publish per operator per event-loop turn', async () => {
    const published: Array<[string, unknown]> = []
    const relay: HubRelay = {
      publish: (subject, payload) => void published.push([subject, payload]),
      watch: () => () => {},
      ready: async () => {},
    }
    const hub = new Hub(relay)
    // Their actors (here) say other nodes may watch; op3's says none does.
    hub.watchedElsewhere('op1', true)
    hub.watchedElsewhere('op2', true)
    hub.watchedElsewhere('op3', true)
    hub.watchedElsewhere('op3', false)
    hub.push('op1', badges(1))
    hub.push('op1', alert('x'))
    hub.push('op2', status('away'))
    hub.push('op3', status('online'))
    hub.push('op1', badges(2))
    expect(published).toEqual([])
    await new Promise((resolve) => setImmediate(resolve))
    expect(published).toEqual([
      ['parley.ev.op.op1', feedMessage([alert('x'), badges(2)])],
      ['parley.ev.op.op2', status('away')],
    ])
    expect(hub.feedBatches.framesIn).toBe(4)
  })
})
