/**
 * @mentions in a private note: `@` at the start of the draft or after a space opens a list of
 * the inbox's team (one's self left out) whose name contains what follows. A listbox tied to
 * the composer's textarea (aria-controls, aria-activedescendant): Up/Down move, Enter or Tab
 * insert "@Name ", Escape dismisses until the word changes, a click inserts. Active only while
 * the composer writes a note. Who is mentioned is read from the text when it is sent
 * (`mentionsIn`), so a mention deleted from the draft is no mention.
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
import { MAX_NOTE_MENTIONS } from '../../../protocol/limits.ts'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import type { Team } from '../api.ts'
import { usePanel } from '../context.ts'
import { selected } from '../derive.ts'
import type { PanelState } from '../store.ts'

type Member = Team['operators'][number]

/** `@` and the word right before the caret (the `@` at the start or after a space). */
const TOKEN = /(^|\s)@([^\s@]*)$/
const SHOWN = 8

/** The inbox's team but the signed-in operator. */
function colleagues(state: PanelState): Member[] {
  const inboxId = selected(state)?.inboxId
  const me = state.login?.operator.id
  return (inboxId ? (state.teams[inboxId]?.operators ?? []) : []).filter((op) => op.id !== me)
}

/** The colleagues a note's text mentions ("@Name"), longest names first, at most the limit. */
export function mentionsIn(state: PanelState, text: string): string[] {
  return colleagues(state)
    .filter((op) => text.includes(`@${op.name}`))
    .map((op) => op.id)
    .slice(0, MAX_NOTE_MENTIONS)
}

export function MentionPicker(props: { enabled: boolean }) {
  const panel = usePanel()
  const id = createUniqueId()
  const [token, setToken] = createSignal<{ from: number; to: number; query: string } | null>(null)
  const [active, setActive] = createSignal(0)
  let host!: HTMLDivElement
  let input: HTMLTextAreaElement | null = null
  let dismissed = ''

  const matches = createMemo(() => {
    const t = token()
    if (!t || !props.enabled) return []
    const q = t.query.toLowerCase()
    return colleagues(panel.state)
      .filter((op) => op.name.toLowerCase().includes(q))
      .slice(0, SHOWN)
  })
  const open = () => matches().length > 0
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
  const typed = () => {
    if (!props.enabled || !input || input.selectionStart !== input.selectionEnd) return close()
    const caret = input.selectionStart
    const match = TOKEN.exec(input.value.slice(0, caret))
    const query = match?.[2] ?? ''
    const from = caret - query.length - 1
    if (!match || `${from}:${query}` === dismissed) return close()
    dismissed = ''
    const conversation = selected(panel.state)
    if (conversation) void panel.actions.loadTeam(conversation.inboxId).catch(() => undefined)
    setToken({ from, to: caret, query })
    setActive(0)
  }
  const pick = (op: Member) => {
    const t = token()
    if (!input || !t) return
    close()
    input.focus()
    input.setRangeText(`@${op.name} `, t.from, t.to, 'end')
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
    <div ref={host} class="mention-host">
      <Show when={open()}>
        <ul id={id} class="mention-list" role="listbox" aria-label="Mention a colleague">
          <For each={matches()}>
            {(op, i) => (
              <li
                id={`${id}-${i()}`}
                role="option"
                aria-selected={active() === i()}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => pick(op)}
              >
                @<SafeText text={op.name} />
              </li>
            )}
          </For>
        </ul>
      </Show>
    </div>
  )
}
