/**
 * SLA policies (issue 20): an inbox defines targets for the first response, the next response
 * and the resolution of a conversation, counted in wall time or in the open hours of the
 * conversation's branch. A rule (`apply_sla`) or an operator applies one to a conversation; the
 * conversation then carries its deadlines (`sla`), and each one missed is recorded once as a
 * breach (a `conversation.sla` event: operators, webhooks, analytics).
 *
 * - first response: the first message by an operator after the conversation started, due
 *   `firstResponseMinutes` after its start;
 * - next response: after that, each time the visitor writes and waits, an operator message due
 *   `nextResponseMinutes` after the wait began;
 * - resolution: resolved (or closed) `resolutionMinutes` after its start.
 *
 * Not exported from protocol/index.ts: valibot schemas stay out of the client bundles.
 */
import * as v from 'valibot'
import { wireString } from './strings.ts'

export const SLA_KINDS = ['first_response', 'next_response', 'resolution'] as const
export type SlaKind = (typeof SLA_KINDS)[number]

/** The most policies one inbox defines. */
export const MAX_INBOX_SLAS = 20
/** The longest target: 90 days, in minutes. */
export const MAX_SLA_MINUTES = 129_600
/** The longest policy name. */
export const MAX_SLA_NAME = 60
/** Breaches a conversation remembers (the newest). */
export const MAX_SLA_BREACHES = 20
/** A deadline is at risk when less than this share of its target is left. */
export const SLA_AT_RISK_SHARE = 0.25

export interface SlaTargets {
  firstResponseMinutes: number | null
  nextResponseMinutes: number | null
  resolutionMinutes: number | null
}

/** A policy an inbox defines. At least one target is set. */
export interface SlaPolicy extends SlaTargets {
  id: string
  inboxId: string
  name: string
  /** Count only the open hours of the conversation's branch (its schedule); else wall time. */
  businessHours: boolean
  createdAt: number
  updatedAt: number
}

/**
 * The SLA a conversation runs under: the policy as it was applied (a later edit of the policy
 * takes effect when it is applied again), its pending deadlines (null: met, not yet running,
 * or no target) and its breaches, newest last.
 */
export interface ConversationSla extends SlaTargets {
  policyId: string
  name: string
  businessHours: boolean
  appliedAt: number
  /** Whether an operator has answered since it started (the first response is behind it). */
  responded: boolean
  firstResponseDue: number | null
  nextResponseDue: number | null
  resolutionDue: number | null
  breaches: SlaBreach[]
}

export interface SlaBreach {
  kind: SlaKind
  /** The deadline that passed, and when the breach was recorded. */
  due: number
  at: number
}

const Minutes = v.nullable(
  v.pipe(
    v.number(),
    v.integer('minutes are whole'),
    v.minValue(1, 'a target is at least 1 minute'),
    v.maxValue(MAX_SLA_MINUTES, `a target is at most ${MAX_SLA_MINUTES} minutes (90 days)`),
  ),
)

const Name = v.pipe(
  wireString('name'),
  v.trim(),
  v.minLength(1, 'the name is empty'),
  v.maxLength(MAX_SLA_NAME, `the name is longer than ${MAX_SLA_NAME} characters`),
  v.check((s) => !/[\p{Cc}\p{Cf}]/u.test(s), 'the name holds control characters'),
)

const hasTarget = (t: Partial<SlaTargets>) =>
  t.firstResponseMinutes != null || t.nextResponseMinutes != null || t.resolutionMinutes != null

/** The body that defines a policy. */
export const SlaPolicyInput = v.pipe(
  v.strictObject({
    name: Name,
    firstResponseMinutes: v.optional(Minutes, null),
    nextResponseMinutes: v.optional(Minutes, null),
    resolutionMinutes: v.optional(Minutes, null),
    businessHours: v.optional(v.boolean(), false),
  }),
  v.check((p) => hasTarget(p), 'a policy sets at least one target'),
)
export type SlaPolicyInput = v.InferOutput<typeof SlaPolicyInput>

/** What may change: any field (a policy still sets at least one target, checked whole). */
export const SlaPolicyPatch = v.pipe(
  v.strictObject({
    name: v.optional(Name),
    firstResponseMinutes: v.optional(Minutes),
    nextResponseMinutes: v.optional(Minutes),
    resolutionMinutes: v.optional(Minutes),
    businessHours: v.optional(v.boolean()),
  }),
  v.check((p) => Object.keys(p).length > 0, 'nothing to change'),
)
export type SlaPolicyPatch = v.InferOutput<typeof SlaPolicyPatch>

export function policyHasTarget(t: SlaTargets): boolean {
  return hasTarget(t)
}

/** The earliest pending deadline, or null. */
export function nextSlaDue(sla: ConversationSla): number | null {
  const dues = [sla.firstResponseDue, sla.nextResponseDue, sla.resolutionDue].filter(
    (d): d is number => d !== null,
  )
  return dues.length > 0 ? Math.min(...dues) : null
}
