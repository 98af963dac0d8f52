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
import { t } from '../i18n.ts'
import type { TransferLine } from '../store.ts'
import { byRule, nameOf } from '../activity.ts'

export function TransferLineItem(props: { line: TransferLine }) {
  const panel = usePanel()
  const me = () => panel.state.login?.operator.id
  const who = () => {
    const by = props.line.data.by
    if (byRule(by)) return t('Automation rule')
    if (by.kind !== 'operator') return t('Routing')
    if (by.id === me()) return t('You')
    return nameOf(panel.state, by.id)
  }
  const target = () => {
    const { assigneeId, branchId } = props.line.data
    if (assigneeId) {
      if (assigneeId === me()) return t('you')
      return nameOf(panel.state, assigneeId)
    }
    const inboxId = selected(panel.state)?.inboxId
    if (branchId && inboxId)
      return branchName(panel.state, inboxId, branchId) ?? t('another branch')
    return t('the queue')
  }
  /** The note of the newest transfer to me, on that transfer's line. */
  const note = () => {
    const mine = panel.state.activity.filter(
      (line) =>
        line.name === 'conversation.assigned' &&
        line.data.reason === 'transfer' &&
        line.data.assigneeId === me(),
    )
    if (mine[mine.length - 1]?.seq !== props.line.seq) return null
    return panel.state.notes[props.line.conversationId]?.note ?? null
  }
  /** The sentence in the UI language, each name isolated (SafeText) where it stands in it. */
  const words = () =>
    t('{who} transferred this to {target}')
      .split(/(\{who\}|\{target\})/)
      .map((part) => {
        if (part === '{who}') return <SafeText text={who()} />
        if (part === '{target}') return <SafeText text={target()} />
        return part
      })
  return (
    <li class="sys-line" data-seq={props.line.seq}>
      <span class="sys-text">
        {words()}
        <time dateTime={new Date(props.line.at).toISOString()}>{clock(props.line.at)}</time>
      </span>
      <Show when={note()}>
        {(text) => (
          <span class="sys-note">
            {t('Note:')} <SafeText text={text()} />
          </span>
        )}
      </Show>
    </li>
  )
}
