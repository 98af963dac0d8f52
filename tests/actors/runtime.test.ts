import { describe, expect, test } from 'bun:test'
import {
  Actor,
  ActorRegistry,
  FakeClock,
  silentLogger,
  type ActorContext,
} from '../../actors/runtime/index.ts'
import { ParleyError } from '../../protocol/index.ts'

type Cmd =
  | { type: 'append'; value: string; gate?: Promise<void> }
  | { type: 'fail'; error: Error }
  | { type: 'arm'; name: string; ms: number }
  | { type: 'disarm'; name: string }
  | { type: 'fired'; name: string }
  | { type: 'read' }
type R = { append: number; fail: never; arm: void; disarm: void; fired: void; read: string[] }

/** A test actor: a log of appended values; `gate` lets a test hold a handler mid-await. */
class LogActor extends Actor<Cmd, R> {
  log: string[] = []
  activations = 0
  constructor(
    key: string,
    ctx: ActorContext,
    private readonly loadFails = false,
  ) {
    super(key, ctx)
  }
  protected override async activate() {
    this.activations++
    if (this.loadFails) throw new ParleyError('not_found', 'no such thing')
  }
  protected async receive(cmd: Cmd): Promise<R[Cmd['type']]> {
    switch (cmd.type) {
      case 'append':
        this.log.push(`start ${cmd.value}`)
        if (cmd.gate) await cmd.gate
        this.log.push(`end ${cmd.value}`)
        return this.log.length
      case 'fail':
        throw cmd.error
      case 'arm':
        this.startTimer(cmd.name, cmd.ms, { type: 'fired', name: cmd.name })
        return
      case 'disarm':
        this.cancelTimer(cmd.name)
        return
      case 'fired':
        this.log.push(`fired ${cmd.name}`)
        return
      case 'read':
        return [...this.log]
    }
  }
}

function deferred() {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

function spawn(opts: { mailboxLimit?: number; clock?: FakeClock } = {}) {
  const clock = opts.clock ?? new FakeClock()
  const ctx: ActorContext = { clock, log: silentLogger, mailboxLimit: opts.mailboxLimit ?? 100 }
  return { actor: new LogActor('a1', ctx), clock, ctx }
}

describe('actor runtime', () => {
  test('mailbox - handles one message at a time, awaits included, in FIFO order', async () => {
    const { actor } = spawn()
    const gate = deferred()
    const first = actor.ask({ type: 'append', value: 'a', gate: gate.promise })
    const second = actor.ask({ type: 'append', value: 'b' })
    const third = actor.ask({ type: 'append', value: 'c' })
    await new Promise((r) => setImmediate(r))
    expect(actor.log).toEqual(['start a'])
    gate.resolve()
    expect(await Promise.all([first, second, third])).toEqual([2, 4, 6])
    expect(actor.log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c'])
  })

  test('mailbox - a failing handler rejects only its caller and the actor lives on', async () => {
    const { actor } = spawn()
    const before = actor.ask({ type: 'append', value: 'x' })
    const failing = actor.ask({ type: 'fail', error: new Error('boom') })
    const after = actor.ask({ type: 'append', value: 'y' })
    expect(await before).toBe(2)
    await expect(failing).rejects.toThrow('boom')
    expect(await after).toBe(4)
  })

  test('mailbox - past its bound a caller gets a retryable overloaded error', async () => {
    const { actor } = spawn({ mailboxLimit: 2 })
    const gate = deferred()
    const running = actor.ask({ type: 'append', value: 'busy', gate: gate.promise })
    await Promise.resolve()
    const queued = [
      actor.ask({ type: 'append', value: 'q1' }),
      actor.ask({ type: 'append', value: 'q2' }),
    ]
    const refused = actor.ask({ type: 'append', value: 'q3' })
    await expect(refused).rejects.toMatchObject({ code: 'overloaded', retryable: true })
    gate.resolve()
    await Promise.all([running, ...queued])
    expect(actor.log).not.toContain('start q3')
  })

  test('timers - a timer is a self-sent message that fires on the injected clock', async () => {
    const { actor, clock } = spawn()
    await actor.ask({ type: 'arm', name: 't', ms: 8000 })
    await clock.advance(7999)
    expect(actor.log).toEqual([])
    await clock.advance(1)
    expect(actor.log).toEqual(['fired t'])
  })

  test('timers - re-arming replaces the timer and cancelling stops it', async () => {
    const { actor, clock } = spawn()
    await actor.ask({ type: 'arm', name: 't', ms: 1000 })
    await clock.advance(600)
    await actor.ask({ type: 'arm', name: 't', ms: 1000 })
    await clock.advance(600)
    expect(actor.log).toEqual([])
    await clock.advance(400)
    expect(actor.log).toEqual(['fired t'])
    await actor.ask({ type: 'arm', name: 'u', ms: 1000 })
    await actor.ask({ type: 'disarm', name: 'u' })
    await clock.advance(5000)
    expect(actor.log).toEqual(['fired t'])
    expect(actor.canPassivate()).toBe(true)
  })

  test('timers - a timer message is never refused by the mailbox bound', async () => {
    const { actor, clock } = spawn({ mailboxLimit: 1 })
    await actor.ask({ type: 'arm', name: 't', ms: 10 })
    const gate = deferred()
    const running = actor.ask({ type: 'append', value: 'busy', gate: gate.promise })
    await Promise.resolve()
    const queued = actor.ask({ type: 'append', value: 'full' })
    await clock.advance(10)
    gate.resolve()
    await Promise.all([running, queued])
    expect(await actor.ask({ type: 'read' })).toContain('fired t')
  })
})

describe('actor registry', () => {
  function registry(clock: FakeClock, opts: { loadFails?: () => boolean } = {}) {
    const ctx: ActorContext = { clock, log: silentLogger, mailboxLimit: 100 }
    return new ActorRegistry<Cmd, R, LogActor>({
      kind: 'test',
      clock,
      log: silentLogger,
      idleMs: 60_000,
      create: (key) => new LogActor(key, ctx, opts.loadFails?.() ?? false),
    })
  }

  test('activation - the first message activates the actor once; later ones reuse it', async () => {
    const reg = registry(new FakeClock())
    await reg.ask('k', { type: 'append', value: 'a' })
    await reg.ask('k', { type: 'append', value: 'b' })
    expect(reg.get('k').activations).toBe(1)
    expect(reg.size).toBe(1)
  })

  test('activation - a failed activation fails the caller and the next call starts afresh', async () => {
    let fail = true
    const reg = registry(new FakeClock(), { loadFails: () => fail })
    await expect(reg.ask('k', { type: 'read' })).rejects.toMatchObject({ code: 'not_found' })
    fail = false
    expect(await reg.ask('k', { type: 'append', value: 'a' })).toBe(2)
  })

  test('passivation - idle actors are dropped after idleMs and reactivate on next use', async () => {
    const clock = new FakeClock()
    const reg = registry(clock)
    reg.startSweeping()
    const first = reg.get('k')
    await reg.ask('k', { type: 'append', value: 'a' })
    await clock.advance(59_000)
    expect(reg.has('k')).toBe(true)
    await clock.advance(31_000)
    expect(reg.has('k')).toBe(false)
    expect(first.isStopped).toBe(true)
    await reg.ask('k', { type: 'append', value: 'b' })
    expect(reg.get('k')).not.toBe(first)
    expect(reg.passivations).toBe(1)
    await reg.shutdown()
  })

  test('passivation - an actor with a pending timer is kept', async () => {
    const clock = new FakeClock()
    const reg = registry(clock)
    await reg.ask('k', { type: 'arm', name: 't', ms: 10 * 60_000 })
    await clock.advance(120_000)
    expect(reg.sweep()).toBe(0)
    expect(reg.has('k')).toBe(true)
  })

  test('shutdown - waits for in-flight work, then refuses new work as unavailable', async () => {
    const reg = registry(new FakeClock())
    const gate = deferred()
    const inflight = reg.ask('k', { type: 'append', value: 'a', gate: gate.promise })
    await Promise.resolve()
    const down = reg.shutdown()
    await expect(reg.ask('k', { type: 'read' })).rejects.toMatchObject({ code: 'unavailable' })
    gate.resolve()
    await down
    expect(await inflight).toBe(2)
  })
})
