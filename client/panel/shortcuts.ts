/**
 * Keyboard shortcuts of the inbox (issue 16): single keys, as in mail clients, ignored while
 * typing in a field (except Alt+Up/Down, which move between conversations from anywhere) and
 * with Ctrl/Meta held (the browser's own). `?` lists them.
 */
import { visibleConversations } from './derive.ts'
import { msg } from './i18n.ts'
import type { PanelState } from './store.ts'

export interface Shortcut {
  keys: string[]
  /** A msg() key: shown with `t()`. */
  label: string
}

/** What the help overlay lists, in this order. */
export const SHORTCUTS: Shortcut[] = [
  { keys: ['j', 'Alt+↓'], label: msg('Next conversation') },
  { keys: ['k', 'Alt+↑'], label: msg('Previous conversation') },
  { keys: ['r'], label: msg('Reply') },
  { keys: ['n'], label: msg('Private note') },
  { keys: ['e'], label: msg('Resolve') },
  { keys: ['a'], label: msg('Assign to me') },
  { keys: ['/'], label: msg('Search') },
  { keys: ['?'], label: msg('Show these shortcuts') },
  { keys: ['Esc'], label: msg('Leave the field or close the dialog') },
]

/** The composer's mode a shortcut asks for; the composer listens for this event. */
export const COMPOSE_EVENT = 'parley-compose'
/** The composer takes this mode and the focus; with `text`, those words come back into it. */
export type ComposeRequest = { mode: 'reply' | 'note'; text?: string }

export interface ShortcutActions {
  open(id: string): void
  resolve(): void
  assignToMe(): void
  showHelp(): void
}

/** True when the key goes to a field the operator is typing in. */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true
  if (!(target instanceof HTMLInputElement)) return false
  return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(target.type)
}

/** The conversation `step` rows away from the one on screen, in the list's order. */
function neighbour(state: PanelState, step: 1 | -1): string | null {
  const list = visibleConversations(state)
  if (list.length === 0) return null
  const at = list.findIndex((c) => c.id === state.selectedId)
  if (at < 0) return (step === 1 ? list[0] : list[list.length - 1])?.id ?? null
  return list[at + step]?.id ?? null
}

/** Handles one keydown; true when it was a shortcut (the caller prevents the default). */
export function handleShortcut(
  event: KeyboardEvent,
  state: PanelState,
  actions: ShortcutActions,
): boolean {
  if (event.ctrlKey || event.metaKey || event.isComposing) return false
  // A dialog open (or the help itself) owns the keyboard.
  if (document.querySelector('dialog[open]')) return false
  if (event.altKey && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
    const id = neighbour(state, event.key === 'ArrowDown' ? 1 : -1)
    if (id) actions.open(id)
    return true
  }
  if (event.altKey || typing(event.target)) return false
  const onScreen = state.selectedId !== null && state.page === 'inbox'
  switch (event.key) {
    case 'j':
    case 'k': {
      if (state.page !== 'inbox') return false
      const id = neighbour(state, event.key === 'j' ? 1 : -1)
      if (id) actions.open(id)
      return true
    }
    case 'r':
    case 'n':
      if (!onScreen) return false
      window.dispatchEvent(
        new CustomEvent<ComposeRequest>(COMPOSE_EVENT, {
          detail: { mode: event.key === 'n' ? 'note' : 'reply' },
        }),
      )
      return true
    case 'e':
      if (!onScreen) return false
      actions.resolve()
      return true
    case 'a':
      if (!onScreen) return false
      actions.assignToMe()
      return true
    case '/': {
      const search = document.querySelector<HTMLInputElement>('.list-search input')
      if (!search) return false
      search.focus()
      search.select()
      return true
    }
    case '?':
      actions.showHelp()
      return true
    default:
      return false
  }
}
