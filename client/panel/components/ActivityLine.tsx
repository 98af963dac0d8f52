/**
 * A status change or an assignment in the thread, as a system line with who and when:
 * "Resolved by Anna", "Visitor reopened", "Assigned to Boris by Anna", "Auto-assigned to Boris",
 * "Boris took it", "Released by Anna", "Escalated to Boris"; a priority or labels change, "Anna
 * set priority to High", "Anna added label Billing" (issue 20), in words from activity.ts; a
 * snooze, "Anna snoozed until Dec 7, 09:00", "Woke up: the visitor wrote", from snooze.ts.
 * Transfers have their own line (TransferLineItem), ratings too (RatingLineItem).
 */
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { activityText } from '../activity.ts'
import { usePanel } from '../context.ts'
import { clock } from '../format.ts'
import { snoozeLineText } from '../snooze.ts'
import type { SnoozeLine, StatusLine, TagLine, TransferLine } from '../store.ts'

export function ActivityLine(props: { line: StatusLine | TransferLine | TagLine | SnoozeLine }) {
  const panel = usePanel()
  return (
    <li class="sys-line activity-line" data-seq={props.line.seq}>
      <span class="sys-text">
        <SafeText
          text={
            props.line.name === 'conversation.snoozed'
              ? snoozeLineText(panel.state, props.line)
              : activityText(panel.state, props.line)
          }
        />
        <time dateTime={new Date(props.line.at).toISOString()}>{clock(props.line.at)}</time>
      </span>
    </li>
  )
}
