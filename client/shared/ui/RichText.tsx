/**
 * Message text (C8), never through innerHTML. Shown at once as plain text with its links
 * (`parseRichText`); text that looks like markdown is shown again by the CommonMark renderer
 * (Markdown.tsx, a lazy chunk with marked) once that has loaded, so first load stays small.
 * Isolated (`dir="auto"`): a right-to-left message cannot reorder what surrounds it. A link's
 * title is its real target (punycode host, percent-encoded path).
 */
import { createSignal, For, Show, type JSX } from 'solid-js'
import { looksLikeMarkdown, parseRichText } from '../index.ts'

type View = (props: { text: string }) => JSX.Element

const [markdown, setMarkdown] = createSignal<View>()
let loading: Promise<unknown> | undefined

/** The renderer, or undefined while its chunk loads (asked for again after a failure). */
function renderer(): View | undefined {
  const view = markdown()
  if (!view) {
    loading ??= import('./Markdown.tsx').then(
      (m) => setMarkdown(() => m.default),
      () => (loading = undefined),
    )
  }
  return view
}

export function RichText(props: { text: string }) {
  return (
    <Show
      when={looksLikeMarkdown(props.text) && renderer()}
      keyed
      fallback={<Plain text={props.text} />}
    >
      {(Markdown) => <Markdown text={props.text} />}
    </Show>
  )
}

function Plain(props: { text: string }) {
  return (
    <span class="text" dir="auto">
      <For each={parseRichText(props.text)}>
        {(token) =>
          token.kind === 'link' ? (
            <a
              href={token.href}
              title={token.href}
              target="_blank"
              rel="noopener noreferrer nofollow"
            >
              {token.text}
            </a>
          ) : (
            token.text
          )
        }
      </For>
    </span>
  )
}
