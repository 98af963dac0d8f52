/**
 * The messages and the transfers and ratings between them (system lines), oldest first, pending own
 * messages after them. Sticks to the bottom while the operator is there; scrolling to the top
 * loads the page before (keeping the view in place).
 */
import { createEffect, For, on, Show } from 'solid-js'
import type { Message } from '../../shared/index.ts'
import { usePanel } from '../context.ts'
import type { RatingLine, TransferLine } from '../store.ts'
import { MessageItem } from './MessageItem.tsx'
import { RatingLineItem } from './RatingLineItem.tsx'
import { TransferLineItem } from './TransferLineItem.tsx'

export function MessageList() {
  const panel = usePanel()
  let box: HTMLDivElement | undefined
  let atBottom = true
  let restoreFrom: number | null = null
  const pending = () =>
    panel.state.pending.filter((p) => p.conversationId === panel.state.selectedId)
  /** Messages, transfers and ratings by seq (the same objects each time, so rows are kept). */
  const timeline = (): Array<Message | TransferLine | RatingLine> => {
    const { transfers, ratings } = panel.state
    if (transfers.length === 0 && ratings.length === 0) return panel.state.messages
    return [...panel.state.messages, ...transfers, ...ratings].sort((a, b) => a.seq - b.seq)
  }
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
        panel.state.transfers.length,
        // A changed rating moves its line to the end without changing the count.
        panel.state.ratings[panel.state.ratings.length - 1]?.seq,
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
  return (
    <div class="messages" ref={box} onScroll={onScroll}>
      <Show when={panel.state.loadingOlder}>
        <p class="muted center">Loading earlier messages…</p>
      </Show>
      <ul class="list">
        <For each={timeline()}>
          {(item) =>
            !('name' in item) ? (
              <MessageItem message={item} />
            ) : item.name === 'conversation.rated' ? (
              <RatingLineItem line={item} />
            ) : (
              <TransferLineItem line={item} />
            )
          }
        </For>
        <For each={pending()}>{(message) => <MessageItem message={message} />}</For>
      </ul>
    </div>
  )
}
