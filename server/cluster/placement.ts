/**
 * Placement: each actor is live on exactly one node of the cluster. The owner holds the actor's
 * lease (leases.ts) and subscribes to the actor's subject; any node reaches it by NATS
 * request/reply on that subject. NATS's own subscription table is the route: a request lands on
 * the owner wherever it is, and "no responders" says at once that nobody owns the actor, so the
 * asking node claims the lease and activates it from the store. There is no route cache to go
 * stale: the subscription appears when the owner activates and vanishes when it stops or its
 * connection dies. While a dead owner's lease has not expired yet, asks back off and retry
 * (bounded by askDeadlineMs), then claim.
 *
 * Commands and replies cross nodes as JSON. A command's reply comes from the owner only; a
 * node that is no longer the owner answers `moved` and the asker tries again.
 */
import type { Msg, Subscription } from '@nats-io/transport-node'
import {
  ActorStoppedError,
  type Actor,
  type ActorRegistry,
  type Command,
  type Logger,
  type Registry,
  type Replies,
} from '../../actors/index.ts'
import { ParleyError, type ErrorCode } from '../../protocol/index.ts'
import type { ClusterLink } from './link.ts'
import type { Reply } from './requests.ts'
import type { Leases } from './leases.ts'

/**
 * What travels on an actor's subject. `probe` asks only "is anyone live here?"; `id` names a
 * command, and a probe naming it asks also "did you receive that command?".
 */
interface AskRequest {
  cmd?: unknown
  id?: string
  probe?: true
}

/** The owner's answer to a command: its reply, or its error. */
type Answer =
  | { ok: true; value?: unknown }
  | { ok: false; code: ErrorCode; message: string; retryAfterMs?: number }

/** A probe's answer: alive, and whether the named command reached this subscriber. */
type ProbeAnswer = { ok: true; seen?: boolean }

type AskReply = Answer | ProbeAnswer | { moved: true }

/** How often the lease of a silent owner is tried, waiting for it to lapse. */
const SUSPECT_POLL_MS = 100
/** Silent owners remembered at once (keys whose owner stopped answering). */
const MAX_SUSPECTS = 4096

/** Keys are ids we generate (UUIDs); anything else cannot name an actor. */
const KEY = /^[A-Za-z0-9_-]{1,64}$/

export interface PlacementOptions {
  link: ClusterLink
  leases: Leases
  log: Logger
  /** A request unanswered this long makes the asker probe the owner (is it alive at all?). */
  probeAfterMs: number
  /** A probe unanswered this long means the owner is frozen: the lease decides from then on. */
  probeTimeoutMs: number
  /** An ask gives up (retryable `unavailable`) after this long without an owner. */
  askDeadlineMs: number
}

export class ClusteredRegistry<
  C extends Command,
  R extends Replies<C>,
  A extends Actor<C, R>,
> implements Registry<C, R> {
  private readonly subs = new Map<string, Subscription>()
  /** Keys whose owner stopped answering probes: not asked again until it answers a probe. */
  private readonly suspects = new Set<string>()
  private closed = false
  /** Asks forwarded to another node; for metrics. */
  forwarded = 0
  /** This node's command ids: a prefix unique to the process, then a counter. */
  private readonly idPrefix = `${crypto.randomUUID().slice(0, 8)}.`
  private nextId = 0
  /**
   * Ids of the commands this node received as owner, over the last one to two ask deadlines
   * (two generations, swapped): an asker's probe can tell whether its command reached us.
   */
  private received = new Set<string>()
  private receivedBefore = new Set<string>()
  private receivedSince = performance.now()

  constructor(
    private readonly local: ActorRegistry<C, R, A>,
    private readonly opts: PlacementOptions,
  ) {}

  get kind(): string {
    return this.local.kind
  }

  get size(): number {
    return this.local.size
  }

  get activations(): number {
    return this.local.activations
  }

  get passivations(): number {
    return this.local.passivations
  }

  leaseKey(key: string): string {
    return `${this.local.kind}.${key}`
  }

  private subject(key: string): string {
    return `parley.actor.${this.local.kind}.${key}`
  }

  has(key: string): boolean {
    return this.local.has(key)
  }

  keys(): string[] {
    return this.local.keys()
  }

  /** The local registry's hook: an actor stopped here, so stop answering for it and let go. */
  stopped(key: string): void {
    this.subs.get(key)?.unsubscribe()
    this.subs.delete(key)
    void this.opts.leases.release(this.leaseKey(key))
  }

  /** The lease is gone: stop the actor now, before anyone else may start it. */
  lost(key: string): void {
    this.subs.get(key)?.unsubscribe()
    this.subs.delete(key)
    this.local.stopActor(key)
  }

  async ask<K extends C['type']>(key: string, cmd: Extract<C, { type: K }>): Promise<R[K]> {
    const outcome = await this.route(key, cmd, true)
    return outcome.value as R[K]
  }

  tell<K extends C['type']>(key: string, cmd: Extract<C, { type: K }>): void {
    this.ask(key, cmd).catch((error) => {
      if (this.closed) return
      this.opts.log.warn('actor tell failed', { kind: this.kind, key, type: cmd.type, error })
    })
  }

  tellIfLive<K extends C['type']>(key: string, cmd: Extract<C, { type: K }>): void {
    this.route(key, cmd, false).catch((error) => {
      if (this.closed) return
      this.opts.log.warn('actor tell failed', { kind: this.kind, key, type: cmd.type, error })
    })
  }

  /**
   * Makes sure the actor is live somewhere (inbox actors keep timers and must always run): a
   * probe when it is, `cmd` (which activates it here) when nobody answers.
   */
  async ensure<K extends C['type']>(key: string, cmd: Extract<C, { type: K }>): Promise<void> {
    if (this.local.has(key) && this.opts.leases.valid(this.leaseKey(key))) return
    this.opts.link.assertUp()
    const reply = await this.request(key, { probe: true }, this.opts.probeTimeoutMs)
    if (reply === 'none' || reply === 'timeout' || 'moved' in reply) await this.ask(key, cmd)
  }

  mailboxDepth(): number {
    return this.local.mailboxDepth()
  }

  startSweeping(): void {
    this.local.startSweeping()
  }

  /** Drains local actors (their last writes land), then lets go of their subjects and leases. */
  async shutdown(): Promise<void> {
    this.closed = true
    await this.local.shutdown()
    for (const sub of this.subs.values()) sub.unsubscribe()
    this.subs.clear()
  }

  /**
   * Runs cmd on the owner, claiming ownership when there is none (activate) or dropping the
   * command (tellIfLive). Bounded by askDeadlineMs.
   *
   * An owner that stops answering (a paused or partitioned process: NATS still routes to its
   * subscription) is noticed by probes while the request waits, not by the request's own
   * timeout; from then on the key is suspect: nothing more is sent to that owner, and the lease
   * decides. It is claimed here the moment it lapses, so the actor is served again within the
   * lease TTL plus a poll. A suspect owner that answers a probe again is trusted again.
   */
  private async route(
    key: string,
    cmd: C,
    activate: boolean,
  ): Promise<{ value: unknown; delivered: boolean }> {
    if (!KEY.test(key)) throw new ParleyError('not_found', `${this.kind} not found`)
    const deadline = performance.now() + this.opts.askDeadlineMs
    let backoff = 25
    for (;;) {
      if (this.closed) throw new ParleyError('unavailable', 'server is shutting down')
      if (this.local.has(key) && this.opts.leases.valid(this.leaseKey(key))) {
        try {
          return {
            value: await this.local.get(key).ask(cmd as Extract<C, { type: C['type'] }>),
            delivered: true,
          }
        } catch (error) {
          if (!(error instanceof ActorStoppedError)) throw error
          // Stopped under us (lease lost, passivated): find the owner again.
        }
      } else {
        this.opts.link.assertUp()
        const outcome = this.suspects.has(key)
          ? await this.recheck(key)
          : await this.askOwner(key, cmd, deadline)
        if (typeof outcome === 'object') {
          this.forwarded++
          if (outcome.ok) return { value: outcome.value, delivered: true }
          throw new ParleyError(outcome.code, outcome.message, {
            retryAfterMs: outcome.retryAfterMs,
          })
        }
        if (outcome === 'retry') continue
        if (outcome === 'ownerless' || outcome === 'frozen') {
          if (!activate) return { value: undefined, delivered: false }
          if (await this.activateHere(key)) {
            this.suspects.delete(key)
            continue
          }
          // Held elsewhere: a live owner still subscribing, or a silent one whose lease has
          // not lapsed yet. Poll the lease briskly: it decides who serves next.
          if (outcome === 'frozen') backoff = Math.min(backoff, SUSPECT_POLL_MS)
        }
      }
      if (performance.now() + backoff > deadline) {
        throw new ParleyError('unavailable', `${this.kind} is moving between nodes; retry`, {
          retryAfterMs: 500,
        })
      }
      await Bun.sleep(backoff)
      backoff = this.suspects.has(key) ? SUSPECT_POLL_MS : Math.min(backoff * 2, 400)
    }
  }

  /**
   * Sends cmd to the owner and waits for its answer, probing the owner while it is slow. Resolves
   * to the owner's answer, `retry` (it moved: find it again), `ownerless` (nobody subscribes, or
   * the owner vanished mid-request) or `frozen` (the owner stopped answering even probes).
   *
   * The request normally answers first; meanwhile, is the owner alive at all, and did the
   * command reach it? A command published while the owner was frozen reaches only that owner's
   * subscription; a new owner that subscribed since answers probes but never saw it. NATS keeps
   * one publisher's messages in order per subscriber, so a live subscriber that answers our
   * later probe without having seen the command never will: send it again. The probes start
   * from the request's tick (the link's sweep), so a quick answer costs no timer of its own.
   */
  private askOwner(
    key: string,
    cmd: C,
    deadline: number,
  ): Promise<Answer | 'retry' | 'ownerless' | 'frozen'> {
    const id = `${this.idPrefix}${this.nextId++}`
    const subject = this.subject(key)
    return new Promise((resolve, reject) => {
      let settled = false
      let probing = false
      let probeAt = performance.now() + this.opts.probeAfterMs
      const finish = (outcome: Answer | 'retry' | 'ownerless' | 'frozen' | 'down'): void => {
        if (settled) return
        settled = true
        if (outcome === 'frozen') this.suspect(key)
        if (outcome === 'down') reject(linkDown())
        else resolve(outcome)
      }
      const probed = (reply: Reply): void => {
        probing = false
        probeAt = performance.now() + this.opts.probeAfterMs
        if (settled || reply === 'down') return // A link going down ends the request too.
        if (reply === 'timeout') return finish('frozen')
        if (reply === 'none') return finish('ownerless')
        const probe = this.parse(reply)
        if (probe && 'seen' in probe && probe.seen === false) finish('retry')
      }
      const tick = (now: number): void => {
        if (settled || probing || now < probeAt) return
        probing = true
        const body = JSON.stringify({ probe: true, id } satisfies AskRequest)
        this.opts.link.requests.send(subject, body, this.opts.probeTimeoutMs, probed)
      }
      const answered = (reply: Reply): void => {
        // No answer by the deadline and no probe got through either: as good as frozen.
        if (reply === 'timeout') return finish('frozen')
        if (reply === 'none') return finish('ownerless')
        if (reply === 'down') return finish('down')
        const answer = this.parse(reply)
        if (!answer || 'moved' in answer) return finish('retry')
        finish(answer as Answer)
      }
      const timeout = Math.max(1, deadline - performance.now())
      const body = JSON.stringify({ cmd, id } satisfies AskRequest)
      this.opts.link.requests.send(subject, body, timeout, answered, tick)
    })
  }

  /** A suspect owner: answering probes again (trusted again), gone, or still silent. */
  private async recheck(key: string): Promise<'retry' | 'ownerless' | 'frozen'> {
    const probe = await this.request(key, { probe: true }, this.opts.probeTimeoutMs)
    if (probe === 'none') return 'ownerless'
    if (probe === 'timeout') return 'frozen'
    this.suspects.delete(key)
    return 'retry'
  }

  /** Remembers key's owner as silent (bounded: a few thousand keys at most, oldest dropped). */
  private suspect(key: string): void {
    this.suspects.delete(key)
    this.suspects.add(key)
    if (this.suspects.size > MAX_SUSPECTS) {
      const oldest = this.suspects.values().next().value
      if (oldest !== undefined) this.suspects.delete(oldest)
    }
  }

  /** Claims the lease and starts answering on the actor's subject. False when held elsewhere. */
  private async activateHere(key: string): Promise<boolean> {
    const leaseKey = this.leaseKey(key)
    if (!(await this.opts.leases.claim(leaseKey))) return false
    if (!this.subs.has(key)) {
      const sub = this.opts.link.nc.subscribe(this.subject(key), {
        callback: (error, msg) => {
          if (!error) this.serve(key, msg)
        },
      })
      this.subs.set(key, sub)
      // The subscription is registered with the server before anyone is told we own it.
      const flushed = await Promise.race([
        this.opts.link.nc.flush().then(() => true),
        Bun.sleep(this.opts.askDeadlineMs).then(() => false),
      ])
      if (!flushed) {
        throw new ParleyError('unavailable', 'the cluster is not answering; retry shortly', {
          retryAfterMs: 1000,
        })
      }
    }
    return true
  }

  /** Answers a request from another node for an actor we own. */
  private serve(key: string, msg: Msg): void {
    const respond = (reply: AskReply) => {
      const body = JSON.stringify(reply)
      this.opts.link.batch(() => {
        try {
          msg.respond(body)
        } catch (error) {
          this.opts.log.debug('reply not sent', { kind: this.kind, key, error })
        }
      })
    }
    // Draining, or no longer the owner: the asker finds the actor anew.
    if (this.closed || !this.opts.leases.valid(this.leaseKey(key))) return respond({ moved: true })
    let request: AskRequest
    try {
      request = msg.json<AskRequest>()
    } catch {
      return respond({ ok: false, code: 'validation_failed', message: 'malformed request' })
    }
    if (request.probe) {
      return respond(
        request.id === undefined ? { ok: true } : { ok: true, seen: this.wasReceived(request.id) },
      )
    }
    if (request.id !== undefined) this.receive(request.id)
    this.local
      .get(key)
      .ask(request.cmd as Extract<C, { type: C['type'] }>)
      .then(
        (value) => respond({ ok: true, value }),
        (error) => {
          if (error instanceof ActorStoppedError) return respond({ moved: true })
          if (error instanceof ParleyError) {
            return respond({
              ok: false,
              code: error.code,
              message: error.message,
              retryAfterMs: error.retryAfterMs,
            })
          }
          this.opts.log.error('forwarded command failed', { kind: this.kind, key, error })
          respond({ ok: false, code: 'internal_error', message: 'internal error' })
        },
      )
  }

  /** Notes a command id as received here (kept for one to two ask deadlines). */
  private receive(id: string): void {
    this.rotateReceived()
    this.received.add(id)
  }

  private wasReceived(id: string): boolean {
    this.rotateReceived()
    return this.received.has(id) || this.receivedBefore.has(id)
  }

  /** Swaps generations once per ask deadline: no asker probes for an older command. */
  private rotateReceived(): void {
    const now = performance.now()
    if (now - this.receivedSince < this.opts.askDeadlineMs) return
    this.receivedBefore =
      now - this.receivedSince < 2 * this.opts.askDeadlineMs ? this.received : new Set()
    this.received = new Set()
    this.receivedSince = now
  }

  /** One request to key's subject: its reply, `none` (nobody subscribes) or `timeout`. */
  private request(
    key: string,
    body: AskRequest,
    timeoutMs: number,
  ): Promise<AskReply | 'none' | 'timeout'> {
    return new Promise((resolve, reject) =>
      this.opts.link.requests.send(this.subject(key), JSON.stringify(body), timeoutMs, (reply) => {
        if (reply === 'down') reject(linkDown())
        else if (reply === 'none' || reply === 'timeout') resolve(reply)
        else resolve(this.parse(reply) ?? { moved: true })
      }),
    )
  }

  /** A reply's body; null (logged) when it is not JSON. */
  private parse(msg: Msg): AskReply | null {
    try {
      return msg.json<AskReply>()
    } catch (error) {
      this.opts.log.warn('malformed cluster reply', { kind: this.kind, error })
      return null
    }
  }
}

function linkDown(): ParleyError {
  return new ParleyError('unavailable', 'this node lost its cluster link; retry shortly', {
    retryAfterMs: 1000,
  })
}
