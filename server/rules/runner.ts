/**
 * The automation rules runner (issue 20), resumable after kill -9 at any point:
 *
 * 1. A conversation write whose inbox has enabled rules for what it appends leaves a mark in
 *    `rule_marks` in its own transaction (the rules outbox; `marks()` decides, from this
 *    node's directory of enabled rules).
 * 2. A round (#round) reads marks, each conversation's events in the marked range, and for
 *    each event the inbox's enabled rules of that event in position order whose conditions
 *    hold for the conversation as it is now. Each such rule's actions go through the
 *    conversation's actor (or its inbox actor for assignments), as the system party
 *    `rule:<ruleId>/<depth>`. Then one transaction records the runs (keyed by rule,
 *    conversation and trigger) and moves the mark past what it covered.
 * 3. Killed between an action and that transaction, the mark is still there and the round
 *    runs again; a run already recorded is skipped, and every action is safe to do again
 *    (messages and notes by a client id derived from the rule and trigger; labels, priority
 *    and status the same again; an assignment, transfer or snooze already in effect is not
 *    made again), so a rule acts at most once per trigger whatever restarts or fails over.
 * 4. An event a rule caused carries its depth: the rules it triggers run one deeper, and past
 *    MAX_RULE_DEPTH they do not run: the run is recorded as a loop, the rule shows why.
 * 5. `conversation.waited` is not in the log: a scan (#scanWaits) finds open, unsnoozed
 *    conversations of inboxes with such rules whose visitor has waited long enough, keyed by
 *    the wait's start (`wait:<since>`), so each wait triggers each rule once.
 *
 * In a cluster only the holder of the `rules.runner` lease runs rounds; every node keeps the
 * directory (reloaded when an admin changes a rule, published through NATS, and every minute).
 */
import { createHash } from 'node:crypto'
import type { Clock, Logger, OutboxMark, RuleRunRecord, Store } from '../../actors/index.ts'
import { isOpen } from '../../actors/inbox/schedule.ts'
import {
  MENTION_EXCERPT,
  ParleyError,
  type Conversation,
  type ConversationEvent,
  type Message,
  type VisitorContext,
} from '../../protocol/index.ts'
import {
  MAX_RULE_DEPTH,
  RULE_RUN_KEEP_DAYS,
  type Rule,
  type RuleAction,
} from '../../protocol/rules.ts'
import type { ConversationRegistry, InboxRegistry, OperatorRegistry } from '../chat.ts'
import type { Metrics } from '../metrics.ts'
import { attributeToSet } from './set-attribute.ts'
import type { DirectoryRelay } from '../webhooks/directory.ts'
import {
  causeOf,
  conditionsHold,
  needsContext,
  needsVisitor,
  ruleEventsOf,
  ruleParty,
  type RuleFacts,
} from './match.ts'

/** The subject every node hears rule changes on. */
export const RULES_CHANGED_SUBJECT = 'parley.rules.changed'
const RELOAD_MS = 60_000
/** A round's marks, and events read per conversation per round. */
const MARKS_PER_ROUND = 100
const EVENTS_PER_MARK = 200
/** Conversations a wait scan takes per rule. */
const WAITS_PER_SCAN = 200
const MINUTE = 60_000
const DAY = 86_400_000
/** Rule runs one conversation may take in a minute; past it a run is stopped as a loop. */
const RUNS_PER_MINUTE = 30

export interface RulesRunnerOptions {
  /** Safety-net poll for marks (a nudge after each marked write starts a round at once). */
  pollMs?: number
  /** How often waits are looked for. */
  waitScanMs?: number
}

type SystemPrincipal = { kind: 'system'; id: string; inboxId: string }

export class RulesRunner {
  /** Enabled rules of each inbox that has any, by position. */
  #byInbox = new Map<string, Rule[]>()
  #loaded = false
  #reloading: Promise<void> | null = null
  #again = false
  #timers: ReturnType<typeof setInterval>[] = []
  #nudge: ReturnType<typeof setTimeout> | null = null
  #unwatch: (() => void) | null = null
  #running: Promise<void> | null = null
  #roundAgain = false
  #stopped = false
  #active = false
  /** When rules last ran on each conversation (this minute's), for RUNS_PER_MINUTE. */
  #runsAt = new Map<string, number[]>()

  constructor(
    private readonly deps: {
      store: Store
      clock: Clock
      log: Logger
      metrics: Metrics
      conversations: ConversationRegistry
      inboxes: InboxRegistry
      /** Told of a `notify` action's mentions (their alerts). */
      operators: OperatorRegistry
      /** Queues a `webhook` action's event (WebhookService.queueRuleEvent). */
      webhook: (
        endpointId: string,
        event: {
          id: string
          inboxId: string
          conversation: Conversation
          rule: { id: string; name: string }
          trigger: string
        },
      ) => Promise<void>
      relay: DirectoryRelay | null
      /** Null on one node; in a cluster, true while this node holds the runner's lease. */
      lease: { hold(): Promise<boolean> } | null
      options?: RulesRunnerOptions
    },
  ) {}

  async start(): Promise<void> {
    this.#unwatch = this.deps.relay?.watch(RULES_CHANGED_SUBJECT, () => void this.reload()) ?? null
    await this.reload()
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(fn, ms)
      t.unref?.()
      this.#timers.push(t)
    }
    every(RELOAD_MS, () => void this.reload())
    every(this.deps.options?.pollMs ?? 2_000, () => this.nudge())
    every(this.deps.options?.waitScanMs ?? 30_000, () => void this.#scanWaits())
  }

  /** Whether this node ran the last round (it holds the runner's lease, or is alone). */
  get active(): boolean {
    return this.#active
  }

  /** Stops the timers and waits for a round under way. */
  async stop(): Promise<void> {
    this.#stopped = true
    for (const t of this.#timers) clearInterval(t)
    this.#timers = []
    if (this.#nudge) clearTimeout(this.#nudge)
    this.#unwatch?.()
    await this.#running?.catch(() => {})
  }

  /**
   * Whether this write's events go into the rules outbox: true when an enabled rule of the
   * inbox is triggered by one of them. Before the first load: true (a mark too many costs a
   * row, one too few a rule not run).
   */
  marks(inboxId: string, events: readonly ConversationEvent[]): boolean {
    if (!this.#loaded) return true
    const rules = this.#byInbox.get(inboxId)
    if (!rules) return false
    const wanted = new Set(rules.map((r) => r.event))
    const hit = events.some((e) => ruleEventsOf(e).some((name) => wanted.has(name)))
    if (hit) this.nudge()
    return hit
  }

  /** An admin changed a rule of this inbox: every node reloads its directory. */
  changed(): void {
    this.deps.relay?.publish(RULES_CHANGED_SUBJECT, {})
    void this.reload()
  }

  /** Reloads the directory; concurrent calls share one load and one more after it. */
  async reload(): Promise<void> {
    if (this.#reloading) {
      this.#again = true
      return this.#reloading
    }
    this.#reloading = (async () => {
      do {
        this.#again = false
        try {
          const byInbox = new Map<string, Rule[]>()
          for (const rule of await this.deps.store.rules.enabled()) {
            const list = byInbox.get(rule.inboxId) ?? []
            list.push(rule)
            byInbox.set(rule.inboxId, list)
          }
          this.#byInbox = byInbox
          this.#loaded = true
        } catch (error) {
          this.deps.log.warn('rules directory reload failed', { error })
        }
      } while (this.#again)
    })().finally(() => {
      this.#reloading = null
    })
    return this.#reloading
  }

  /** Starts a round soon (one at a time; a nudge during a round starts another after it). */
  nudge(): void {
    if (this.#stopped || this.#nudge) return
    this.#nudge = setTimeout(() => {
      this.#nudge = null
      void this.runRound()
    }, 10)
  }

  /** One round now, or after the one under way. Resolves when the round is over. */
  async runRound(): Promise<void> {
    if (this.#running) {
      this.#roundAgain = true
      return this.#running
    }
    this.#running = (async () => {
      do {
        this.#roundAgain = false
        try {
          this.#active = this.deps.lease ? await this.deps.lease.hold() : true
          if (!this.#active) return
          await this.#round()
        } catch (error) {
          this.deps.log.warn('rules round failed; retried on the next', { error })
        }
      } while (this.#roundAgain && !this.#stopped)
    })().finally(() => {
      this.#running = null
    })
    return this.#running
  }

  /** Looks for waits now (tests, and the timer). */
  async scanWaits(): Promise<void> {
    await this.#scanWaits()
  }

  async #round(): Promise<void> {
    for (;;) {
      const marks = await this.deps.store.rules.marks(MARKS_PER_ROUND)
      if (marks.length === 0) return
      const rows = await this.deps.store.queries.conversationsById(
        marks.map((m) => m.conversationId),
      )
      const inboxOf = new Map(rows.map((c) => [c.id, c.inboxId]))
      let failed = 0
      for (const mark of marks) {
        if (this.#stopped) return
        const inboxId = inboxOf.get(mark.conversationId)
        try {
          const done = inboxId
            ? await this.#processMark(mark, inboxId)
            : { runs: [], covered: mark.seq }
          await this.deps.store.rules.settle(done.runs, [
            { conversationId: mark.conversationId, covered: done.covered },
          ])
        } catch (error) {
          // Left for the next round (its rules are redone safely); the others go on meanwhile.
          failed++
          this.deps.log.warn('rules: a conversation is retried next round', {
            conversationId: mark.conversationId,
            error,
          })
        }
      }
      // Every mark of the page failed: the next page would be the same one. Wait for a round.
      if (failed === marks.length) return
      if (marks.length < MARKS_PER_ROUND) return
    }
  }

  /** Runs what the mark's events trigger; returns the runs to record and the seq covered. */
  async #processMark(
    mark: OutboxMark,
    inboxId: string,
  ): Promise<{ runs: RuleRunRecord[]; covered: number }> {
    const events = (
      await this.deps.store.conversations.eventsAfter(
        mark.conversationId,
        mark.fromSeq - 1,
        EVENTS_PER_MARK,
      )
    ).filter((e) => e.seq <= mark.seq)
    const covered = events.length === EVENTS_PER_MARK ? events.at(-1)!.seq : mark.seq
    const rules = this.#byInbox.get(inboxId) ?? []
    const triggered = events.flatMap((e) => {
      const names = ruleEventsOf(e)
      const matching = rules.filter((r) => names.includes(r.event))
      return matching.length > 0 ? [{ e, matching }] : []
    })
    if (triggered.length === 0) return { runs: [], covered }
    const done = new Set(
      (
        await this.deps.store.rules.runs(
          mark.conversationId,
          triggered.map(({ e }) => `seq:${e.seq}`),
        )
      ).map((r) => `${r.ruleId} ${r.trigger}`),
    )
    const runs: RuleRunRecord[] = []
    for (const { e, matching } of triggered) {
      const trigger = `seq:${e.seq}`
      const cause = causeOf(e)
      const depth = (cause?.depth ?? 0) + 1
      for (const rule of matching) {
        if (done.has(`${rule.id} ${trigger}`)) continue
        const run = await this.#apply(rule, mark.conversationId, trigger, depth, {
          message: e.name === 'message.created' ? e.data.message : null,
          causedBy: cause?.ruleId ?? null,
        })
        if (run) runs.push(run)
      }
    }
    return { runs, covered }
  }

  /**
   * Checks the rule's conditions against the conversation now and, when they hold, does its
   * actions. Returns the run to record; null when the conditions do not hold. Throws when the
   * store or an actor could not be reached (the round is retried).
   */
  async #apply(
    rule: Rule,
    conversationId: string,
    trigger: string,
    depth: number,
    cause: {
      message: Message | null
      causedBy: string | null
      /** Whether the trigger still stands for the live conversation (default: yes). */
      still?: (conversation: Conversation) => boolean
    },
  ): Promise<RuleRunRecord | null> {
    const at = this.deps.clock.now()
    const record = (outcome: RuleRunRecord['outcome'], error: string | null): RuleRunRecord => ({
      ruleId: rule.id,
      conversationId,
      trigger,
      at,
      outcome,
      error,
    })
    const conversation = await this.deps.conversations.ask(conversationId, { type: 'peek' })
    if (!conversation || conversation.inboxId !== rule.inboxId) return null
    if (cause.still && !cause.still(conversation)) return null
    const facts = await this.#facts(rule, conversation, cause.message)
    if (!conditionsHold(rule.conditions, facts)) return null
    if (depth > MAX_RULE_DEPTH) {
      const by = cause.causedBy ? this.#name(cause.causedBy) : 'a rule'
      const message = `stopped: triggered by ${by} in a chain of rules deeper than ${MAX_RULE_DEPTH} (a loop?)`
      this.deps.log.warn('rule loop stopped', { ruleId: rule.id, conversationId, trigger })
      this.deps.metrics.inc('parley_rule_runs_total', 'Automation rule runs by outcome.', {
        outcome: 'loop',
      })
      return record('loop', message)
    }
    if (!this.#budget(conversationId, at)) {
      const message = `stopped: more than ${RUNS_PER_MINUTE} rule runs on this conversation in a minute (a loop?)`
      this.deps.log.warn('rule runs over budget', { ruleId: rule.id, conversationId, trigger })
      this.deps.metrics.inc('parley_rule_runs_total', 'Automation rule runs by outcome.', {
        outcome: 'loop',
      })
      return record('loop', message)
    }
    const principal: SystemPrincipal = {
      ...ruleParty(rule.id, depth),
      kind: 'system',
      inboxId: rule.inboxId,
    }
    try {
      for (const [i, action] of rule.actions.entries()) {
        await this.#act(principal, conversationId, action, messageId(rule.id, trigger, i), {
          rule,
          trigger,
          index: i,
        })
      }
    } catch (error) {
      // Refused (a label or operator that is gone, a closed conversation): recorded, not retried.
      if (!(error instanceof ParleyError) || error.code === 'unavailable') throw error
      this.deps.metrics.inc('parley_rule_runs_total', 'Automation rule runs by outcome.', {
        outcome: 'failed',
      })
      return record('failed', `${error.code}: ${error.message}`)
    }
    this.deps.metrics.inc('parley_rule_runs_total', 'Automation rule runs by outcome.', {
      outcome: 'done',
    })
    return record('done', null)
  }

  /**
   * Takes one of the conversation's rule runs of the last minute; false when they are used up.
   * Depth bounds a chain, this its breadth: rules that each react to the others' changes.
   */
  #budget(conversationId: string, at: number): boolean {
    const since = at - MINUTE
    const recent = (this.#runsAt.get(conversationId) ?? []).filter((t) => t > since)
    if (recent.length >= RUNS_PER_MINUTE) return false
    recent.push(at)
    this.#runsAt.set(conversationId, recent)
    if (this.#runsAt.size > 10_000) {
      for (const [id, times] of this.#runsAt) {
        if (times.every((t) => t <= since)) this.#runsAt.delete(id)
      }
    }
    return true
  }

  #name(ruleId: string): string {
    for (const rules of this.#byInbox.values()) {
      const found = rules.find((r) => r.id === ruleId)
      if (found) return `rule "${found.name}"`
    }
    return 'a rule'
  }

  async #facts(
    rule: Rule,
    conversation: Conversation,
    message: Message | null,
  ): Promise<RuleFacts> {
    let context: VisitorContext | null = null
    if (needsContext(rule.conditions)) {
      const [newest] = await this.deps.store.conversations.pageEvents(conversation.id, 1)
      context = newest?.data.context ?? null
    }
    let open: boolean | null = null
    const branchId = conversation.branchId
    const branch =
      branchId && rule.conditions.some((c) => c.field === 'business_hours')
        ? await this.deps.store.branches.get(branchId)
        : null
    const visitor = needsVisitor(rule.conditions)
      ? await this.deps.store.visitors.getById(conversation.visitorId)
      : null
    return {
      conversation,
      message,
      context,
      visitorAttributes: visitor?.attributes ?? null,
      businessHours: () =>
        (open ??= branch ? isOpen(branch.schedule, this.deps.clock.now()) : true),
    }
  }

  /** One action, as the rule; nothing when it is already in effect. */
  async #act(
    principal: SystemPrincipal,
    conversationId: string,
    action: RuleAction,
    clientMsgId: string,
    at: { rule: Rule; trigger: string; index: number },
  ): Promise<void> {
    const { conversations, inboxes, store } = this.deps
    const now = async () => {
      const conv = await conversations.ask(conversationId, { type: 'peek' })
      if (!conv) throw new ParleyError('not_found', 'conversation not found')
      return conv
    }
    switch (action.type) {
      case 'add_labels': {
        const known = new Set((await store.labels.list(principal.inboxId)).map((l) => l.id))
        const gone = action.labelIds.find((id) => !known.has(id))
        if (gone) throw new ParleyError('validation_failed', `${gone} is no longer a label`)
        await conversations.ask(conversationId, {
          type: 'set_labels',
          principal,
          add: action.labelIds,
          remove: [],
        })
        return
      }
      case 'remove_labels':
        await conversations.ask(conversationId, {
          type: 'set_labels',
          principal,
          add: [],
          remove: action.labelIds,
        })
        return
      case 'set_priority':
        await conversations.ask(conversationId, {
          type: 'set_priority',
          principal,
          priority: action.priority,
        })
        return
      case 'send_message':
        await conversations.ask(conversationId, {
          type: 'send',
          principal,
          clientMsgId,
          text: action.text,
        })
        return
      case 'add_note':
        await conversations.ask(conversationId, {
          type: 'note',
          principal,
          clientMsgId,
          text: action.text,
          mentions: [],
        })
        return
      case 'assign':
        if ((await now()).assigneeId === action.to) return
        await inboxes.ask(principal.inboxId, {
          type: 'assign',
          conversationId,
          operatorId: action.to,
          principal,
        })
        return
      case 'transfer':
        if ((await now()).branchId === action.branchId) return
        await inboxes.ask(principal.inboxId, {
          type: 'transfer',
          conversationId,
          to: { branchId: action.branchId },
          principal,
        })
        return
      case 'snooze': {
        const conv = await now()
        if (conv.snooze || conv.status !== 'open') return
        await conversations.ask(conversationId, {
          type: 'snooze',
          principal,
          until: action.minutes === null ? null : this.deps.clock.now() + action.minutes * MINUTE,
        })
        return
      }
      case 'apply_sla': {
        const policy = await store.slaPolicies.get(action.policyId)
        if (!policy || policy.inboxId !== principal.inboxId) {
          throw new ParleyError(
            'validation_failed',
            `${action.policyId} is no longer an SLA policy`,
          )
        }
        // In effect already (a redo after a crash, or an earlier rule): nothing to do.
        if ((await now()).sla?.policyId === policy.id) return
        await conversations.ask(conversationId, { type: 'apply_sla', principal, policy })
        return
      }
      case 'set_attribute': {
        const set = await attributeToSet(store, principal.inboxId, action.key, action.value)
        if ('error' in set) throw new ParleyError('validation_failed', set.error)
        // Holding that value already (a redo, an earlier rule): the actor changes nothing.
        await conversations.ask(conversationId, {
          type: 'set_attributes',
          principal,
          changes: { [action.key]: set.value },
        })
        return
      }
      case 'webhook': {
        const { rule, trigger, index } = at
        await this.deps.webhook(action.endpointId, {
          // Stable across redos: the endpoint stores it once, receivers dedupe by it.
          id: `rule.${rule.id}.${trigger}.${index}`,
          inboxId: rule.inboxId,
          conversation: await now(),
          rule: { id: rule.id, name: rule.name },
          trigger,
        })
        return
      }
      case 'notify': {
        // Active members of the inbox only (one may have left since the rule was saved).
        const members = new Set(await store.inboxes.members(principal.inboxId))
        const found = await Promise.all(
          action.operatorIds.map((id) => (members.has(id) ? store.operators.getById(id) : null)),
        )
        const mentions = found.flatMap((o) => (o?.active ? [o.id] : []))
        const ack = await conversations.ask(conversationId, {
          type: 'note',
          principal,
          clientMsgId,
          text: action.text,
          mentions,
        })
        if (!ack.duplicate) {
          const by = { kind: 'system' as const, id: principal.id }
          const excerpt = action.text.trim().slice(0, MENTION_EXCERPT)
          for (const id of ack.mentions) {
            this.deps.operators.tell(id, {
              type: 'mention',
              conversationId,
              seq: ack.seq,
              by,
              excerpt,
            })
          }
        }
        return
      }
      case 'set_status':
        if ((await now()).status === action.status) return
        await conversations.ask(conversationId, {
          type: 'set_status',
          principal,
          status: action.status,
        })
        return
    }
  }

  /** `conversation.waited`: each wait that lasted a rule's minutes triggers it once. */
  async #scanWaits(): Promise<void> {
    if (this.#stopped || !this.#loaded) return
    try {
      if (this.deps.lease && !(await this.deps.lease.hold())) return
      const now = this.deps.clock.now()
      for (const [inboxId, rules] of this.#byInbox) {
        for (const rule of rules) {
          if (rule.event !== 'conversation.waited' || rule.waitMinutes === null) continue
          const waiting = await this.deps.store.rules.waiting(
            inboxId,
            now - rule.waitMinutes * MINUTE,
            // Older waits' runs may be gone (retention): they trigger nothing any more.
            now - RULE_RUN_KEEP_DAYS * DAY + DAY,
            WAITS_PER_SCAN,
          )
          const runs: RuleRunRecord[] = []
          for (const conv of waiting) {
            if (conv.waitingSince === null || conv.waitingSince === undefined) continue
            const since = conv.waitingSince
            const trigger = `wait:${since}`
            const known = await this.deps.store.rules.runs(conv.id, [trigger])
            if (known.some((r) => r.ruleId === rule.id)) continue
            const run = await this.#apply(rule, conv.id, trigger, 1, {
              message: null,
              causedBy: null,
              // The stored summary may lag: the live one must still wait, since then.
              still: (live) =>
                live.status === 'open' && !live.snooze && live.waitingSince === since,
            })
            if (run) runs.push(run)
          }
          await this.deps.store.rules.settle(runs, [])
        }
      }
    } catch (error) {
      this.deps.log.warn('rules wait scan failed; retried on the next', { error })
    }
  }
}

/** A client id for a rule's message or note, the same on every retry of one trigger. */
function messageId(ruleId: string, trigger: string, index: number): string {
  const digest = createHash('sha256').update(`${ruleId}\n${trigger}\n${index}`).digest('hex')
  return `rule:${digest.slice(0, 40)}`
}
