/**
 * Changed custom attributes in the thread (issue 20), as a system line with who and when: "Anna
 * set Plan to Pro, Seats to 10", "Automation rule removed Plan", each attribute by its
 * definition's name (its key once deleted, or until the definitions are read). A chunk of its
 * own, with the definitions: the panel's first load stays small.
 */
import { createEffect } from 'solid-js'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { authorName, byRule } from '../activity.ts'
import { definitions, loadDefinitions, valueText } from '../attributes/defs.ts'
import { usePanel } from '../context.ts'
import { clock } from '../format.ts'
import { t } from '../i18n.ts'
import type { AttributesLine } from '../store.ts'

export function AttributesLineItem(props: { line: AttributesLine }) {
  const panel = usePanel()
  const inboxId = () =>
    panel.state.conversations.find((c) => c.id === props.line.conversationId)?.inboxId ?? ''
  createEffect(() => inboxId() && loadDefinitions(panel.http, inboxId()))

  const text = () => {
    const by = props.line.data.by
    const name =
      by.kind === 'visitor'
        ? t('The visitor')
        : by.kind === 'system' && !byRule(by)
          ? t('System')
          : authorName(panel.state, by)
    const title = (key: string) =>
      definitions[inboxId()]?.find((d) => d.scope === 'conversation' && d.key === key)?.name ?? key
    const entries = Object.entries(props.line.data.changed)
    const changes = entries
      .flatMap(([key, value]) =>
        value === null
          ? []
          : [t('{attribute} to {value}', { attribute: title(key), value: valueText(value) })],
      )
      .join(', ')
    const removed = entries.flatMap(([key, v]) => (v === null ? [title(key)] : [])).join(', ')
    if (changes && removed) {
      return t('{name} set {changes} and removed {attributes}', {
        name,
        changes,
        attributes: removed,
      })
    }
    return changes
      ? t('{name} set {changes}', { name, changes })
      : t('{name} removed {attributes}', { name, attributes: removed })
  }

  return (
    <li class="sys-line activity-line" data-seq={props.line.seq}>
      <span class="sys-text">
        <SafeText text={text()} />
        <time dateTime={new Date(props.line.at).toISOString()}>{clock(props.line.at)}</time>
      </span>
    </li>
  )
}
