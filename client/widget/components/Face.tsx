/**
 * Who answers, as a face (docs/protocol.md 13.7): the operator's picture, or their initials on
 * a round badge when they have none or it does not load. Always beside their name, so it is
 * decoration to screen readers (hidden, `alt=""`). The initials are drawn by CSS from
 * `data-initials`, so they never join the text around them (a copied line, innerText).
 */
import { createSignal, Show } from 'solid-js'
import { useWidget } from '../context.ts'

/** One or two letters of a public name: of its first and last words ("Anna Petrova": AP). */
export function initials(name: string): string {
  const letters = name
    .split(/\s+/u)
    .map((word) => /[\p{L}\p{N}]/u.exec(word)?.[0])
    .filter((letter): letter is string => letter !== undefined)
  const picked = letters.length > 1 ? [letters[0], letters[letters.length - 1]] : letters
  // A name without a letter or digit (emoji only): its first character.
  return (picked.join('') || ([...name.trim()][0] ?? '')).toUpperCase()
}

export function Face(props: { operatorId: string; name: string; large?: boolean }) {
  const w = useWidget()
  /** The picture that failed to load: initials instead (a later new one is tried). */
  const [failed, setFailed] = createSignal<string | null>(null)
  const src = () => {
    const url = w.actions.avatar(props.operatorId)
    return url !== failed() ? url : null
  }
  return (
    <span
      class="face"
      classList={{ large: props.large }}
      data-initials={src() ? undefined : initials(props.name)}
      aria-hidden="true"
    >
      <Show when={src()}>
        {(url) => <img src={url()} alt="" decoding="async" onError={() => setFailed(url())} />}
      </Show>
    </span>
  )
}
