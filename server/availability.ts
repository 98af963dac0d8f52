/**
 * What the widget shows before and during a chat (R5, R6): is the visitor's branch online (an
 * operator is available and has room), busy (operators are online but all at capacity), or
 * offline (outside its hours, or nobody available), and when it opens next.
 *
 * Hit by every page view that embeds the widget, so nothing here queries per request: each
 * inbox's branches, members and load are read at most once per SNAPSHOT_MS per node, and
 * presence comes from the board (shared by every node in a cluster). The visitor's branch is
 * found like a new conversation's: GeoIP and the inbox's rules, else the default branch.
 */
import type {
  BranchRecord,
  InboxRecord,
  OperatorRecord,
  PresenceBoard,
  Store,
} from '../actors/index.ts'
import type { Clock } from '../actors/index.ts'
import { isOpen, nextOpening } from '../actors/inbox/schedule.ts'
import { ParleyError } from '../protocol/index.ts'
import type { GeoIp } from './geo/geoip.ts'
import { matchGeoRule } from './geo/rules.ts'

/** How long one node reuses an inbox's branches, members and load. */
const SNAPSHOT_MS = 2_000
/** Inboxes whose snapshot one node keeps at once (the oldest goes first). */
const MAX_SNAPSHOTS = 1_000

export type AvailabilityState = 'online' | 'busy' | 'offline'

export interface AvailabilityView {
  state: AvailabilityState
  /** The branch the visitor's conversation would go to. */
  branchId: string
  /** Within the branch's hours now (offline may still mean nobody is available). */
  withinHours: boolean
  /** The next opening (epoch ms) when outside hours; null when open or never. */
  nextOpeningAt: number | null
  /** The branch's time zone (IANA), for "opens at 09:00 (Moscow time)". */
  timeZone: string
}

interface Snapshot {
  inbox: InboxRecord
  branches: Map<string, { record: BranchRecord; members: OperatorRecord[] }>
  /** Open conversations per assignee in this inbox. */
  load: Record<string, number>
  until: number
}

export class AvailabilityService {
  private readonly snapshots = new Map<string, Promise<Snapshot | null>>()
  private readonly expiry = new Map<string, number>()

  constructor(
    private readonly store: Store,
    private readonly board: PresenceBoard,
    private readonly clock: Clock,
    private readonly geo: GeoIp | null,
  ) {}

  async forVisitor(inboxId: string, address: string | null): Promise<AvailabilityView> {
    const snap = await this.snapshot(inboxId)
    if (!snap) throw new ParleyError('not_found', 'inbox not found')
    const located = this.geo && address ? this.geo.lookup(address) : null
    const wanted = matchGeoRule(snap.inbox.geoRules, located) ?? snap.inbox.defaultBranchId
    const branch =
      snap.branches.get(wanted) ??
      snap.branches.get(snap.inbox.defaultBranchId) ??
      snap.branches.values().next().value
    if (!branch) throw new ParleyError('not_found', 'inbox has no branch')
    const now = this.clock.now()
    const { schedule } = branch.record
    const withinHours = isOpen(schedule, now)
    const capacity = snap.inbox.settings.maxOpenPerOperator
    const available = branch.members.filter(
      (op) => op.active && op.canChat && this.board.isAvailable(op.id),
    )
    const withRoom = available.filter((op) => capacity === 0 || (snap.load[op.id] ?? 0) < capacity)
    const state: AvailabilityState =
      !withinHours || available.length === 0 ? 'offline' : withRoom.length > 0 ? 'online' : 'busy'
    return {
      state,
      branchId: branch.record.id,
      withinHours,
      nextOpeningAt: withinHours ? null : nextOpening(schedule, now),
      timeZone: schedule.timeZone,
    }
  }

  /** Drops an inbox's snapshot (its branches or members changed here). */
  forget(inboxId: string): void {
    this.snapshots.delete(inboxId)
    this.expiry.delete(inboxId)
  }

  /** One read per inbox per SNAPSHOT_MS, shared by every request that arrives meanwhile. */
  private snapshot(inboxId: string): Promise<Snapshot | null> {
    const now = this.clock.now()
    const cached = this.snapshots.get(inboxId)
    if (cached && (this.expiry.get(inboxId) ?? 0) > now) return cached
    const loading = this.load(inboxId)
    this.snapshots.set(inboxId, loading)
    this.expiry.set(inboxId, now + SNAPSHOT_MS)
    // A failed read is not kept: the next request tries again.
    loading.catch(() => this.forget(inboxId))
    if (this.snapshots.size > MAX_SNAPSHOTS) {
      const oldest = this.snapshots.keys().next().value
      if (oldest !== undefined) this.forget(oldest)
    }
    return loading
  }

  private async load(inboxId: string): Promise<Snapshot | null> {
    const inbox = await this.store.inboxes.get(inboxId)
    if (!inbox) return null
    const [branches, memberships, load] = await Promise.all([
      this.store.branches.list(inboxId),
      this.store.branches.memberships(inboxId),
      this.store.queries.openCountsByAssignee(inboxId),
    ])
    // One read of every operator beats one per member: teams are small, reads are per inbox.
    const operators = new Map((await this.store.operators.list()).map((op) => [op.id, op]))
    const byBranch = new Map(
      branches.map((b) => [b.id, { record: b, members: [] as OperatorRecord[] }]),
    )
    for (const m of memberships) {
      const op = operators.get(m.operatorId)
      if (op) byBranch.get(m.branchId)?.members.push(op)
    }
    return { inbox, branches: byBranch, load, until: this.clock.now() + SNAPSHOT_MS }
  }
}
