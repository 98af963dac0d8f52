/**
 * Revocation: the one path by which access ends or narrows while its holder may be connected.
 * A revocation is applied on this node (cached sessions and visitor times first, then live
 * connections and fallback sessions) and published once to every other node, which applies it
 * the same way. The store change it follows is written before it is revoked, so a node that
 * reads the store after hearing of it reads the new state.
 */
import * as v from 'valibot'
import type { Logger } from '../../actors/index.ts'

/** Why every session of an operator ended. */
export const OperatorRevocationReason = v.picklist([
  'deactivated',
  'password_reset',
  'password_changed',
  'signed_out_everywhere',
])

/** One revocation, as applied on a node and published to the others. */
export const Revocation = v.variant('kind', [
  /** One operator session ended (logout): its token and the connections it authenticated. */
  v.object({ kind: v.literal('session'), operatorId: v.string(), tokenHash: v.string() }),
  /** Every session of the operator ended, except the one whose token hash is `keep`. */
  v.object({
    kind: v.literal('operator'),
    operatorId: v.string(),
    reason: OperatorRevocationReason,
    keep: v.optional(v.string()),
  }),
  /**
   * The operator's role, chat permission or inbox membership changed: its connections are
   * authorized again (cut when they may no longer view; subscriptions checked one by one).
   */
  v.object({ kind: v.literal('operator_rights'), operatorId: v.string() }),
  /** The visitor's tokens issued so far are void. */
  v.object({ kind: v.literal('visitor'), visitorId: v.string() }),
  /** The inbox's visitor tokens issued so far are void: all of them, or verified visitors' only. */
  v.object({
    kind: v.literal('inbox_visitors'),
    inboxId: v.string(),
    only: v.picklist(['all', 'verified']),
  }),
  /**
   * The sites the inbox's widget may run on changed (S3): cached lists go, and its visitors'
   * live connections are checked against the new list (those opened from a site no longer on
   * it end with origin_not_allowed).
   */
  v.object({ kind: v.literal('inbox_sites'), inboxId: v.string() }),
  /** An API token was revoked (issue 17, I3): cached resolutions of it go. */
  v.object({ kind: v.literal('api_token'), tokenId: v.string() }),
  /**
   * Anything may have changed unseen (this node's cluster link was down): forget every cached
   * session and check every connection again. Applied locally, never published.
   */
  v.object({ kind: v.literal('everything') }),
])
export type Revocation = v.InferOutput<typeof Revocation>

/** What applies a revocation on this node: called in registration order, each awaited. */
export type RevocationStep = (revocation: Revocation) => void | Promise<void>

/** The cluster relay as revocations use it (server/cluster/relay.ts); absent on one node. */
export interface RevocationRelay {
  readonly connected: boolean
  publish(subject: string, payload: unknown): void
  watch(subject: string, handler: (payload: unknown) => void): () => void
  /** Resolves once what was published so far reached NATS. */
  ready(): Promise<void>
}

/** The NATS subject every node publishes its revocations on and listens to. */
export const REVOCATION_SUBJECT = 'parley.revoke'
/** Revocations held while the cluster link is down, published when it is back. */
const MAX_HELD = 10_000

/** The revocation path of one node: its apply steps and its link to the other nodes. */
export class Revocations {
  private readonly steps: RevocationStep[] = []
  private held: Revocation[] = []

  constructor(
    private readonly relay: RevocationRelay | null,
    private readonly log: Logger,
  ) {
    relay?.watch(REVOCATION_SUBJECT, (payload) => {
      const parsed = v.safeParse(Revocation, payload)
      if (!parsed.success) {
        this.log.warn('malformed revocation ignored', { issue: parsed.issues[0].message })
        return
      }
      void this.apply(parsed.output)
    })
  }

  /** Adds a step to applying a revocation here (auth caches before live connections). */
  onRevoke(step: RevocationStep): void {
    this.steps.push(step)
  }

  /**
   * Applies a revocation on this node and publishes it to the others. Resolves once it is
   * applied here and handed to NATS; other nodes apply it as they receive it.
   */
  async revoke(revocation: Revocation): Promise<void> {
    const relay = this.relay
    let sent: Promise<void> | undefined
    if (relay && revocation.kind !== 'everything') {
      if (relay.connected) {
        relay.publish(REVOCATION_SUBJECT, revocation)
        sent = relay.ready()
      } else {
        // The other nodes hear of it when the link is back (see linkChanged).
        if (this.held.length >= MAX_HELD) this.held.shift()
        this.held.push(revocation)
      }
    }
    await this.apply(revocation)
    await sent
  }

  /**
   * The cluster link came back: revocations made meanwhile go out now, and this node checks
   * everything again, since it may have missed some of the others'.
   */
  async linkChanged(up: boolean): Promise<void> {
    if (!up || !this.relay) return
    const held = this.held
    this.held = []
    for (const revocation of held) this.relay.publish(REVOCATION_SUBJECT, revocation)
    await this.apply({ kind: 'everything' })
  }

  private async apply(revocation: Revocation): Promise<void> {
    for (const step of this.steps) {
      try {
        await step(revocation)
      } catch (error) {
        this.log.error('applying a revocation failed', { kind: revocation.kind, error })
      }
    }
  }
}
