/**
 * An article read inside the widget (issue 21): over the window's content (the header stays;
 * what it covers is only hidden, so a composer keeps its text), a Back button (focused first),
 * the title and the server's safe HTML. Back or Escape returns to where it was opened from,
 * focus on the result chosen. Links open in a new tab; code blocks and tables take focus.
 */
import { createSignal, onCleanup, onMount, Show } from 'solid-js'
import { Portal } from 'solid-js/web'
import { Icon } from '../../shared/ui/Icon.tsx'
import { useWidget } from '../context.ts'
import { article, type Article, type Hit } from './api.ts'
import { helpStrings } from './strings.ts'

/** What the visitor chose and the button they chose it with (focused again on the way back). */
export interface Reading {
  hit: Hit
  from: HTMLElement
}

export function Reader(props: { reading: Reading; onBack: () => void }) {
  const w = useWidget()
  const s = () => helpStrings(w.state.lang)
  const [doc, setDoc] = createSignal<Article | null | undefined>()
  article(w, props.reading.hit.slug).then(setDoc, () => setDoc(null))
  const win = document.getElementById('pw-window') ?? document.body
  win.classList.add('reading')
  onCleanup(() => win.classList.remove('reading'))
  let back: HTMLButtonElement | undefined
  onMount(() => back?.focus())
  const leave = () => {
    const from = props.reading.from
    props.onBack()
    from.focus()
  }
  const body = (el: HTMLElement) =>
    queueMicrotask(() => {
      for (const a of el.querySelectorAll('a')) {
        a.target = '_blank'
        a.rel = 'noopener noreferrer'
      }
      // Code blocks and tables scroll sideways inside: reachable with the keyboard to do so.
      for (const box of el.querySelectorAll<HTMLElement>('pre, table')) box.tabIndex = 0
    })
  return (
    <Portal mount={win} ref={(el: HTMLElement) => (el.className = 'help-layer')}>
      <article
        class="help-article"
        aria-labelledby="pw-help-title"
        data-testid="help-article"
        onKeyDown={(e) => {
          if (e.key !== 'Escape') return
          e.preventDefault()
          leave()
        }}
      >
        <button ref={back} type="button" class="link-button help-back" onClick={leave}>
          <Icon name="back" size={16} />
          {s().back}
        </button>
        <h2 id="pw-help-title" class="help-title">
          {doc()?.title ?? props.reading.hit.title}
        </h2>
        <Show
          when={doc()}
          fallback={
            <p class="help-note" role={doc() === null ? 'alert' : 'status'}>
              {doc() === null ? s().failed : s().loading}
            </p>
          }
        >
          {(d) => <div ref={body} class="help-body" innerHTML={d().html} />}
        </Show>
      </article>
    </Portal>
  )
}
