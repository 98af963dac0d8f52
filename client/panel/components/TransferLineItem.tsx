/**
 * A transfer in the thread, as a system line: "Anna transferred this to Boris" (or to a branch,
 * when it went to one with nobody taking it yet). The receiver also sees the sender's note, which
 * only their alert carried (kept while the panel is open).
 */
import { Show } from 'solid-js'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { usePanel } from '../context.ts'
import { branchName, selected } from '../derive.ts'
import { clock } from '../format.ts'
import type { TransferLine } from '../store.ts'
import { nameOf } from '../activity.ts'

export function TransferLineItem(props: { line: TransferLine }) {
  const panel = usePanel()
  const me = () => panel.state.login?.operator.id
  const who = () => {
    const by = props.line.data.by
    if (by.kind !== 'operator') return 'Routing'
    if (by.id === me()) return 'You'
    return nameOf(panel.state, by.id)
  }
  const target = () => {
    const { assigneeId, branchId } = props.line.data
    if (assigneeId) {
      if (assigneeId === me()) return 'you'
      return nameOf(panel.state, assigneeId)
    }
    const inboxId = selected(panel.state)?.inboxId
    if (branchId && inboxId) return branchName(panel.state, inboxId, branchId) ?? 'another branch'
    return 'the queue'
  }
  /** The note of the newest transfer to me, on that transfer's line. */
  const note = () => {
    const mine = panel.state.activity.filter(
      (t) =>
        t.name === 'conversation.assigned' &&
        t.data.reason === 'transfer' &&
        t.data.assigneeId === me(),
    )
    if (mine[mine.length - 1]?.seq !== props.line.seq) return null
    return panel.state.notes[props.line.conversationId]?.note ?? null
  }
  return (
    <li class="sys-line" data-seq={props.line.seq}>
      <span class="sys-text">
        <SafeText text={who()} /> transferred this to <SafeText text={target()} />
        <time dateTime={new Date(props.line.at).toISOString()}>{clock(props.line.at)}</time>
      </span>
      <Show when={note()}>
        {(text) => (
          <span class="sys-note">
            Note: <SafeText text={text()} />
          </span>
        )}
      </Show>
    </li>
  )
}
