/**
 * The pending deadlines of a conversation's SLA (issue 20), as the list's badge and the thread
 * read them. On the first-load path, so kept tiny; types only from protocol/sla.ts (its valibot
 * schemas are the server's).
 */
import type { ConversationSla, SlaKind } from '../../protocol/sla.ts'

/** A pending deadline: its kind, when it is due and its target in minutes. */
export interface SlaDue {
  kind: SlaKind
  due: number
  minutes: number
}

const KINDS = [
  ['first_response', 'firstResponseDue', 'firstResponseMinutes'],
  ['next_response', 'nextResponseDue', 'nextResponseMinutes'],
  ['resolution', 'resolutionDue', 'resolutionMinutes'],
] as const

/** Its pending deadlines, earliest first. */
export const slaDues = (sla: ConversationSla): SlaDue[] =>
  KINDS.flatMap(([kind, due, minutes]) => {
    const at = sla[due]
    return at === null ? [] : [{ kind, due: at, minutes: sla[minutes] ?? 0 }]
  }).sort((a, b) => a.due - b.due)

/** At risk: less than protocol/sla.ts SLA_AT_RISK_SHARE (a quarter) of its target left. */
export const atRisk = (d: SlaDue, now: number) => d.due - now < d.minutes * 15_000
