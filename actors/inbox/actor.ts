/**
 * One live actor per inbox: every assignment decision of the inbox goes through its mailbox, so
 * two decisions can never give one conversation to two operators (R2, R3).
 *
 * - Branches (R1): each conversation belongs to one branch of the inbox (a team with its own
 *   working hours); routing and escalation stay within its pool. A conversation naming a branch
 *   that no longer exists belongs to the inbox's default branch.
 * - Routing: a new conversation goes to the available member of its branch with the fewest open
 *   conversations of this inbox, ties broken round-robin; capacity is respected; with nobody
 *   available, or outside the branch's hours (R5), it waits (unassigned in the store) and is
 *   assigned oldest-first when someone becomes available or the branch opens (a timer per
 *   branch fires at its next opening).
 * - Escalation: an assignment made for someone (not by them) carries a deadline stored on the
 *   conversation; a timer mirrors it. If the assignee has not opened the conversation by then,
 *   it moves to the next available member of the branch, or (the branch's setting) of the
 *   default branch. Timers are re-armed from the store on activation, so a deadline that passed
 *   while the server was down fires at once.
 */
import {
  ParleyError,
  isActive,
  type AssignReason,
  type Conversation,
  type Party,
  type QueueEventFrame,
} from '../../protocol/index.ts'
import type { InboxBus, InboxChange } from '../bus.ts'
import { nextSlaDue } from '../../protocol/sla.ts'
import { partyOf, type Principal } from '../conversation/access.ts'
import type { ConversationReplies } from '../conversation/commands.ts'
import type { PresenceBoard } from '../operator/presence.ts'
import type {
  BranchRecord,
  BranchStore,
  ConversationQueries,
  InboxRecord,
  InboxStore,
  LocalizedText,
  OperatorRecord,
  OperatorStore,
} from '../ports.ts'
import { Actor, type ActorContext } from '../runtime/index.ts'
import type { InboxCommand, InboxReplies } from './commands.ts'
import { isOpen, nextChange } from './schedule.ts'

/** How the inbox actor reaches conversation actors (their mailboxes, never their state). */
export interface ConversationRouting {
  assign(
    conversationId: string,
    cmd: {
      assigneeId: string | null
      escalationAt: number | null
      reason: AssignReason
      by: Party
      expect: { assigneeId: string | null; escalationAt?: number | null }
      branchId?: string
    },
  ): Promise<ConversationReplies['assign']>
  peek(conversationId: string): Promise<Conversation | null>
  /** Wakes a conversation still snoozed until exactly `until` (issue 20). */
  wake(conversationId: string, until: number): Promise<boolean>
  /** Records the SLA deadlines of the conversation passed by now; how many. */
  slaCheck(conversationId: string): Promise<number>
  waitingReply(
    conversationId: string,
    cmd: { since: number; text: LocalizedText },
  ): Promise<ConversationReplies['waiting_reply']>
}

export interface InboxDeps {
  inboxes: InboxStore
  branches: BranchStore
  operators: OperatorStore
  queries: ConversationQueries
  board: PresenceBoard
  bus: InboxBus
  conversations: ConversationRouting
  /** Where queue places go to a conversation's subscribers (R6); none: not told. */
  queue?: { publish(frame: QueueEventFrame): void }
  /**
   * Hears each change of the inbox once in the cluster (here, its one inbox actor): Web Push
   * (issue 20). Not awaited; must not throw.
   */
  observe?: (change: InboxChange) => void
}

export const ROUTING: Party = { kind: 'system', id: 'routing' }
/** Queue rows read per store round trip while draining. */
const QUEUE_PAGE = 50
/** Waiting conversations per branch told their place in the queue as it moves. */
const QUEUE_TOLD = 50
/** A branch's hours timer is re-armed at least this often (timers cannot wait for months). */
const MAX_SCHEDULE_WAIT_MS = 24 * 3600_000
/**
 * On activation, waits of conversations active this recently are taken up again (a restart or
 * a failover); an older wait gets no automatic reply any more.
 */
const WAIT_LOOKBACK_MS = 48 * 3600_000
/** A waiting reply that could not be stored is tried again after this long. */
const WAIT_RETRY_MS = 5_000

/** A visitor waiting for an answer (R7), as the inbox actor follows it. */
interface Wait {
  since: number
  branchId: string | undefined
  /** Its waiting reply is stored (or was found stored): nothing more to send for this wait. */
  replied: boolean
  /** Its delay passed while the branch was closed: armed again when the branch opens. */
  deferred: boolean
}

/** A branch as routing sees it: its record and its pool. */
interface LiveBranch {
  record: BranchRecord
  members: Set<string>
}

type Reply<K extends InboxCommand['type']> = InboxReplies[K]

export class InboxActor extends Actor<InboxCommand, InboxReplies> {
  private inbox: InboxRecord | null = null
  /** Inbox members and branch members: everyone who may be routed to or assigned here. */
  private members = new Map<string, OperatorRecord>()
  /** Operators the inbox itself lists (who may see its conversations and take them). */
  private inboxMembers = new Set<string>()
  private branches = new Map<string, LiveBranch>()
  /** Branches whose queue changed during the command being handled. */
  private readonly movedQueues = new Set<string>()
  /** The queue places last told, per branch (its first QUEUE_TOLD waiting conversations). */
  private readonly told = new Map<string, Map<string, number>>()
  /** The operator who got the last routed conversation: ties go to the next one after them. */
  private lastRouted: string | null = null
  /** Escalations that found nobody to move to; retried when someone becomes available. */
  private readonly overdue = new Map<string, { assigneeId: string; escalationAt: number }>()
  /** Open conversations whose visitor waits for an answer, by id. */
  private readonly waits = new Map<string, Wait>()
  private unsubscribe: (() => void) | null = null

  constructor(
    key: string,
    ctx: ActorContext,
    private readonly deps: InboxDeps,
  ) {
    super(key, ctx)
  }

  protected override async activate(): Promise<void> {
    if (!(await this.load())) return
    this.unsubscribe = this.deps.bus.subscribe(this.key, (change) =>
      this.deliverSelf({ type: 'change', change }),
    )
    for (const p of await this.deps.queries.pendingEscalations(this.key)) {
      this.armEscalation(p.id, p.assigneeId, p.escalationAt)
    }
    for (const p of await this.deps.queries.pendingSnoozes(this.key)) {
      this.armSnooze(p.id, p.until)
    }
    for (const p of await this.deps.queries.pendingSlaDeadlines(this.key)) {
      this.armSla(p.id, p.due)
    }
    const activeSince = this.ctx.clock.now() - WAIT_LOOKBACK_MS
    for (const w of await this.deps.queries.waitingConversations(this.key, activeSince)) {
      this.waits.set(w.id, {
        since: w.since,
        branchId: w.branchId ?? undefined,
        replied: w.replied,
        deferred: false,
      })
      this.armWait(w.id)
    }
  }

  protected override onStop(): void {
    this.unsubscribe?.()
    this.unsubscribe = null
  }

  /** Inbox actors hold the routing queue and escalation timers: they stay. */
  override canPassivate(): boolean {
    return false
  }

  protected async receive(cmd: InboxCommand): Promise<Reply<InboxCommand['type']>> {
    if (!this.inbox) {
      this.stopAfterReply()
      throw new ParleyError('not_found', 'inbox not found')
    }
    try {
      return await this.handle(cmd)
    } finally {
      await this.tellQueues()
    }
  }

  private async handle(cmd: InboxCommand): Promise<Reply<InboxCommand['type']>> {
    switch (cmd.type) {
      case 'change':
        return this.onChange(cmd.change)
      case 'operator_available':
        return this.offerWork()
      case 'escalate':
        return this.escalate(cmd.conversationId, cmd.assigneeId, cmd.escalationAt)
      case 'sla_check':
        // Idempotent in the conversation: a deadline met or recorded since changes nothing.
        await this.deps.conversations.slaCheck(cmd.conversationId)
        return
      case 'wake':
        // Idempotent in the conversation: a snooze moved or ended since changes nothing.
        await this.deps.conversations.wake(cmd.conversationId, cmd.until)
        return
      case 'assign':
        return this.manualAssign(cmd.conversationId, cmd.operatorId, cmd.principal)
      case 'transfer':
        return this.transfer(cmd)
      case 'reload':
        await this.load()
        return this.offerWork()
      case 'route_queue':
        return this.drainQueue()
      case 'hours':
        return this.onHours(cmd.branchId)
      case 'waiting':
        return this.onWaited(cmd.conversationId, cmd.since)
      default:
        return assertNever(cmd)
    }
  }

  private async load(): Promise<boolean> {
    this.inbox = await this.deps.inboxes.get(this.key)
    if (!this.inbox) return false
    const [ids, branches, memberships] = await Promise.all([
      this.deps.inboxes.members(this.key),
      this.deps.branches.list(this.key),
      this.deps.branches.memberships(this.key),
    ])
    this.inboxMembers = new Set(ids)
    this.branches = new Map(branches.map((b) => [b.id, { record: b, members: new Set<string>() }]))
    for (const m of memberships) this.branches.get(m.branchId)?.members.add(m.operatorId)
    const everyone = new Set([...ids, ...memberships.map((m) => m.operatorId)])
    const records = await Promise.all([...everyone].map((id) => this.deps.operators.getById(id)))
    this.members = new Map(records.flatMap((op) => (op ? [[op.id, op] as const] : [])))
    for (const key of this.timerNames()) {
      if (key.startsWith('hours:') && !this.branches.has(key.slice(6))) this.cancelTimer(key)
    }
    for (const id of this.branches.keys()) this.armHours(id)
    for (const id of this.waits.keys()) this.armWait(id) // the delay or the switch may differ
    return true
  }

  /** The conversation's branch; one that no longer exists means the default branch. */
  private branchOf(branchId: string | undefined): LiveBranch | null {
    const inbox = this.inbox as InboxRecord
    return (
      (branchId !== undefined ? this.branches.get(branchId) : undefined) ??
      this.branches.get(inbox.defaultBranchId) ??
      this.branches.values().next().value ??
      null
    )
  }

  private isOpen(branch: LiveBranch): boolean {
    return isOpen(branch.record.schedule, this.ctx.clock.now())
  }

  /** A timer at the branch's next opening or closing (or a day from now, whichever is first). */
  private armHours(branchId: string): void {
    const branch = this.branches.get(branchId)
    if (!branch) return
    const now = this.ctx.clock.now()
    const change = nextChange(branch.record.schedule, now)
    if (change === null) {
      this.cancelTimer(`hours:${branchId}`)
      return
    }
    const delay = Math.min(MAX_SCHEDULE_WAIT_MS, Math.max(0, change - now))
    this.startTimer(`hours:${branchId}`, delay, { type: 'hours', branchId })
  }

  /** The branch's hours changed (or a day passed): at an opening, what waits is routed. */
  private async onHours(branchId: string): Promise<void> {
    this.armHours(branchId)
    const branch = this.branches.get(branchId)
    if (!branch || !this.isOpen(branch)) return
    // Waits whose delay passed while closed get their reply if the opening brings no answer.
    const from = this.ctx.clock.now()
    for (const [id, wait] of this.waits) {
      if (wait.deferred && this.branchOf(wait.branchId) === branch) {
        wait.deferred = false
        this.armWait(id, from)
      }
    }
    await this.retryOverdue()
    await this.drainBranch(branch)
  }

  private get periodMs(): number {
    return (this.inbox as InboxRecord).settings.escalationMinutes * 60_000
  }

  private async onChange(change: InboxChange): Promise<void> {
    const conv = change.conversation
    this.deps.observe?.(change)
    this.syncEscalation(conv)
    this.syncSnooze(conv)
    this.syncSla(conv)
    this.followWait(change)
    if (
      change.kind === 'created' ||
      change.kind === 'status' ||
      change.kind === 'assigned' ||
      change.kind === 'triage' // a priority moves it in its queue
    ) {
      this.queueMoved(conv.branchId)
    }
    switch (change.kind) {
      case 'created':
        if (conv.assigneeId === null && conv.status === 'open') await this.route(conv, null)
        return
      case 'status':
        if (conv.status !== 'open' && conv.assigneeId !== null) await this.offerWork() // a slot freed
        if (conv.status === 'open' && conv.assigneeId === null) await this.route(conv, null)
        return
      case 'assigned':
        if (conv.assigneeId === null && conv.status === 'open') {
          // Released: back to routing, but not to whoever had it.
          await this.route(conv, change.previousAssigneeId)
        } else if (change.previousAssigneeId !== null) {
          await this.offerWork() // the previous assignee has a slot free
        }
        return
      default:
        return
    }
  }

  /**
   * A wait begins with a visitor's message no operator has answered (the first one of a new
   * conversation, or the first after an operator's message) and ends with an operator's
   * message or when the conversation is no longer open. Automatic replies change nothing.
   */
  private followWait(change: InboxChange): void {
    const conv = change.conversation
    if (conv.status !== 'open') return this.forgetWait(conv.id)
    const wait = this.waits.get(conv.id)
    if (wait) wait.branchId = conv.branchId // a transfer or an escalation may move it
    const author =
      change.kind === 'message' ? change.author : change.kind === 'created' ? 'visitor' : null
    if (author === 'operator') return this.forgetWait(conv.id)
    if (author !== 'visitor' || wait || !conv.hasUnansweredIncoming) return
    const since = conv.lastMessageAt ?? conv.createdAt
    this.waits.set(conv.id, { since, branchId: conv.branchId, replied: false, deferred: false })
    this.armWait(conv.id)
  }

  private forgetWait(conversationId: string): void {
    if (this.waits.delete(conversationId)) this.cancelTimer(`wait:${conversationId}`)
  }

  /** Times the wait's reply by its branch's setting, not before `notBefore` plus the delay. */
  private armWait(conversationId: string, notBefore = 0): void {
    const wait = this.waits.get(conversationId)
    const reply = wait && this.branchOf(wait.branchId)?.record.settings.waitingReply
    if (!wait || !reply || wait.replied || !reply.on) {
      this.cancelTimer(`wait:${conversationId}`)
      return
    }
    const afterMs = reply.afterSeconds * 1000
    const due = Math.max(wait.since + afterMs, notBefore + afterMs)
    this.startTimer(`wait:${conversationId}`, Math.max(0, due - this.ctx.clock.now()), {
      type: 'waiting',
      conversationId,
      since: wait.since,
    })
  }

  /**
   * The wait's delay passed: within the branch's hours its reply goes now (the conversation
   * actor stores it once per wait, whatever is retried); outside them, at the opening.
   */
  private async onWaited(conversationId: string, since: number): Promise<void> {
    const wait = this.waits.get(conversationId)
    if (!wait || wait.since !== since || wait.replied) return
    const branch = this.branchOf(wait.branchId)
    const reply = branch?.record.settings.waitingReply
    if (!branch || !reply?.on) return
    if (!this.isOpen(branch)) {
      wait.deferred = true
      return
    }
    wait.replied = true
    try {
      await this.deps.conversations.waitingReply(conversationId, { since, text: reply.text })
    } catch (error) {
      // Not stored (the store or the owner failed): tried again a little later.
      wait.replied = false
      this.ctx.log.warn('waiting reply failed; retrying', {
        conversationId,
        error: error instanceof Error ? error.message : String(error),
      })
      this.startTimer(`wait:${conversationId}`, WAIT_RETRY_MS, {
        type: 'waiting',
        conversationId,
        since,
      })
    }
  }

  /** The snooze timer mirrors the conversation's snooze (issue 20): armed while it has a time. */
  private syncSnooze(conv: Conversation): void {
    const until = conv.status === 'open' ? conv.snooze?.until : null
    if (until != null) this.armSnooze(conv.id, until)
    else this.cancelTimer(`snooze:${conv.id}`)
  }

  private armSnooze(conversationId: string, until: number): void {
    const delay = Math.max(0, until - this.ctx.clock.now())
    this.startTimer(`snooze:${conversationId}`, delay, { type: 'wake', conversationId, until })
  }

  /** The SLA timer mirrors the earliest pending deadline of the conversation's SLA (issue 20). */
  private syncSla(conv: Conversation): void {
    const due = conv.sla ? nextSlaDue(conv.sla) : null
    if (due !== null) this.armSla(conv.id, due)
    else this.cancelTimer(`sla:${conv.id}`)
  }

  private armSla(conversationId: string, due: number): void {
    const delay = Math.max(0, due - this.ctx.clock.now())
    this.startTimer(`sla:${conversationId}`, delay, { type: 'sla_check', conversationId })
  }

  /** The escalation timer always mirrors the conversation's stored deadline. */
  private syncEscalation(conv: Conversation): void {
    if (conv.status === 'open' && conv.assigneeId !== null && conv.escalationAt !== null) {
      this.armEscalation(conv.id, conv.assigneeId, conv.escalationAt)
    } else {
      this.cancelTimer(`escalate:${conv.id}`)
      this.overdue.delete(conv.id)
    }
  }

  private armEscalation(conversationId: string, assigneeId: string, escalationAt: number): void {
    const delay = Math.max(0, escalationAt - this.ctx.clock.now())
    this.startTimer(`escalate:${conversationId}`, delay, {
      type: 'escalate',
      conversationId,
      assigneeId,
      escalationAt,
    })
  }

  /** Idempotent: acts only if the conversation still has exactly this assignee and deadline. */
  private async escalate(
    conversationId: string,
    assigneeId: string,
    escalationAt: number,
  ): Promise<void> {
    const conv = await this.deps.conversations.peek(conversationId)
    const stillDue =
      conv !== null &&
      conv.status === 'open' &&
      conv.assigneeId === assigneeId &&
      conv.escalationAt === escalationAt
    if (!stillDue) {
      this.overdue.delete(conversationId)
      return
    }
    const branch = this.branchOf(conv.branchId)
    let target = branch ? await this.choose(branch, assigneeId) : null
    let moveTo: string | undefined
    const fallback = this.branchOf(undefined)
    if (
      !target &&
      branch &&
      fallback &&
      fallback !== branch &&
      branch.record.settings.escalateToDefault &&
      this.isOpen(fallback)
    ) {
      target = await this.choose(fallback, assigneeId)
      if (target) moveTo = fallback.record.id
    }
    if (!target) {
      this.overdue.set(conversationId, { assigneeId, escalationAt })
      return
    }
    this.overdue.delete(conversationId)
    await this.deps.conversations.assign(conversationId, {
      assigneeId: target,
      escalationAt: this.ctx.clock.now() + this.periodMs,
      reason: 'escalation',
      by: ROUTING,
      expect: { assigneeId, escalationAt },
      ...(moveTo !== undefined ? { branchId: moveTo } : {}),
    })
  }

  /**
   * Someone may be able to take work now (came online, freed a slot, settings changed):
   * overdue escalations first, then the queue.
   */
  private async offerWork(): Promise<void> {
    await this.retryOverdue()
    await this.drainQueue()
  }

  private async retryOverdue(): Promise<void> {
    for (const [id, due] of [...this.overdue])
      await this.escalate(id, due.assigneeId, due.escalationAt)
  }

  /**
   * Assigns the conversation if its branch is open and someone there can take it; false leaves
   * it waiting in the branch's queue.
   */
  private async route(
    conv: Conversation | { id: string; branchId?: string },
    exclude: string | null,
  ): Promise<boolean> {
    const branch = this.branchOf(conv.branchId)
    if (!branch || !this.isOpen(branch)) return false
    const target = await this.choose(branch, exclude)
    if (!target) return false
    const result = await this.deps.conversations.assign(conv.id, {
      assigneeId: target,
      escalationAt: this.ctx.clock.now() + this.periodMs,
      reason: 'auto',
      by: ROUTING,
      expect: { assigneeId: null },
    })
    if (result.applied) this.lastRouted = target
    return result.applied
  }

  /** The branch's queue may have changed: its waiting conversations hear their places. */
  private queueMoved(branchId: string | undefined): void {
    const branch = this.branchOf(branchId)
    if (branch) this.movedQueues.add(branch.record.id)
  }

  /**
   * Tells the first QUEUE_TOLD waiting conversations of each branch whose queue changed their
   * place (R6), as ephemeral `queue` events to their subscribers: only places that changed, and
   * `null` to one that left the queue. One read per changed branch per command.
   */
  private async tellQueues(): Promise<void> {
    const publisher = this.deps.queue
    if (!publisher || this.movedQueues.size === 0) return
    const branches = [...this.movedQueues]
    this.movedQueues.clear()
    const at = this.ctx.clock.now()
    const tell = (conversationId: string, position: number | null) =>
      publisher.publish({ type: 'event', name: 'queue', conversationId, at, data: { position } })
    for (const branchId of branches) {
      const waiting = await this.deps.queries
        .queuedConversations(this.key, branchId, QUEUE_TOLD)
        .catch(() => null) // a failing store: the next change tells them
      if (!waiting) continue
      const before = this.told.get(branchId) ?? new Map<string, number>()
      const now = new Map(waiting.map((c, i) => [c.id, i + 1]))
      for (const [id, position] of now) if (before.get(id) !== position) tell(id, position)
      for (const id of before.keys()) if (!now.has(id)) tell(id, null)
      if (now.size > 0) this.told.set(branchId, now)
      else this.told.delete(branchId)
    }
  }

  /** Every open branch's queue, oldest first within each. Returns how many moved. */
  private async drainQueue(): Promise<number> {
    let moved = 0
    for (const branch of this.branches.values()) {
      if (this.isOpen(branch)) moved += await this.drainBranch(branch)
    }
    return moved
  }

  /** Oldest waiting conversations of the branch first, while anyone there can take them. */
  private async drainBranch(branch: LiveBranch): Promise<number> {
    this.movedQueues.add(branch.record.id)
    let moved = 0
    for (;;) {
      const waiting = await this.deps.queries.queuedConversations(
        this.key,
        branch.record.id,
        QUEUE_PAGE,
      )
      for (const conv of waiting) {
        if (!(await this.route({ id: conv.id, branchId: branch.record.id }, null))) return moved
        moved++
      }
      if (waiting.length < QUEUE_PAGE) return moved
    }
  }

  /**
   * The available member of the branch with the fewest open conversations here, below capacity;
   * among equals the next after the last one routed to (round-robin in id order).
   */
  private async choose(branch: LiveBranch, exclude: string | null): Promise<string | null> {
    const counts = await this.deps.queries.openCountsByAssignee(this.key)
    const capacity = (this.inbox as InboxRecord).settings.maxOpenPerOperator
    const load = (id: string) => counts[id] ?? 0
    const eligible = [...branch.members]
      .flatMap((id) => {
        const op = this.members.get(id)
        return op ? [op] : []
      })
      .filter(
        (op) => op.active && op.canChat && op.id !== exclude && this.deps.board.isAvailable(op.id),
      )
      .map((op) => op.id)
      .filter((id) => capacity === 0 || load(id) < capacity)
      .sort()
    if (eligible.length === 0) return null
    const least = Math.min(...eligible.map(load))
    const tied = eligible.filter((id) => load(id) === least)
    const last = this.lastRouted
    return tied.find((id) => last !== null && id > last) ?? (tied[0] as string)
  }

  /**
   * The checks every move by a person starts with: an operator who may chat, a conversation of
   * this inbox, a member of it (or elevated), an open or pending one (issue 20).
   */
  private async openToMove(
    principal: Principal,
    conversationId: string,
    verb: string,
  ): Promise<{
    principal: Mover
    conv: Conversation
    elevated: boolean
  }> {
    // The system (a rule of this inbox) moves like a supervisor, in this inbox only.
    const system = principal.kind === 'system' && principal.inboxId === this.key
    if (!system && (principal.kind !== 'operator' || !principal.canChat)) {
      throw new ParleyError('forbidden', 'this operator has no permission to handle chats')
    }
    const conv = await this.deps.conversations.peek(conversationId)
    if (!conv || conv.inboxId !== this.key)
      throw new ParleyError('not_found', 'conversation not found')
    if (principal.kind !== 'operator') {
      if (!isActive(conv.status)) {
        throw new ParleyError('conflict', `only open or pending conversations can be ${verb}`)
      }
      return { principal: principal as Mover, conv, elevated: true }
    }
    const elevated = principal.role === 'supervisor' || principal.role === 'admin'
    if (!elevated && !this.inboxMembers.has(principal.id)) {
      throw new ParleyError('forbidden', 'not a member of this inbox')
    }
    if (!isActive(conv.status)) {
      throw new ParleyError('conflict', `only open or pending conversations can be ${verb}`)
    }
    return { principal, conv, elevated }
  }

  /**
   * Transfer (R4): to operator Y (a member of this inbox, active, with canChat), who gets it at
   * once when available, else it waits in Y's branch for whoever there is free; or to branch X,
   * whose first free operator (as routing chooses) gets it, else it waits in X's queue. The
   * receiver's escalation deadline starts now. One `conversation.assigned` event (reason
   * `transfer`), also when it only changes branch.
   */
  private async transfer(cmd: Extract<InboxCommand, { type: 'transfer' }>): Promise<Conversation> {
    const { principal, conv } = await this.openToMove(
      cmd.principal,
      cmd.conversationId,
      'transferred',
    )
    if (!mayMove(principal, conv.assigneeId)) {
      throw new ParleyError('forbidden', 'only the assignee or a supervisor can transfer it')
    }
    let branch: LiveBranch | null
    let target: string | null
    if ('operatorId' in cmd.to) {
      const id = cmd.to.operatorId
      const op = this.inboxMembers.has(id) ? this.members.get(id) : undefined
      if (!op || !op.active || !op.canChat) {
        throw new ParleyError(
          'validation_failed',
          'the target operator cannot take conversations of this inbox',
        )
      }
      if (id === conv.assigneeId) throw new ParleyError('conflict', 'it is already theirs')
      // Their branch: the conversation's own when they are in it, else the first they are in.
      const current = this.branchOf(conv.branchId)
      branch = current?.members.has(id)
        ? current
        : ([...this.branches.values()].find((b) => b.members.has(id)) ?? current)
      target = this.deps.board.isAvailable(id) ? id : null
    } else {
      branch = this.branches.get(cmd.to.branchId) ?? null
      if (!branch) {
        throw new ParleyError(
          'validation_failed',
          `to.branchId: no branch "${cmd.to.branchId}" in this inbox`,
        )
      }
      target = this.isOpen(branch) ? await this.choose(branch, conv.assigneeId) : null
    }
    if (!branch) throw new ParleyError('not_found', 'inbox has no branch')
    const result = await this.deps.conversations.assign(cmd.conversationId, {
      assigneeId: target,
      escalationAt: target === null ? null : this.ctx.clock.now() + this.periodMs,
      reason: 'transfer',
      by: partyOf(principal),
      expect: { assigneeId: conv.assigneeId },
      branchId: branch.record.id,
      ...(cmd.note ? { note: cmd.note } : {}),
    })
    if (!result.applied || !result.conversation)
      throw new ParleyError('conflict', 'the conversation changed; try again')
    return result.conversation
  }

  /**
   * Manual assignment (R4 ground): "assign to me", transfer by the assignee, any move by a
   * supervisor or admin, and release (null) by the assignee or a supervisor.
   */
  private async manualAssign(
    conversationId: string,
    operatorId: string | null,
    principal: Parameters<typeof partyOf>[0],
  ): Promise<Conversation> {
    const { conv, elevated } = await this.openToMove(principal, conversationId, 'assigned')
    const mine = conv.assigneeId === principal.id
    let escalationAt: number | null = null
    if (operatorId === null) {
      if (!elevated && !mine)
        throw new ParleyError('forbidden', 'only the assignee or a supervisor can release it')
    } else if (operatorId === principal.id) {
      if (!elevated && conv.assigneeId !== null && !mine) {
        throw new ParleyError('conflict', 'the conversation is assigned to someone else')
      }
    } else {
      if (!elevated && !mine)
        throw new ParleyError('forbidden', 'only the assignee or a supervisor can transfer it')
      const target = this.inboxMembers.has(operatorId) ? this.members.get(operatorId) : undefined
      if (!target || !target.active || !target.canChat) {
        throw new ParleyError(
          'validation_failed',
          'the target operator cannot take conversations of this inbox',
        )
      }
      escalationAt = this.ctx.clock.now() + this.periodMs
    }
    const result = await this.deps.conversations.assign(conversationId, {
      assigneeId: operatorId,
      escalationAt,
      reason: operatorId === null ? 'released' : 'manual',
      by: partyOf(principal),
      expect: { assigneeId: conv.assigneeId },
    })
    if (!result.applied || !result.conversation)
      throw new ParleyError('conflict', 'the conversation changed; try again')
    return result.conversation
  }
}

/** Who moves a conversation: an operator, or the system (a rule) acting for its inbox. */
type Mover = Extract<Principal, { kind: 'operator' | 'system' }>

/** Who may move a conversation: its assignee, anyone on an unassigned one, or the elevated. */
function mayMove(principal: Mover, assigneeId: string | null): boolean {
  if (principal.kind === 'system') return true
  const elevated = principal.role === 'supervisor' || principal.role === 'admin'
  return elevated || assigneeId === null || assigneeId === principal.id
}

function assertNever(value: never): never {
  throw new Error(`unhandled command ${JSON.stringify(value)}`)
}
