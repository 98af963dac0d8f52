/**
 * The SLA clock (issue 20): counts a policy's target from a start in wall time, or in the open
 * hours of the conversation's branch by its schedule (actors/inbox/schedule.ts). Schedules are
 * read from the store and kept a minute, so a branch's new hours count from then on; deadlines
 * already set keep the hours they were counted with.
 */
import type { SlaClock } from '../actors/conversation/sla.ts'
import { addOpenTime, type Schedule } from '../actors/inbox/schedule.ts'
import type { BranchStore, Clock } from '../actors/index.ts'

const MINUTE = 60_000
const KEEP_MS = 60_000

export function slaClock(branches: Pick<BranchStore, 'get'>, clock: Clock): SlaClock {
  const schedules = new Map<string, { schedule: Schedule | null; at: number }>()
  const scheduleOf = async (branchId: string): Promise<Schedule | null> => {
    const now = clock.now()
    const kept = schedules.get(branchId)
    if (kept && now - kept.at < KEEP_MS) return kept.schedule
    const schedule = (await branches.get(branchId))?.schedule ?? null
    if (schedules.size > 1000) schedules.clear()
    schedules.set(branchId, { schedule, at: now })
    return schedule
  }
  return async (branchId, start, minutes, businessHours) => {
    if (!businessHours) return start + minutes * MINUTE
    const schedule = await scheduleOf(branchId)
    // A branch that is gone counts wall time.
    return schedule ? addOpenTime(schedule, start, minutes * MINUTE) : start + minutes * MINUTE
  }
}
