/**
 * The emoji button of a composer, kept tiny for first load. It finds its composer's textarea
 * (the one in its form) and watches it for `:xx`; the picker, `:shortcode:` completion and the
 * emoji data are chunks fetched the first time the button is used or a shortcode is begun
 * (Emoji.tsx), which then attach their own listeners to the textarea.
 */
import { onCleanup, onMount } from 'solid-js'
import type { EmojiLang, EmojiStore } from '../emoji/catalog.ts'
import { Icon } from './Icon.tsx'

export interface EmojiOptions {
  lang: EmojiLang
  /** Where recent emoji and the skin tone are kept; this origin's localStorage when absent. */
  store?: EmojiStore
}

type EmojiChunk = typeof import('./Emoji.tsx')

let chunk: EmojiChunk | undefined
let loading: Promise<EmojiChunk> | undefined
const load = () =>
  (loading ??= import('./Emoji.tsx').then(
    (m) => (chunk = m),
    (error: unknown) => {
      loading = undefined
      throw error
    },
  ))

/** What may start a shortcode: `:` and two characters of one, right before the caret. */
const SHORTCODE_START = /(?:^|[\s([{]):[\w+-]{2,}:?$/

export function EmojiButton(props: EmojiOptions & { label: string; disabled?: boolean }) {
  let button: HTMLButtonElement | undefined
  const input = () => button?.closest('form')?.querySelector('textarea') ?? undefined
  onMount(() => {
    const el = input()
    if (!el) return
    // Attaching is once per textarea (the chunk may be here already, fetched by the picker).
    const typed = () => {
      if (SHORTCODE_START.test(el.value.slice(0, el.selectionStart)))
        void load().then((m) => m.attach(el, props))
    }
    el.addEventListener('input', typed)
    onCleanup(() => {
      el.removeEventListener('input', typed)
      chunk?.detach(el)
    })
  })
  return (
    <button
      ref={button}
      type="button"
      class="icon-button emoji-button"
      aria-label={props.label}
      aria-haspopup="dialog"
      aria-expanded="false"
      disabled={props.disabled}
      onClick={() => void load().then((m) => button && m.togglePicker(button, input(), props))}
    >
      <Icon name="smile" />
    </button>
  )
}
