/**
 * The messages, the private notes and the activity between them (system lines: status changes,
 * assignments, transfers, ratings; changed attributes and SLAs: chunks of their own), oldest first by seq, pending own messages after them.
 * Sticks to the bottom while the operator is there; scrolling to the top loads the page before
 * (keeping the view in place).
 */
import { createEffect, For, lazy, on, Show } from 'solid-js'
import type { Message } from '../../shared/index.ts'
import { usePanel } from '../context.ts'
import { selected } from '../derive.ts'
import { t } from '../i18n.ts'
import type { ActivityLine as Line, NoteLine } from '../store.ts'
import { ActivityLine } from './ActivityLine.tsx'
import { MessageItem } from './MessageItem.tsx'
import { NoteItem } from './NoteItem.tsx'
import { RatingLineItem } from './RatingLineItem.tsx'
import { TransferLineItem } from './TransferLineItem.tsx'

/** Changed custom attributes (issue 20), with the definitions that name them: on demand. */
const AttributesLineItem = lazy(() =>
  import('../attributes/index.ts').then((m) => ({ default: m.AttributesLineItem })),
)

/** An SLA applied, removed or breached (issue 20): on demand, with the thread's SLA. */
const SlaLineItem = lazy(() =>
  import('../attributes/index.ts').then((m) => ({ default: m.SlaLineItem })),
)

type Item = Message | Line | NoteLine

export function MessageList() {
  const panel = usePanel()
  let box: HTMLDivElement | undefined
  let atBottom = true
  let restoreFrom: number | null = null
  const pending = () =>
    panel.state.pending.filter((p) => p.conversationId === panel.state.selectedId)
  /** Messages, notes and system lines by seq (the same objects each time, so rows are kept). */
  const timeline = (): Item[] => {
    const { activity, threadNotes } = panel.state
    if (activity.length === 0 && threadNotes.length === 0) return panel.state.messages
    return [...panel.state.messages, ...activity, ...threadNotes].sort((a, b) => a.seq - b.seq)
  }
  // Names for every operator the lines and notes speak of (the team, else the public names).
  createEffect(() => {
    const conversation = selected(panel.state)
    if (!conversation) return
    const ids: Array<string | null> = []
    for (const line of panel.state.activity) {
      if (line.data.by.kind === 'operator') ids.push(line.data.by.id)
      if (line.name === 'conversation.assigned') ids.push(line.data.assigneeId)
    }
    for (const n of panel.state.threadNotes)
      ids.push(n.data.note.author.id, ...n.data.note.mentions)
    if (ids.length > 0) void panel.actions.learnNames(conversation, ids)
  })
  const onScroll = () => {
    if (!box) return
    atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40
    if (box.scrollTop < 60 && panel.state.hasMore && !panel.state.loadingOlder) {
      restoreFrom = box.scrollHeight - box.scrollTop
      void panel.actions.loadOlder()
    }
  }
  createEffect(
    on(
      () => [
        panel.state.messages.length,
        panel.state.threadNotes.length,
        // A changed rating moves its line to the end without changing the count.
        panel.state.activity[panel.state.activity.length - 1]?.seq,
        pending().length,
        panel.state.visitorTyping,
      ],
      () => {
        if (!box) return
        if (restoreFrom !== null) {
          box.scrollTop = box.scrollHeight - restoreFrom
          restoreFrom = null
        } else if (atBottom) {
          box.scrollTop = box.scrollHeight
        }
      },
    ),
  )
  const row = (item: Item) => {
    if (!('name' in item)) return <MessageItem message={item} />
    switch (item.name) {
      case 'note.created':
        return <NoteItem line={item} />
      case 'conversation.rated':
        return <RatingLineItem line={item} />
      case 'conversation.attributes':
        return <AttributesLineItem line={item} />
      case 'conversation.sla':
        return <SlaLineItem line={item} />
      case 'conversation.assigned':
        if (item.data.reason === 'transfer') return <TransferLineItem line={item} />
        return <ActivityLine line={item} />
      default:
        return <ActivityLine line={item} />
    }
  }
  return (
    // Focusable, so the thread scrolls by keyboard even where no row holds a control.
    <div
      class="messages"
      ref={box}
      onScroll={onScroll}
      role="region"
      aria-label={t('Messages')}
      tabIndex={0}
    >
      <Show when={panel.state.loadingOlder}>
        <p class="muted center">{t('Loading earlier messages…')}</p>
      </Show>
      <ul class="list">
        <For each={timeline()}>{row}</For>
        <For each={pending()}>{(message) => <MessageItem message={message} />}</For>
      </ul>
    </div>
  )
}
