/**
 * The emoji chunk, fetched on first use by EmojiTools.tsx: it mounts the picker beside its
 * button and the `:shortcode:` list in a composer's form, each a Solid root of its own, and
 * listens to the textarea itself (keys in the capture phase, so Enter picks a suggestion
 * rather than sending the message).
 */
import { render } from 'solid-js/web'
import { insertText, type EmojiStore } from '../emoji/catalog.ts'
import { localEmojiStore } from '../emoji/local-store.ts'
import { EmojiPicker } from './EmojiPicker.tsx'
import { ShortcodeCompletion, type CompletionHandle } from './ShortcodeCompletion.tsx'
import type { EmojiOptions } from './EmojiTools.tsx'

const pickers = new WeakMap<HTMLButtonElement, () => void>()

/** Opens the picker beside `button`, or closes it when open; picks go into `input`. */
export function togglePicker(
  button: HTMLButtonElement,
  input: HTMLTextAreaElement | undefined,
  opts: EmojiOptions,
): void {
  const open = pickers.get(button)
  if (open) return open()
  const host = document.createElement('div')
  host.className = 'emoji-host'
  button.after(host)
  const close = (refocus: boolean) => {
    pickers.delete(button)
    dispose()
    host.remove()
    button.setAttribute('aria-expanded', 'false')
    if (refocus) input?.focus()
  }
  const dispose = render(
    () => (
      <EmojiPicker
        lang={opts.lang}
        store={storeOf(opts)}
        opener={button}
        onClose={close}
        onPick={(char) => {
          close(false)
          if (input) insertText(input, char)
        }}
      />
    ),
    host,
  )
  pickers.set(button, () => close(true))
  button.setAttribute('aria-expanded', 'true')
}

const attached = new WeakMap<HTMLTextAreaElement, () => void>()

/** Shortcode completion for a textarea, from now on (once per textarea). */
export function attach(input: HTMLTextAreaElement, opts: EmojiOptions): void {
  if (attached.has(input)) return
  const host = document.createElement('div')
  host.className = 'emoji-host'
  ;(input.closest('form') ?? input.parentElement ?? document.body).append(host)
  let handle: CompletionHandle | undefined
  const dispose = render(
    () => (
      <ShortcodeCompletion
        lang={opts.lang}
        store={storeOf(opts)}
        input={input}
        ready={(h) => (handle = h)}
      />
    ),
    host,
  )
  const typed = () => handle?.typed()
  const keys = (e: KeyboardEvent) => {
    if (handle?.keys(e)) e.stopPropagation()
  }
  input.addEventListener('input', typed)
  input.addEventListener('keydown', keys, true)
  attached.set(input, () => {
    input.removeEventListener('input', typed)
    input.removeEventListener('keydown', keys, true)
    dispose()
    host.remove()
  })
}

/** The composer is gone: so is its completion. */
export function detach(input: HTMLTextAreaElement): void {
  attached.get(input)?.()
  attached.delete(input)
}

let local: EmojiStore | undefined

/** The caller's storage (the widget's host storage), else this origin's localStorage (the panel). */
function storeOf(opts: EmojiOptions): EmojiStore {
  return opts.store ?? (local ??= localEmojiStore('parley:'))
}
