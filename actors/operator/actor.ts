/**
 * One live actor per operator: status (shared by all tabs and devices), presence from live
 * connections with a grace period, unread and unanswered badges derived from read watermarks,
 * and the live feed of every change in the operator's inboxes (O2, O3, O4).
 */
import {
  ParleyError,
  type Conversation,
  type FeedFrame,
  type OperatorStatus,
} from '../../protocol/index.ts'
import type { InboxBus, InboxChange } from '../bus.ts'
import type {
  ConversationQueries,
  InboxStore,
  OperatorRecord,
  OperatorStore,
  PresenceLog,
  PresenceStatus,
} from '../ports.ts'
import { Actor, type ActorContext } from '../runtime/index.ts'
import type { OperatorCommand, OperatorReplies, OperatorSnapshot } from './commands.ts'
import type { Availability, PresenceBoard } from './presence.ts'

/** Where feed frames for an operator go (the server's connections of that operator). */
export interface OperatorFeed {
  push(operatorId: string, frame: FeedFrame): void
  /**
   * Cluster: whether a connection of the operator on another node may be watching the feed,
   * so that what is pushed must be published to the cluster too (the feed is the largest
   * thing a node would otherwise publish for nobody). Called when that changes; never on one
   * node.
   */
  watchedElsewhere?(operatorId: string, elsewhere: boolean): void
}

export interface OperatorDeps {
  operators: OperatorStore
  inboxes: InboxStore
  queries: ConversationQueries
  board: PresenceBoard
  bus: InboxBus
  feed: OperatorFeed
  /** Tells an inbox's router that this operator can take conversations now. */
  available(inboxId: string, operatorId: string): void
  /**
   * Supervisors and admins see every inbox (ELEVATED_SCOPE=all): their feed carries every
   * inbox's changes, while their badges stay those of the inboxes they are members of.
   */
  elevatedSeeAll?: boolean
  /** Presence survives this long after the last connection closes (a reload, a flaky network). */
  graceMs: number
  /** Where connected time is recorded for analytics (none: not recorded). */
  presence?: PresenceLog
  /** How often the connected time going on is confirmed (the most a dead node leaves uncounted). */
  presenceConfirmMs: number
  /**
   * In a cluster, connections live on other nodes, which may die without saying goodbye: each
   * node re-announces its live connections periodically, and one not heard of for this long is
   * dropped. Unset on a single node (a closed connection always says so).
   */
  connectionTtlMs?: number
  /** This node's id in a cluster: connections and snapshot requests name theirs. */
  nodeId?: string
  /**
   * Cluster: asks every node to announce this operator's connections now (an actor that has
   * just started does not know those made before). Their announcements are in within
   * `announceWaitMs`, or at the latest by the next periodic announcement.
   */
  announceConnections?(operatorId: string): void
  announceWaitMs?: number
}

interface BadgeEntry {
  readSeq: number
  unread: number
  unanswered: boolean
  /** Changes up to this seq are already in the numbers (read from the store after commit). */
  countedSeq: number
}

type Reply<K extends OperatorCommand['type']> = OperatorReplies[K]

export class OperatorActor extends Actor<OperatorCommand, OperatorReplies> {
  private status: OperatorStatus = 'online'
  private present = false
  /** The inboxes this operator is a member of: routing and badges. */
  private inboxIds = new Set<string>()
  /** The inboxes whose changes the feed carries: the operator's scope (O6). */
  private watched = new Set<string>()
  /** Live connections: when each was last announced (clock ms), and its node (cluster). */
  private readonly connections = new Map<string, { seen: number; node?: string }>()
  /**
   * Nodes that asked for a snapshot (a feed starting there), and when: watchers until their
   * connection's announcement is surely in (connectionTtlMs), whatever order the two arrive in.
   */
  private readonly snapshotNodes = new Map<string, number>()
  private activatedAt = 0
  /** What watchedElsewhere was last told. */
  private elsewhere = false
  private readonly badges = new Map<string, BadgeEntry>()
  /** Totals over `badges`, kept in step with it (see count()). */
  private sums = { unread: 0, unanswered: 0 }
  private unsubscribes: Array<() => void> = []
  /** The connected time being recorded for analytics: since when, in which status. */
  private recorded: { since: number; status: PresenceStatus } | null = null
  private exists = false

  constructor(
    key: string,
    ctx: ActorContext,
    private readonly deps: OperatorDeps,
  ) {
    super(key, ctx)
  }

  protected override async activate(): Promise<void> {
    const op = await this.deps.operators.getById(this.key)
    if (!op || !op.active) return
    this.exists = true
    this.status = op.status
    await this.loadMembership(op.role)
    this.publishBoard()
    this.activatedAt = this.ctx.clock.now()
    // Until the other nodes' connections are announced, assume some watch the feed.
    const wait = this.announceWait()
    if (wait !== undefined) {
      this.deps.announceConnections?.(this.key)
      this.startTimer('sweep', wait, { type: 'sweep_connections' })
    }
    this.reportWatchers()
  }

  protected override onStop(): void {
    for (const off of this.unsubscribes) off()
    this.unsubscribes = []
    if (this.exists) this.deps.board.remove(this.key)
    if (this.elsewhere) this.deps.feed.watchedElsewhere?.(this.key, false)
  }

  override canPassivate(): boolean {
    return this.connections.size === 0 && super.canPassivate()
  }

  protected async receive(cmd: OperatorCommand): Promise<Reply<OperatorCommand['type']>> {
    if (!this.exists) {
      this.stopAfterReply()
      throw new ParleyError('not_found', 'operator not found')
    }
    switch (cmd.type) {
      case 'connected':
        return this.connected(cmd.connId, cmd.node)
      case 'disconnected': {
        const node = this.connections.get(cmd.connId)?.node
        this.connections.delete(cmd.connId)
        // That node's feed ends with its last connection of this operator.
        if (node !== undefined && ![...this.connections.values()].some((c) => c.node === node)) {
          this.snapshotNodes.delete(node)
        }
        if (this.connections.size === 0) {
          if (this.snapshotNodes.size === 0) this.cancelTimer('sweep')
          this.startTimer('grace', this.deps.graceMs, { type: 'grace_expired' })
        }
        this.reportWatchers()
        return
      }
      case 'sweep_connections':
        return this.sweepConnections()
      case 'grace_expired':
        if (this.connections.size === 0 && this.present) {
          this.present = false
          await this.availabilityChanged()
        }
        return
      case 'set_status':
        return this.setStatus(cmd.status)
      case 'snapshot':
        if (cmd.node !== undefined && this.deps.connectionTtlMs !== undefined) {
          this.snapshotNodes.set(cmd.node, this.ctx.clock.now())
          if (!this.hasTimer('sweep')) {
            this.startTimer('sweep', this.deps.connectionTtlMs, { type: 'sweep_connections' })
          }
          this.reportWatchers()
        }
        return this.snapshot()
      case 'change':
        return this.onChange(cmd.change)
      case 'refresh':
        return this.refresh(cmd.resend === true)
      case 'confirm_presence':
        return this.confirmPresence()
      case 'mention': {
        const { type: _type, ...data } = cmd
        const feed = this.deps.feed
        this.afterReply(() =>
          feed.push(this.key, {
            type: 'feed',
            name: 'alert',
            data: { kind: 'mentioned', ...data },
          }),
        )
        return
      }
      default:
        return assertNever(cmd)
    }
  }

  private async connected(connId: string, node: string | undefined): Promise<Availability> {
    this.connections.set(connId, { seen: this.ctx.clock.now(), node })
    this.reportWatchers()
    this.cancelTimer('grace')
    const ttl = this.deps.connectionTtlMs
    if (ttl !== undefined && !this.hasTimer('sweep')) {
      this.startTimer('sweep', Math.ceil(ttl / 2), { type: 'sweep_connections' })
    }
    if (!this.present) {
      this.present = true
      await this.availabilityChanged()
    }
    return { status: this.status, present: this.present }
  }

  /** Drops connections whose node stopped announcing them (it died); see connectionTtlMs. */
  private sweepConnections(): void {
    const ttl = this.deps.connectionTtlMs
    if (ttl === undefined) return
    const now = this.ctx.clock.now()
    for (const [connId, { seen }] of this.connections) {
      if (now - seen > ttl) this.connections.delete(connId)
    }
    for (const [node, at] of this.snapshotNodes) {
      if (now - at >= ttl) this.snapshotNodes.delete(node)
    }
    this.reportWatchers()
    if (this.connections.size > 0 || this.snapshotNodes.size > 0) {
      this.startTimer('sweep', Math.ceil(ttl / 2), { type: 'sweep_connections' })
    }
    if (this.connections.size === 0 && this.present && !this.hasTimer('grace')) {
      this.startTimer('grace', this.deps.graceMs, { type: 'grace_expired' })
    }
  }

  private async setStatus(status: OperatorStatus): Promise<Availability> {
    if (status !== this.status) {
      await this.deps.operators.update(this.key, { status, updatedAt: this.ctx.clock.now() })
      this.status = status
      await this.availabilityChanged()
    }
    return { status: this.status, present: this.present }
  }

  /** Board, every tab, and (when the operator can take work now) the routers of its inboxes. */
  private async availabilityChanged(): Promise<void> {
    await this.recordPresence()
    this.publishBoard()
    const availability = { status: this.status, present: this.present }
    const feed = this.deps.feed
    this.afterReply(() => feed.push(this.key, { type: 'feed', name: 'status', data: availability }))
    if (this.deps.board.isAvailable(this.key)) {
      for (const inboxId of this.inboxIds)
        this.afterReply(() => this.deps.available(inboxId, this.key))
    }
  }

  /**
   * Records the connected time (analytics): when the status the operator is connected in
   * changes, the one before is confirmed up to now and the new one starts; while it lasts it is
   * confirmed every presenceConfirmMs (a node that dies leaves the last confirmation). A write
   * that fails loses that much analytics, never the operator's availability.
   */
  private async recordPresence(ending = false): Promise<void> {
    const log = this.deps.presence
    if (!log) return
    const status = !ending && this.present ? this.status : null
    const ended = this.recorded
    if (status === (ended?.status ?? null)) return
    const now = this.ctx.clock.now()
    this.recorded = status === null ? null : { since: now, status }
    if (status === null) this.cancelTimer('presence')
    else this.startTimer('presence', this.deps.presenceConfirmMs, { type: 'confirm_presence' })
    try {
      if (ended) await log.confirm(this.key, ended.since, now)
      if (status !== null) await log.start(this.key, now, status)
    } catch (error) {
      this.ctx.log.warn('operator presence not recorded', { operatorId: this.key, error })
    }
  }

  private async confirmPresence(): Promise<void> {
    const recorded = this.recorded
    const log = this.deps.presence
    if (!recorded || !log) return
    this.startTimer('presence', this.deps.presenceConfirmMs, { type: 'confirm_presence' })
    try {
      await log.confirm(this.key, recorded.since, this.ctx.clock.now())
    } catch (error) {
      this.ctx.log.warn('operator presence not confirmed', { operatorId: this.key, error })
    }
  }

  private publishBoard(): void {
    this.deps.board.set(this.key, { status: this.status, present: this.present })
  }

  /**
   * Tells the feed whether a node other than this one may be watching (cluster only): a
   * connection announced from another node (or from a node that does not say which), a
   * snapshot asked from one lately, or the start (connections made before activation are
   * announced within announceWait: at once when asked, else by the periodic announcement).
   */
  private reportWatchers(): void {
    const here = this.deps.nodeId
    const ttl = this.deps.connectionTtlMs
    const wait = this.announceWait()
    if (here === undefined || ttl === undefined || wait === undefined || !this.exists) return
    const now = this.ctx.clock.now()
    let elsewhere = now - this.activatedAt < wait
    for (const { node } of this.connections.values()) if (node !== here) elsewhere = true
    for (const [node, at] of this.snapshotNodes)
      if (node !== here && now - at < ttl) elsewhere = true
    if (elsewhere === this.elsewhere) return
    this.elsewhere = elsewhere
    this.deps.feed.watchedElsewhere?.(this.key, elsewhere)
  }

  /** How long after activation the other nodes' connections are surely announced (cluster). */
  private announceWait(): number | undefined {
    const ttl = this.deps.connectionTtlMs
    if (ttl === undefined) return undefined
    return this.deps.announceConnections ? Math.min(ttl, this.deps.announceWaitMs ?? ttl) : ttl
  }

  private snapshot(): OperatorSnapshot {
    const unread: Record<string, number> = {}
    for (const [id, entry] of this.badges) if (entry.unread > 0) unread[id] = entry.unread
    return { status: this.status, present: this.present, badges: this.totals(), unread }
  }

  /** The badge totals, kept as running sums: every change would otherwise sum the whole set. */
  private totals() {
    return { ...this.sums }
  }

  /** Recounts the running sums from the set (after it was loaded anew). */
  private recount(): void {
    this.sums = { unread: 0, unanswered: 0 }
    for (const entry of this.badges.values()) this.count(entry, 1)
  }

  /** Adds (sign 1) or takes away (sign -1) an entry's share of the totals. */
  private count(entry: BadgeEntry | undefined, sign: 1 | -1): void {
    if (!entry) return
    this.sums.unread += sign * entry.unread
    if (entry.unanswered) this.sums.unanswered += sign
  }

  /** Badge set: open conversations of my inboxes assigned to me or to nobody (O2, O3). */
  private inBadgeSet(conv: Conversation): boolean {
    return (
      this.inboxIds.has(conv.inboxId) &&
      conv.status === 'open' &&
      (conv.assigneeId === null || conv.assigneeId === this.key)
    )
  }

  private async onChange(change: InboxChange): Promise<void> {
    const conv = change.conversation
    if (!this.watched.has(conv.inboxId)) return
    const { unread: unreadBefore, unanswered: unansweredBefore } = this.sums
    let entry = this.badges.get(conv.id)
    // Its share leaves the sums now and comes back as it is after the change, whatever
    // happens in between (a failed count keeps the entry as it was).
    this.count(entry, -1)
    try {
      if (!this.inBadgeSet(conv)) {
        this.badges.delete(conv.id)
        entry = undefined
      } else if (!entry) {
        entry = await this.loadEntry(conv)
        this.badges.set(conv.id, entry)
      } else {
        // A visitor reopening a conversation announces the status, then the message: the entry
        // loaded on the first already counts the second.
        if (change.seq > entry.countedSeq) {
          await this.apply(entry, change)
          entry.countedSeq = change.seq
        }
        entry.unanswered = conv.hasUnansweredIncoming
      }
    } finally {
      this.count(this.badges.get(conv.id), 1)
    }
    const feed = this.deps.feed
    const unread = entry ? entry.unread : null
    const frames: FeedFrame[] = [
      {
        type: 'feed',
        name: 'conversation',
        data: { conversation: conv, change: change.kind, unread },
      },
    ]
    if (this.sums.unread !== unreadBefore || this.sums.unanswered !== unansweredBefore) {
      frames.push({ type: 'feed', name: 'badges', data: this.totals() })
    }
    const alert = this.alertFor(change)
    if (alert) frames.push(alert)
    if (change.kind === 'sla_breached' && conv.assigneeId === this.key) {
      for (const b of change.breaches) {
        frames.push({
          type: 'feed',
          name: 'alert',
          data: { kind: 'sla_breached', conversationId: conv.id, slaKind: b.kind, due: b.due },
        })
      }
    }
    this.afterReply(() => {
      for (const frame of frames) feed.push(this.key, frame)
    })
  }

  private async apply(entry: BadgeEntry, change: InboxChange): Promise<void> {
    switch (change.kind) {
      case 'message':
        if (change.author === 'visitor') entry.unread++
        return
      case 'message_updated':
        // Exactly up to this change: later messages arrive as their own changes.
        entry.unread = await this.deps.queries.countVisitorMessagesAfter(
          change.conversation.id,
          entry.readSeq,
          change.seq,
        )
        return
      case 'read':
        if (change.reader.kind !== 'operator' || change.reader.id !== this.key) return
        entry.readSeq = change.readSeq
        entry.unread = await this.deps.queries.countVisitorMessagesAfter(
          change.conversation.id,
          entry.readSeq,
          change.seq,
        )
        return
      default:
        return
    }
  }

  /** A conversation entering the badge set: read its numbers from the store once. */
  private async loadEntry(conv: Conversation): Promise<BadgeEntry> {
    const [row] = await this.deps.queries.operatorBadges(this.key, [conv.inboxId], conv.id)
    // The row's counts cover changes up to its lastSeq; later ones are still to be applied.
    if (row) {
      const { readSeq, unread, hasUnansweredIncoming: unanswered, lastSeq: countedSeq } = row
      return { readSeq, unread, unanswered, countedSeq }
    }
    const unread = await this.deps.queries.countVisitorMessagesAfter(conv.id, 0, conv.lastSeq)
    return { readSeq: 0, unread, unanswered: conv.hasUnansweredIncoming, countedSeq: conv.lastSeq }
  }

  /** Someone else moved a conversation to me or away from me (escalation, transfer). */
  private alertFor(change: InboxChange): FeedFrame | null {
    if (change.kind !== 'assigned' || (change.by.kind === 'operator' && change.by.id === this.key))
      return null
    const kind =
      change.conversation.assigneeId === this.key
        ? 'assigned_to_you'
        : change.previousAssigneeId === this.key
          ? 'reassigned_away'
          : null
    if (!kind) return null
    return {
      type: 'feed',
      name: 'alert',
      data: {
        kind,
        conversationId: change.conversation.id,
        reason: change.reason,
        assigneeId: change.conversation.assigneeId,
        previousAssigneeId: change.previousAssigneeId,
        ...(change.note && kind === 'assigned_to_you' ? { note: change.note } : {}),
        ...(change.reason === 'transfer' ? { by: change.by } : {}),
      },
    }
  }

  private async refresh(resend: boolean): Promise<void> {
    const op = await this.deps.operators.getById(this.key)
    if (!op || !op.active) {
      await this.recordPresence(true)
      this.stopAfterReply()
      return
    }
    this.status = op.status
    const before = this.totals()
    await this.loadMembership(op.role)
    await this.availabilityChanged()
    const feed = this.deps.feed
    if (resend) {
      // Changes may have been missed (a cluster link drop): the panel starts again from here.
      const data = this.snapshot()
      this.afterReply(() => feed.push(this.key, { type: 'feed', name: 'resync', data }))
      return
    }
    // Joining or leaving an inbox changes the badge set: the panel must not keep old totals.
    const after = this.totals()
    if (after.unread !== before.unread || after.unanswered !== before.unanswered) {
      this.afterReply(() => feed.push(this.key, { type: 'feed', name: 'badges', data: after }))
    }
  }

  /** Inboxes, the scope's bus subscriptions, and the badge set, from the store. */
  private async loadMembership(role: OperatorRecord['role']): Promise<void> {
    this.inboxIds = new Set(await this.deps.inboxes.inboxesOf(this.key))
    const seesAll = this.deps.elevatedSeeAll === true && (role === 'supervisor' || role === 'admin')
    this.watched = seesAll
      ? new Set((await this.deps.inboxes.list()).map((inbox) => inbox.id))
      : this.inboxIds
    for (const off of this.unsubscribes) off()
    this.unsubscribes = [...this.watched].map((inboxId) =>
      this.deps.bus.subscribe(inboxId, (change) => this.deliverSelf({ type: 'change', change })),
    )
    this.badges.clear()
    this.recount()
    const rows = await this.deps.queries.operatorBadges(this.key, [...this.inboxIds])
    for (const row of rows) {
      this.badges.set(row.conversationId, {
        readSeq: row.readSeq,
        unread: row.unread,
        unanswered: row.hasUnansweredIncoming,
        // Changes already queued in the mailbox up to lastSeq are in these numbers.
        countedSeq: row.lastSeq,
      })
    }
    this.recount()
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled command ${JSON.stringify(value)}`)
}
