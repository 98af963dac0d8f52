/**
 * The analytics fold (issue 19): a conversation's stored figures plus the events of its log
 * after them -> the new figures, the counts to add and the ratings and drill-down events to
 * write. Pure: the same figures and events always give the same result, which is what makes the
 * projection idempotent (it is applied only over the figures it was folded from) and
 * rebuildable. The rules are docs/analytics.md's; each line below says which.
 */
import type {
  AnalyticsCount,
  AnalyticsEventRecord,
  AnalyticsFacts,
  AnalyticsLoadRecord,
  AnalyticsLogEvent,
  AnalyticsProjection,
  AnalyticsRatingRecord,
} from '../../actors/ports.ts'
import { openWithin, type Schedule } from '../../actors/inbox/schedule.ts'
import { BUCKET_MS, PERIOD_MS, regionKey } from '../../protocol/analytics.ts'
import { isActive } from '../../protocol/model.ts'

/** What the fold reads besides the log: a branch's working hours (null: always open). */
export type ScheduleOf = (branchId: string | null) => Schedule | null

/** The count metrics (analytics_buckets.metric). */
export type CountMetric =
  | StartedMetric
  | 'assigned'
  | 'resolved'
  | 'closed'
  | 'reopened'
  | 'escalations'
  | 'transfers'
  | 'visitor_messages'
  | 'operator_messages'

/**
 * Folds `events` (the log after `stored.projectedSeq`, in seq order) into the stored figures.
 * Returns null when the events hold nothing to start from (no stored figures and no
 * `conversation.created`): such a log is not counted.
 */
export function foldConversation(
  stored: AnalyticsFacts | null,
  events: readonly AnalyticsLogEvent[],
  scheduleOf: ScheduleOf,
): AnalyticsProjection | null {
  let facts: AnalyticsFacts | null = stored ? { ...stored } : null
  const counts: AnalyticsCount[] = []
  const ratings: AnalyticsRatingRecord[] = []
  const drill: AnalyticsEventRecord[] = []
  let erased = false
  const loads: AnalyticsLoadRecord[] = []
  let loadEndedAt: number | null = null
  // Operator load: open and assigned (docs/analytics.md); the one going on at the stored figures
  // has its row already, those begun here are in `loads`.
  const loading = (f: AnalyticsFacts | null) =>
    f !== null && f.status === 'open' && f.assigneeId !== null ? f.assigneeId : null
  const loadChanged = (f: AnalyticsFacts, was: string | null, e: AnalyticsLogEvent) => {
    const now = loading(f)
    if (now === was) return
    if (was !== null) {
      const going = loads.at(-1)
      if (going && going.untilAt === null) going.untilAt = e.at
      else loadEndedAt = e.at
    }
    if (now !== null) {
      loads.push({
        conversationId: f.conversationId,
        seq: e.seq,
        inboxId: f.inboxId,
        operatorId: now,
        branchId: f.branchId ?? '',
        channel: f.channel,
        country: f.country ?? '',
        region: regionKey(f.country, f.region),
        fromAt: e.at,
        untilAt: null,
      })
    }
  }
  const count = (f: AnalyticsFacts, metric: CountMetric, at: number, operatorId: string | null) => {
    counts.push({
      inboxId: f.inboxId,
      bucket: Math.floor(at / BUCKET_MS),
      metric,
      branchId: f.branchId ?? '',
      operatorId: operatorId ?? '',
      channel: f.channel,
      country: f.country ?? '',
      region: regionKey(f.country, f.region),
      value: 1,
    })
  }
  const mark = (
    f: AnalyticsFacts,
    kind: AnalyticsEventRecord['kind'],
    e: AnalyticsLogEvent,
    operatorId: string | null,
  ) => {
    drill.push({
      conversationId: f.conversationId,
      seq: e.seq,
      inboxId: f.inboxId,
      kind,
      at: e.at,
      branchId: f.branchId ?? '',
      operatorId: operatorId ?? '',
      channel: f.channel,
      country: f.country ?? '',
    })
  }
  for (const e of events) {
    if (e.name === 'conversation.created') {
      if (facts) continue
      const c = e.data.conversation
      facts = {
        conversationId: e.conversationId,
        inboxId: c.inboxId,
        branchId: c.branchId ?? null,
        channel: c.channel ?? 'widget',
        country: c.location?.country ?? null,
        region: c.location?.region ?? null,
        createdAt: c.createdAt,
        status: c.status,
        assigneeId: c.assigneeId,
        projectedSeq: 0,
        offline: c.offline ?? false,
        firstMessageAt: null,
        firstResponseAt: null,
        firstResponseMs: null,
        firstResponseBusinessMs: null,
        firstResponderId: null,
        firstAssignedAt: c.assigneeId ? c.createdAt : null,
        firstAssigneeId: c.assigneeId,
        firstResolvedAt: null,
        resolutionMs: null,
        resolutionOperatorId: null,
        erasedAt: null,
      }
      facts.projectedSeq = e.seq
      loadChanged(facts, null, e)
      continue
    }
    if (!facts) continue
    const f = facts
    f.projectedSeq = e.seq
    const wasLoading = loading(f)
    switch (e.name) {
      case 'message.created': {
        const { author } = e
        // Automatic replies (system) are no one's message and answer nothing.
        if (author.kind === 'visitor') {
          count(f, 'visitor_messages', e.at, f.assigneeId)
          f.firstMessageAt ??= e.at
        } else if (author.kind === 'operator') {
          count(f, 'operator_messages', e.at, author.id)
          // First response: the first operator message after the visitor's first message.
          if (f.firstMessageAt !== null && f.firstResponseAt === null) {
            f.firstResponseAt = e.at
            f.firstResponseMs = e.at - f.firstMessageAt
            f.firstResponseBusinessMs = openMs(scheduleOf(f.branchId), f.firstMessageAt, e.at)
            f.firstResponderId = author.id
          }
        }
        break
      }
      case 'conversation.status': {
        const from = f.status
        const to = e.data.status
        if (from === to) break
        const by = e.data.by.kind === 'operator' ? e.data.by.id : null
        const operator = f.assigneeId ?? by
        if (to === 'open') {
          // Back from pending (the visitor wrote, issue 20) is no reopening: it was never done.
          if (from !== 'pending') {
            count(f, 'reopened', e.at, operator)
            mark(f, 'reopened', e, operator)
          }
        } else if (to !== 'pending') {
          count(f, to, e.at, operator)
          mark(f, to, e, operator)
          // Resolution: the first time it is done (resolved, or closed at once), pending or not
          // on the way.
          if (isActive(from) && f.firstResolvedAt === null) {
            f.firstResolvedAt = e.at
            f.resolutionMs = e.at - f.createdAt
            f.resolutionOperatorId = operator
          }
        }
        f.status = to
        break
      }
      case 'conversation.assigned': {
        const { assigneeId, reason, branchId } = e.data
        if (branchId !== undefined) f.branchId = branchId
        if (assigneeId !== null) {
          count(f, 'assigned', e.at, assigneeId)
          if (f.firstAssignedAt === null) {
            f.firstAssignedAt = e.at
            f.firstAssigneeId = assigneeId
          }
        }
        if (reason === 'escalation') {
          count(f, 'escalations', e.at, assigneeId)
          mark(f, 'escalated', e, assigneeId)
        } else if (reason === 'transfer') {
          count(f, 'transfers', e.at, assigneeId)
          mark(f, 'transferred', e, assigneeId)
        }
        f.assigneeId = assigneeId
        break
      }
      case 'conversation.rated': {
        const { rating } = e.data
        ratings.push({
          conversationId: f.conversationId,
          resolutionSeq: rating.resolutionSeq,
          inboxId: f.inboxId,
          branchId: f.branchId,
          channel: f.channel,
          country: f.country,
          region: regionKey(f.country, f.region) || null,
          operatorId: f.assigneeId ?? f.resolutionOperatorId,
          scale: rating.scale,
          score: rating.score,
          comment: f.erasedAt === null && rating.comment ? rating.comment : null,
          at: rating.firstRatedAt,
        })
        break
      }
      case 'conversation.erased': {
        f.erasedAt ??= e.at
        erased = true
        for (const r of ratings) r.comment = null
        break
      }
      default:
        break
    }
    loadChanged(f, wasLoading, e)
  }
  if (!facts) return null
  // Conversations started count by the figures as they are now (first assignee, branch, whether
  // answered): what the stored figures counted is taken back and counted again as it is now
  // (the two cancel out where nothing changed).
  if (stored) counts.push(...startedCounts(stored, -1))
  counts.push(...startedCounts(facts, 1))
  return {
    facts,
    over: stored ? stored.projectedSeq : null,
    ratings,
    erased,
    counts,
    events: drill,
    loads,
    loadEndedAt,
    periods: changedPeriods(stored, facts),
  }
}

/** The moments whose durations the figures rank, and what ranks them (docs/analytics.md). */
export const RANKED_MOMENTS = ['response', 'resolved', 'assigned'] as const
export type RankedMoment = (typeof RANKED_MOMENTS)[number]

/** A conversation's entry in a moment's durations: when, how long, by whom and where. */
export function rankedEntry(
  f: AnalyticsFacts,
  moment: RankedMoment,
): { at: number; values: Array<number | null>; operatorId: string | null } | null {
  if (moment === 'response') {
    if (f.firstResponseAt === null) return null
    return {
      at: f.firstResponseAt,
      values: [f.firstResponseMs, f.firstResponseBusinessMs],
      operatorId: f.firstResponderId,
    }
  }
  if (moment === 'resolved') {
    if (f.firstResolvedAt === null) return null
    return { at: f.firstResolvedAt, values: [f.resolutionMs], operatorId: f.resolutionOperatorId }
  }
  if (f.firstAssignedAt === null) return null
  return {
    at: f.firstAssignedAt,
    values: [f.firstAssignedAt - f.createdAt],
    operatorId: f.firstAssigneeId,
  }
}

/** The periods whose ranked durations differ between the stored figures and the new ones. */
export function changedPeriods(stored: AnalyticsFacts | null, facts: AnalyticsFacts): number[] {
  const periods = new Set<number>()
  const sameDims =
    stored !== null &&
    stored.branchId === facts.branchId &&
    stored.channel === facts.channel &&
    stored.country === facts.country &&
    stored.region === facts.region
  for (const moment of RANKED_MOMENTS) {
    const was = stored ? rankedEntry(stored, moment) : null
    const now = rankedEntry(facts, moment)
    const same =
      was === null
        ? now === null
        : now !== null &&
          sameDims &&
          was.at === now.at &&
          was.operatorId === now.operatorId &&
          was.values.every((v, k) => v === now.values[k])
    if (same) continue
    if (was) periods.add(Math.floor(was.at / PERIOD_MS))
    if (now) periods.add(Math.floor(now.at / PERIOD_MS))
  }
  return [...periods].sort((a, b) => a - b)
}

/** Counts of conversations started (docs/analytics.md: conversations, offline, unanswered). */
export type StartedMetric = 'started' | 'started_offline' | 'started_unanswered'

/**
 * What a conversation adds (`value` 1) or takes back (-1) to the counts of conversations started:
 * at its creation's bucket, by its first assignee, its branch now.
 */
export function startedCounts(f: AnalyticsFacts, value: 1 | -1): AnalyticsCount[] {
  const metrics: StartedMetric[] = ['started']
  if (f.offline) metrics.push('started_offline')
  if (f.firstResponseAt === null) metrics.push('started_unanswered')
  return metrics.map((metric) => ({
    inboxId: f.inboxId,
    bucket: Math.floor(f.createdAt / BUCKET_MS),
    metric,
    branchId: f.branchId ?? '',
    operatorId: f.firstAssigneeId ?? '',
    channel: f.channel,
    country: f.country ?? '',
    region: regionKey(f.country, f.region),
    value,
  }))
}

/**
 * How much of [from, to) lies within the schedule's open hours, in ms; the whole span when
 * there is no schedule.
 */
export function openMs(schedule: Schedule | null, from: number, to: number): number {
  if (!schedule || to <= from) return Math.max(0, to - from)
  return openWithin(schedule, from, to)
}
