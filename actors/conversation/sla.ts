/**
 * A conversation's SLA (issue 20, protocol/sla.ts): its deadlines as its state changes. Pure
 * but for the clock, which counts a target in wall time or in the open hours of the
 * conversation's branch. The actor runs `slaAfter` on every write of a conversation that has
 * one (so every path that answers, waits, resolves or reopens moves the deadlines alike),
 * `appliedSla` when a policy is applied, and `dueBreaches` when the inbox's timer fires.
 */
import type { ConversationEvent, Party } from '../../protocol/index.ts'
import {
  MAX_SLA_BREACHES,
  type ConversationSla,
  type SlaBreach,
  type SlaKind,
  type SlaPolicy,
} from '../../protocol/sla.ts'
import type { ConversationRecord } from '../ports.ts'

/**
 * When `minutes` of counted time after `start` have passed: wall time, or the open hours of the
 * branch (null: the branch is never open, so the deadline never comes).
 */
export type SlaClock = (
  branchId: string,
  start: number,
  minutes: number,
  businessHours: boolean,
) => Promise<number | null>

/** Who records a breach. */
export const SLA_SYSTEM: Party = { kind: 'system', id: 'sla' }

const MINUTE = 60_000

/** Wall time only: the clock of a server without schedules (tests of one module). */
export const wallClock: SlaClock = async (_branch, start, minutes) => start + minutes * MINUTE

const DUE_OF = {
  first_response: 'firstResponseDue',
  next_response: 'nextResponseDue',
  resolution: 'resolutionDue',
} as const satisfies Record<SlaKind, keyof ConversationSla>

/** Whether this deadline was already recorded as breached (it is never pending again). */
function breachedAlready(sla: Pick<ConversationSla, 'breaches'>, kind: SlaKind, due: number) {
  return sla.breaches.some((b) => b.kind === kind && b.due === due)
}

/**
 * The SLA of `conv` under `policy` applied at `now`: the first response due from its start
 * while nobody answered, the next response from the visitor's current wait once someone did,
 * the resolution from its start while it is open. A deadline already breached stays in the
 * breaches and is not pending again; earlier breaches are kept.
 */
export async function appliedSla(
  policy: SlaPolicy,
  conv: ConversationRecord,
  responded: boolean,
  now: number,
  clock: SlaClock,
): Promise<ConversationSla> {
  const breaches = conv.sla?.breaches ?? []
  const open = conv.status === 'open'
  const due = async (kind: SlaKind, start: number | null | undefined, minutes: number | null) => {
    if (!open || start == null || minutes === null) return null
    const at = await clock(conv.branchId, start, minutes, policy.businessHours)
    return at === null || breachedAlready({ breaches }, kind, at) ? null : at
  }
  return {
    policyId: policy.id,
    name: policy.name,
    businessHours: policy.businessHours,
    firstResponseMinutes: policy.firstResponseMinutes,
    nextResponseMinutes: policy.nextResponseMinutes,
    resolutionMinutes: policy.resolutionMinutes,
    appliedAt: now,
    responded,
    firstResponseDue: responded
      ? null
      : await due('first_response', conv.createdAt, policy.firstResponseMinutes),
    nextResponseDue: responded
      ? await due('next_response', conv.waitingSince, policy.nextResponseMinutes)
      : null,
    resolutionDue: await due('resolution', conv.createdAt, policy.resolutionMinutes),
    breaches,
  }
}

/**
 * The SLA after a write (`prev` -> `next` with these events): not open, nothing is pending (a
 * reopened conversation restarts no deadline but the next response); an operator's message
 * meets the first or the next response; a visitor's wait that began starts the next response
 * once someone has answered. The same object when nothing changed.
 */
export async function slaAfter(
  prev: ConversationRecord | null,
  next: ConversationRecord,
  events: readonly ConversationEvent[],
  clock: SlaClock,
): Promise<ConversationSla | undefined> {
  const sla = next.sla
  if (!sla) return sla
  if (next.status !== 'open') {
    if (sla.firstResponseDue === null && sla.nextResponseDue === null && sla.resolutionDue === null)
      return sla
    return { ...sla, firstResponseDue: null, nextResponseDue: null, resolutionDue: null }
  }
  let out = sla
  const answered = events.some(
    (e) => e.name === 'message.created' && e.data.message.author.kind === 'operator',
  )
  if (
    answered &&
    (!out.responded || out.firstResponseDue !== null || out.nextResponseDue !== null)
  ) {
    out = { ...out, responded: true, firstResponseDue: null, nextResponseDue: null }
  }
  const since = next.waitingSince
  const waitBegan = since != null && since !== prev?.waitingSince
  if (waitBegan && out.responded && out.nextResponseMinutes !== null) {
    const at = await clock(next.branchId, since, out.nextResponseMinutes, out.businessHours)
    if (at !== null && at !== out.nextResponseDue && !breachedAlready(out, 'next_response', at)) {
      out = { ...out, nextResponseDue: at }
    }
  }
  return out
}

/** The deadlines passed at `now`, recorded as breaches and no longer pending. */
export function dueBreaches(
  sla: ConversationSla,
  now: number,
): { sla: ConversationSla; breached: SlaBreach[] } {
  const breached: SlaBreach[] = []
  let out = sla
  for (const kind of Object.keys(DUE_OF) as SlaKind[]) {
    const due = out[DUE_OF[kind]]
    if (due === null || due > now) continue
    breached.push({ kind, due, at: now })
    out = { ...out, [DUE_OF[kind]]: null }
  }
  if (breached.length === 0) return { sla, breached }
  return {
    sla: { ...out, breaches: [...out.breaches, ...breached].slice(-MAX_SLA_BREACHES) },
    breached,
  }
}
