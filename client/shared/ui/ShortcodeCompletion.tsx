/**
 * `:shortcode:` completion in a composer (lazy, with the picker). Typing `:smi` lists matching
 * emoji under the caret's line in a listbox tied to the textarea (aria-controls,
 * aria-activedescendant, aria-autocomplete); Up/Down move, Enter or Tab picks, Escape dismisses
 * until the word changes. A shortcode typed out in full (`:smile:`) becomes its emoji at once.
 */
import { createSignal, For, onCleanup, onMount, Show } from 'solid-js'
import {
  emojiPrefs,
  inTone,
  insertText,
  loadCatalog,
  type Catalog,
  type Emoji,
  type EmojiLang,
  type EmojiStore,
} from '../emoji/catalog.ts'
import { emojiStrings } from '../emoji/strings.ts'
import './emoji.css'

/** A shortcode being typed right before the caret: `:` then its start. */
const PARTIAL = /(^|[\s([{]):([\w+-]{2,})$/
/** A shortcode typed out in full right before the caret. */
const WHOLE = /(^|[\s([{]):([\w+-]+):$/

interface Match {
  /** Where the `:` is. */
  from: number
  to: number
  word: string
  emoji: Emoji[]
}

/** What the composer's hooks call (through Emoji.tsx). */
export interface CompletionHandle {
  /** A key in the textarea: true when the open list took it (its default prevented). */
  keys(e: KeyboardEvent): boolean
  /** The textarea changed. */
  typed(): void
}

export function ShortcodeCompletion(props: {
  lang: EmojiLang
  store: EmojiStore
  input: HTMLTextAreaElement
  ready(handle: CompletionHandle): void
}) {
  const t = emojiStrings(props.lang)
  const prefs = emojiPrefs(props.store)
  let catalog: Catalog | undefined
  const [match, setMatch] = createSignal<Match | null>(null)
  const [active, setActive] = createSignal(0)
  const id = `sc-${Math.random().toString(36).slice(2, 8)}`
  let dismissed = ''

  const input = props.input
  const sync = () => {
    if (match()) {
      input.setAttribute('aria-controls', id)
      input.setAttribute('aria-activedescendant', `${id}-${active()}`)
    } else {
      input.removeAttribute('aria-controls')
      input.removeAttribute('aria-activedescendant')
    }
  }
  const show = (m: Match | null) => {
    setMatch(m)
    setActive(0)
    sync()
  }
  const pick = (e: Emoji) => {
    const m = match()
    if (!m) return
    show(null)
    prefs.used(e.char)
    insertText(input, inTone(e, prefs.tone()), m.from, m.to)
  }
  const typed = () => {
    const c = catalog
    if (!c || input.selectionStart !== input.selectionEnd) return show(null)
    const caret = input.selectionStart
    const before = input.value.slice(0, caret)
    const whole = WHOLE.exec(before)
    const done = whole && c.byCode(whole[2] ?? '')
    if (whole && done) {
      show(null)
      const from = caret - (whole[2] ?? '').length - 2
      prefs.used(done.char)
      return insertText(input, inTone(done, prefs.tone()), from, caret)
    }
    const partial = PARTIAL.exec(before)
    const word = partial?.[2] ?? ''
    if (!partial || `${caret - word.length}:${word}` === dismissed) return show(null)
    dismissed = ''
    const emoji = c.complete(word)
    show(emoji.length ? { from: caret - word.length - 1, to: caret, word, emoji } : null)
  }
  const keys = (e: KeyboardEvent): boolean => {
    const m = match()
    if (!m || e.isComposing) return false
    const n = m.emoji.length
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      setActive((active() + (e.key === 'ArrowDown' ? 1 : n - 1)) % n)
      sync()
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      const chosen = m.emoji[active()]
      if (chosen) pick(chosen)
    } else if (e.key === 'Escape') {
      dismissed = `${m.from + 1}:${m.word}`
      show(null)
    } else {
      return false
    }
    e.preventDefault()
    return true
  }

  props.ready({ keys, typed })
  onMount(() => {
    // The chunk came because `:xx` was typed: look at it now the data is here.
    loadCatalog(props.lang).then(
      (c) => {
        catalog = c
        typed()
      },
      () => undefined,
    )
    input.setAttribute('aria-autocomplete', 'list')
    input.addEventListener('blur', blur)
  })
  const blur = () => show(null)
  onCleanup(() => input.removeEventListener('blur', blur))

  return (
    <Show when={match()}>
      {(m) => (
        <ul id={id} class="shortcodes" role="listbox" aria-label={t.suggestions}>
          <For each={m().emoji}>
            {(e, i) => (
              <li
                id={`${id}-${i()}`}
                role="option"
                aria-selected={active() === i()}
                onMouseDown={(ev) => ev.preventDefault()}
                onClick={() => pick(e)}
              >
                <span class="sc-emoji" aria-hidden="true">
                  {inTone(e, prefs.tone())}
                </span>
                <span class="sc-code">
                  :{e.codes.find((c) => c.startsWith(m().word)) ?? e.codes[0]}:
                </span>
                <span class="sr-only"> {e.name}</span>
              </li>
            )}
          </For>
        </ul>
      )}
    </Show>
  )
}
