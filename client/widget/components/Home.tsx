/**
 * The home view (15), in place of the thread: the visitor's conversations (status, newest
 * message, time, unread), each a button that opens it, and "New conversation". Focus lands on
 * the conversation the visitor came from (else the first, else "New conversation"); opening one
 * puts it in its composer (Composer focuses itself), or on the way home when there is none.
 * The list is read again every 15 s while shown. Escape closes the chat, as in the thread.
 */
import { createMemo, For, onCleanup, onMount, Show, type JSX } from 'solid-js'
import type { VisitorConversation } from '../../../protocol/index.ts'
import { useWidget } from '../context.ts'
import { homeItems, homeStrings, preview, when } from '../conversations.ts'
import { Icon } from '../../shared/ui/Icon.tsx'
import { Header } from './Header.tsx'
import './home.css'

const REFRESH_MS = 15_000

/** Never pending to a visitor (the server says open, issue 20); the type holds all four. */
const shown = (status: VisitorConversation['status']) => (status === 'pending' ? 'open' : status)

/** `children`: what the frame puts atop the list (the help center's search, issue 21). */
export default function Home(props: { children?: JSX.Element }) {
  const w = useWidget()
  const s = () => homeStrings(w.state.lang)
  let root: HTMLElement | undefined
  const items = createMemo(() => homeItems(w.state))
  const from = w.state.conversation?.id
  onMount(() => {
    // Once in the document (a lazy chunk's view is placed after it is built).
    requestAnimationFrame(() => {
      const buttons = [...(root?.querySelectorAll<HTMLButtonElement>('.conversation') ?? [])]
      const target =
        buttons.find((b) => b.dataset.id === from) ?? buttons[0] ?? root?.querySelector('.start')
      if (target instanceof HTMLElement) target.focus()
    })
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void w.actions.refreshList()
    }, REFRESH_MS)
    onCleanup(() => clearInterval(timer))
  })
  /** The thread took the window: its composer has focus, or else the way home gets it. */
  const landed = () => {
    const active = document.activeElement
    if (!active || active === document.body) document.getElementById('pw-home')?.focus()
  }
  return (
    <section
      id="pw-window"
      ref={root}
      class="window"
      role="dialog"
      aria-label={w.t.title}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !e.defaultPrevented) w.actions.close()
      }}
    >
      <Header />
      <div class="home" data-testid="home">
        {props.children}
        <h2 id="pw-home-title" class="home-title">
          {w.t.conversations}
        </h2>
        <Show when={items().length > 0} fallback={<p class="home-none">{s().none}</p>}>
          <ul class="conversations" aria-labelledby="pw-home-title">
            {/* By id: a list read again keeps each button (and the focus on it). */}
            <For each={items().map((c) => c.id)}>
              {(id) => {
                const c = () => items().find((x) => x.id === id) as VisitorConversation
                const at = () => c().lastMessage?.createdAt ?? c().createdAt
                return (
                  <li>
                    <button
                      type="button"
                      class="conversation"
                      data-id={id}
                      data-status={c().status}
                      onClick={() => {
                        w.actions.openConversation(id)
                        landed()
                      }}
                    >
                      <span class="conversation-top">
                        <span class="conversation-status">{s()[shown(c().status)]}</span>
                        <span class="sr-only">, </span>
                        <time dateTime={new Date(at()).toISOString()}>
                          {when(w.state.lang, at())}
                        </time>
                      </span>
                      <span class="sr-only">, </span>
                      <span class="conversation-preview">{preview(c().lastMessage, w.t, s())}</span>
                      <Show when={c().unread > 0}>
                        <span class="badge" data-testid="conversation-unread" aria-hidden="true">
                          {c().unread > 99 ? '99+' : c().unread}
                        </span>
                        <span class="sr-only">, {w.t.unread(c().unread)}</span>
                      </Show>
                    </button>
                  </li>
                )
              }}
            </For>
          </ul>
        </Show>
        <button
          type="button"
          class="start"
          onClick={() => {
            w.actions.newConversation()
            landed()
          }}
        >
          <Icon name="edit" size={18} />
          {s().start}
        </button>
      </div>
    </section>
  )
}
