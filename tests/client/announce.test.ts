/** The panel's live-region announcer: one line after a moment, then one summary per window. */
import { describe, expect, test } from 'bun:test'
import {
  ANNOUNCE_SETTLE_MS,
  ANNOUNCE_WINDOW_MS,
  createAnnouncer,
  summary,
  type Arrival,
} from '../../client/panel/announce.ts'

function fakeTimers() {
  const pending = new Map<number, { fn: () => void; at: number }>()
  let now = 0
  let next = 1
  return {
    timers: {
      set: (fn: () => void, ms: number) => {
        pending.set(next, { fn, at: now + ms })
        return next++
      },
      clear: (handle: unknown) => void pending.delete(handle as number),
    },
    advance(ms: number) {
      const until = now + ms
      for (;;) {
        const due = [...pending].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)
        const first = due[0]
        if (!first) break
        pending.delete(first[0])
        now = first[1].at
        first[1].fn()
      }
      now = until
    },
  }
}

const from = (name: string) => () => name

describe('announcer', () => {
  test('announce - the first arrival is said after the settle time, by the name known then; a burst becomes one summary', () => {
    const said: string[] = []
    const clock = fakeTimers()
    const a = createAnnouncer((t) => said.push(t), clock.timers)
    let name = 'Witty Owl 86'
    a.arrived({ kind: 'conversation', from: () => name })
    name = 'Amber Fox'
    expect(said).toEqual([])
    clock.advance(ANNOUNCE_SETTLE_MS)
    expect(said).toEqual(['New conversation from Amber Fox'])
    for (let i = 0; i < 50; i++) a.arrived({ kind: 'message', from: from(`V${i}`) })
    a.arrived({ kind: 'conversation', from: from('Jade Owl') })
    expect(said).toHaveLength(1)
    clock.advance(ANNOUNCE_WINDOW_MS)
    expect(said).toEqual([
      'New conversation from Amber Fox',
      '50 new messages and 1 new conversation',
    ])
    // A quiet window ends the summing: the next arrival is said after the settle time again.
    clock.advance(ANNOUNCE_WINDOW_MS)
    a.arrived({ kind: 'message', from: from('Amber Fox') })
    clock.advance(ANNOUNCE_SETTLE_MS)
    expect(said.at(-1)).toBe('New message from Amber Fox')
  })

  test('announce - a single held arrival is said by name; stop drops what was held', () => {
    const said: string[] = []
    const clock = fakeTimers()
    const a = createAnnouncer((t) => said.push(t), clock.timers)
    a.arrived({ kind: 'message', from: from('A') })
    clock.advance(ANNOUNCE_SETTLE_MS)
    a.arrived({ kind: 'message', from: from('B') })
    clock.advance(ANNOUNCE_WINDOW_MS)
    expect(said).toEqual(['New message from A', 'New message from B'])
    a.arrived({ kind: 'message', from: from('C') })
    a.stop()
    clock.advance(ANNOUNCE_WINDOW_MS * 2)
    expect(said).toEqual(['New message from A', 'New message from B'])
    const two: Arrival[] = [
      { kind: 'conversation', from: from('x') },
      { kind: 'conversation', from: from('y') },
    ]
    expect(summary(two)).toBe('2 new conversations')
  })
})
