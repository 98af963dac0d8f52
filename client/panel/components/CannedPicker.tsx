/**
 * Canned replies in the composer: `/` at the start of the draft or after a space opens a list
 * of the replies whose shortcut starts with (or whose title contains) what follows. It is a
 * listbox tied to the composer's textarea (aria-controls, aria-activedescendant); Up/Down move,
 * Enter or Tab insert, Escape dismisses until the word changes, a click inserts. The `/word`
 * becomes the reply's text with `{visitor.name}` and `{operator.name}` filled in.
 */
import {
  createEffect,
  createMemo,
  createSignal,
  createUniqueId,
  For,
  onCleanup,
  onMount,
  Show,
} from 'solid-js'
import { publicName } from '../../../actors/ports.ts'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import type { CannedReply } from '../api.ts'
import { fillReply, matchReplies, slashToken } from '../canned.ts'
import { usePanel } from '../context.ts'
import { selected } from '../derive.ts'
import '../canned.css'

export function CannedPicker() {
  const panel = usePanel()
  const id = createUniqueId()
  const [token, setToken] = createSignal<{ from: number; to: number; query: string } | null>(null)
  const [active, setActive] = createSignal(0)
  let host!: HTMLDivElement
  let input: HTMLTextAreaElement | null = null
  let dismissed = ''

  const inboxId = () => selected(panel.state)?.inboxId ?? null
  const matches = createMemo(() => {
    const t = token()
    const inbox = inboxId()
    const replies = inbox ? panel.state.canned[inbox] : undefined
    return t && replies ? matchReplies(replies, t.query) : []
  })
  const open = () => matches().length > 0
  // Runs after the form's input listener, after the textarea's own: the emoji completion's
  // clean-up (which clears these when it has nothing to show) cannot undo them.
  createEffect(() => {
    const shown = open()
    const at = active()
    if (!input) return
    if (shown) {
      input.setAttribute('aria-controls', id)
      input.setAttribute('aria-activedescendant', `${id}-${at}`)
      input.setAttribute('aria-autocomplete', 'list')
    } else if (input.getAttribute('aria-controls') === id) {
      input.removeAttribute('aria-controls')
      input.removeAttribute('aria-activedescendant')
    }
  })
  const close = () => setToken(null)
  const typed = (e: Event) => {
    // Only the textarea's own input: not a radio or another field of the form.
    if (!input || e.target !== input) return
    if (input.selectionStart !== input.selectionEnd) return close()
    const caret = input.selectionStart
    const t = slashToken(input.value, caret)
    if (!t || `${t.from}:${t.query}` === dismissed) return close()
    dismissed = ''
    const inbox = inboxId()
    if (inbox) void panel.actions.cannedFor(inbox)
    setToken({ ...t, to: caret })
    setActive(0)
  }
  const pick = (reply: CannedReply) => {
    const t = token()
    if (!input || !t) return
    const visitor = panel.state.visitor
    const op = panel.state.login?.operator
    const text = fillReply(reply.text, {
      visitor:
        visitor?.conversationId === panel.state.selectedId ? (visitor?.visitor.name ?? '') : '',
      operator: op ? publicName(op) : '',
    })
    close()
    input.focus()
    input.setRangeText(text, t.from, t.to, 'end')
    input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText' }))
  }
  const keys = (e: KeyboardEvent) => {
    const list = matches()
    const n = list.length
    if (n === 0 || !token() || e.isComposing) return
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      setActive((active() + (e.key === 'ArrowDown' ? 1 : n - 1)) % n)
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      const chosen = list[Math.min(active(), n - 1)]
      if (chosen) pick(chosen)
    } else if (e.key === 'Escape') {
      const t = token()
      if (t) dismissed = `${t.from}:${t.query}`
      close()
    } else return
    e.preventDefault()
    e.stopPropagation()
  }

  onMount(() => {
    const form = host.closest('form')
    input = form?.querySelector('textarea') ?? null
    if (!form || !input) return
    const el = input
    // On the form: input events reach it after the textarea's own listeners.
    form.addEventListener('input', typed)
    el.addEventListener('keydown', keys, true)
    el.addEventListener('blur', close)
    onCleanup(() => {
      form.removeEventListener('input', typed)
      el.removeEventListener('keydown', keys, true)
      el.removeEventListener('blur', close)
    })
  })

  return (
    <div ref={host} class="canned-host">
      <Show when={open()}>
        <ul id={id} class="canned-list" role="listbox" aria-label="Canned replies">
          <For each={matches()}>
            {(reply, i) => (
              <li
                id={`${id}-${i()}`}
                role="option"
                aria-selected={active() === i()}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => pick(reply)}
              >
                <span class="canned-code">/{reply.shortcut}</span>
                <SafeText class="canned-title" text={reply.title} />
                <SafeText class="canned-preview" text={reply.text} />
              </li>
            )}
          </For>
        </ul>
      </Show>
    </div>
  )
}
