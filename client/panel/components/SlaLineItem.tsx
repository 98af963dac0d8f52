/**
 * An SLA in the thread (issue 20), as a system line with who and when: "Anna applied SLA
 * Standard", "Automation rule applied SLA Standard", "Anna removed the SLA", and, in red, "SLA
 * breached: First response".
 */
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { authorName, byRule } from '../activity.ts'
import { usePanel } from '../context.ts'
import { clock } from '../format.ts'
import { t } from '../i18n.ts'
import { KIND_NAMES } from '../sla/policies.ts'
import type { SlaLine } from '../store.ts'
import '../sla.css'

export function SlaLineItem(props: { line: SlaLine }) {
  const panel = usePanel()
  const breached = () => props.line.data.change === 'breached'
  const text = () => {
    const { change, kind, sla, by } = props.line.data
    if (change === 'breached') {
      return t('SLA breached: {kind}', { kind: t(KIND_NAMES[kind ?? 'resolution']) })
    }
    const name = by.kind === 'system' && !byRule(by) ? t('System') : authorName(panel.state, by)
    return change === 'applied'
      ? t('{name} applied SLA {policy}', { name, policy: sla?.name ?? '' })
      : t('{name} removed the SLA', { name })
  }
  return (
    <li
      class="sys-line activity-line"
      classList={{ 'sla-breach': breached() }}
      data-seq={props.line.seq}
    >
      <span class="sys-text">
        <SafeText text={text()} />
        <time dateTime={new Date(props.line.at).toISOString()}>{clock(props.line.at)}</time>
      </span>
    </li>
  )
}
