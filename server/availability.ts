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
  Clock,
  InboxRecord,
  InboxSettings,
  Locale,
  LocalizedText,
  OperatorRecord,
  OperatorStatus,
  PresenceBoard,
  Store,
} from '../actors/index.ts'
import { isOpen, nextOpening } from '../actors/inbox/schedule.ts'
import { ParleyError } from '../protocol/index.ts'
import type { GeoIp } from './geo/geoip.ts'
import { matchGeoRule } from './geo/rules.ts'

/** How long one node reuses an inbox's branches, members and load. */
const SNAPSHOT_MS = 2_000
/** Inboxes whose snapshot one node keeps at once (the oldest goes first). */
const MAX_SNAPSHOTS = 1_000
/** How long one node reuses a branch's typical reply time. */
const REPLY_TIME_MS = 60_000
/** The typical reply time reads the branch's conversations of the last week, newest first... */
const REPLY_TIME_WINDOW_MS = 7 * 24 * 3600_000
/** ...at most this many of them... */
const REPLY_TIME_SAMPLES = 50
/** ...and says nothing with fewer answered ones than this. */
const REPLY_TIME_MIN_SAMPLES = 3

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
  /** The branch's greeting, shown before the first message; null when off. */
  greeting: string | null
  /** The admin's offline line; null: the widget's own. */
  offlineText: string | null
  /**
   * While online: the branch's typical first-response time in whole minutes (at least 1), the
   * median of its recent answered conversations; null when offline, busy or not known yet.
   */
  typicalReplyMinutes: number | null
  /** How the widget asks for a rating once a conversation is resolved (C10). */
  rating: InboxSettings['rating']
  /** The inbox's pre-chat form (identity and context). */
  preChat: InboxSettings['preChat']
  /**
   * The widget's look (customization); title and launcher label in the visitor's language,
   * else English; an empty title: the inbox's name.
   */
  appearance: Omit<InboxSettings['appearance'], 'title' | 'launcherLabel'> & {
    title: string
    launcherLabel: string
  }
  /**
   * Whether the inbox runs any proactive message now (issue 20): the widget then asks which
   * the page offers (`GET /api/visitor/campaigns`). Set by the route, absent elsewhere.
   */
  campaigns?: boolean
  /**
   * Whether the inbox's help center has a published article (issue 21): the widget then loads
   * its search and suggestions (client/widget/help/). Set by the route, absent elsewhere.
   */
  help?: boolean
}

export interface TeamMember {
  id: string
  name: string
  displayName: string | null
  avatarId: string | null
  canChat: boolean
  status: OperatorStatus
  present: boolean
  /** Present, `online` and allowed to chat: routing would give them work. */
  available: boolean
  /** Open conversations assigned to them in this inbox. */
  open: number
  branchIds: string[]
}

export interface TeamView {
  branches: Array<{ id: string; name: string; isDefault: boolean; withinHours: boolean }>
  operators: TeamMember[]
}

/** The text in the visitor's language, else English. */
function textIn(text: LocalizedText, locale: Locale): string {
  return (text[locale] || text.en).trim()
}

/**
 * The median of the answered rows' first-response times in whole minutes, rounded up, at least
 * 1; null with fewer than REPLY_TIME_MIN_SAMPLES answered rows.
 */
export function medianMinutes(
  rows: ReadonlyArray<{ askedAt: number | null; answeredAt: number | null }>,
): number | null {
  const times = rows
    .flatMap((r) =>
      r.askedAt !== null && r.answeredAt !== null && r.answeredAt >= r.askedAt
        ? [r.answeredAt - r.askedAt]
        : [],
    )
    .sort((a, b) => a - b)
  if (times.length < REPLY_TIME_MIN_SAMPLES) return null
  const mid = times.length >> 1
  const median =
    times.length % 2 === 1
      ? (times[mid] as number)
      : ((times[mid - 1] as number) + (times[mid] as number)) / 2
  return Math.max(1, Math.ceil(median / 60_000))
}

interface SnapshotBranch {
  record: BranchRecord
  members: OperatorRecord[]
}

interface Snapshot {
  inbox: InboxRecord
  branches: Map<string, SnapshotBranch>
  /** Open conversations per assignee in this inbox. */
  load: Record<string, number>
  until: number
}

export class AvailabilityService {
  private readonly snapshots = new Map<string, Promise<Snapshot | null>>()
  private readonly expiry = new Map<string, number>()
  /** Typical reply minutes per branch, each reused for REPLY_TIME_MS. */
  private readonly replyTimes = new Map<
    string,
    { minutes: Promise<number | null>; until: number }
  >()

  constructor(
    private readonly store: Store,
    private readonly board: PresenceBoard,
    private readonly clock: Clock,
    private readonly geo: GeoIp | null,
  ) {}

  /** The availability of the branch a visitor from `address` would be routed to. */
  async forVisitor(
    inboxId: string,
    address: string | null,
    locale: Locale = 'en',
  ): Promise<AvailabilityView> {
    const snap = await this.snapshot(inboxId)
    if (!snap) throw new ParleyError('not_found', 'inbox not found')
    const located = this.geo && address ? this.geo.lookup(address) : null
    const branch = this.branchOf(snap, matchGeoRule(snap.inbox.geoRules, located))
    const now = this.clock.now()
    const { schedule, settings } = branch.record
    const withinHours = isOpen(schedule, now)
    const state = this.stateOf(snap, branch, withinHours)
    return {
      state,
      branchId: branch.record.id,
      withinHours,
      nextOpeningAt: withinHours ? null : nextOpening(schedule, now),
      timeZone: schedule.timeZone,
      greeting: settings.greeting.on ? textIn(settings.greeting.text, locale) : null,
      offlineText: textIn(settings.offlineText, locale) || null,
      rating: snap.inbox.settings.rating,
      preChat: snap.inbox.settings.preChat,
      appearance: {
        ...snap.inbox.settings.appearance,
        title: textIn(snap.inbox.settings.appearance.title, locale) || snap.inbox.name,
        launcherLabel: textIn(snap.inbox.settings.appearance.launcherLabel, locale),
      },
      typicalReplyMinutes:
        state === 'online' ? await this.typicalReplyMinutes(branch.record.id) : null,
    }
  }

  /**
   * The median first response of the branch's recent answered conversations (visitor's first
   * message to an operator's first message; automatic replies and offline requests do not
   * count), in whole minutes rounded up. Read at most once per REPLY_TIME_MS per node; a failed
   * read says "not known" and is tried again by the next request.
   */
  private typicalReplyMinutes(branchId: string): Promise<number | null> {
    const now = this.clock.now()
    const cached = this.replyTimes.get(branchId)
    if (cached && cached.until > now) return cached.minutes
    const minutes = this.store.queries
      .recentFirstResponses(branchId, now - REPLY_TIME_WINDOW_MS, REPLY_TIME_SAMPLES)
      .then((rows) => medianMinutes(rows))
      .catch(() => {
        this.replyTimes.delete(branchId)
        return null
      })
    this.replyTimes.delete(branchId) // re-inserted last: the map stays oldest first
    this.replyTimes.set(branchId, { minutes, until: now + REPLY_TIME_MS })
    if (this.replyTimes.size > MAX_SNAPSHOTS) {
      const oldest = this.replyTimes.keys().next().value
      if (oldest !== undefined) this.replyTimes.delete(oldest)
    }
    return minutes
  }

  /**
   * What a new conversation in this branch gets as its first automatic answer (R7), by the
   * branch's state now; null when that answer is off.
   */
  async autoReply(inboxId: string, branchId: string, locale: Locale): Promise<string | null> {
    const snap = await this.snapshot(inboxId)
    if (!snap) return null
    const branch = this.branchOf(snap, branchId)
    const withinHours = isOpen(branch.record.schedule, this.clock.now())
    const { firstReply, offlineReply } = branch.record.settings
    const reply = this.stateOf(snap, branch, withinHours) === 'offline' ? offlineReply : firstReply
    return reply.on ? textIn(reply.text, locale) || null : null
  }

  private branchOf(snap: Snapshot, wanted: string | null): SnapshotBranch {
    const branch =
      (wanted !== null ? snap.branches.get(wanted) : undefined) ??
      snap.branches.get(snap.inbox.defaultBranchId) ??
      snap.branches.values().next().value
    if (!branch) throw new ParleyError('not_found', 'inbox has no branch')
    return branch
  }

  private stateOf(snap: Snapshot, branch: SnapshotBranch, withinHours: boolean): AvailabilityState {
    const capacity = snap.inbox.settings.maxOpenPerOperator
    const available = branch.members.filter(
      (op) => op.active && op.canChat && this.board.isAvailable(op.id),
    )
    if (!withinHours || available.length === 0) return 'offline'
    const withRoom = available.some((op) => capacity === 0 || (snap.load[op.id] ?? 0) < capacity)
    return withRoom ? 'online' : 'busy'
  }

  /**
   * The inbox's team as operators see it when transferring (R4): its branches (open now?) and
   * every operator of its branches with status, presence, availability and open load.
   */
  async team(inboxId: string): Promise<TeamView> {
    const snap = await this.snapshot(inboxId)
    if (!snap) throw new ParleyError('not_found', 'inbox not found')
    const now = this.clock.now()
    const operators = new Map<string, TeamMember>()
    const branches: TeamView['branches'] = []
    for (const { record, members } of snap.branches.values()) {
      branches.push({
        id: record.id,
        name: record.name,
        isDefault: record.id === snap.inbox.defaultBranchId,
        withinHours: isOpen(record.schedule, now),
      })
      for (const op of members) {
        if (!op.active) continue
        const entry = operators.get(op.id)
        if (entry) {
          entry.branchIds.push(record.id)
          continue
        }
        const presence = this.board.get(op.id)
        operators.set(op.id, {
          id: op.id,
          name: op.name,
          displayName: op.displayName,
          avatarId: op.avatarId,
          canChat: op.canChat,
          status: presence.status,
          present: presence.present,
          available: op.canChat && this.board.isAvailable(op.id),
          open: snap.load[op.id] ?? 0,
          branchIds: [record.id],
        })
      }
    }
    return { branches, operators: [...operators.values()] }
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
