/**
 * An operator's picture, round, or their initials on a colour of their own when they have none
 * (or it fails to load). Decorative next to the name it stands for (hidden from assistive
 * technology), unless given a `label`. The initials are drawn by CSS from an attribute, so they
 * add nothing to the text of a row or a button.
 */
import { createSignal, Show } from 'solid-js'
import { usePanel } from '../context.ts'

/** Palettes in profile.css, each light and dark with text far above 4.5:1. */
const HUES = 6

/** Up to two letters (or digits): the first and last words' first; never a control character. */
export function initials(name: string): string {
  const letters = name
    .split(/\s+/)
    .map((word) => /[\p{L}\p{N}]/u.exec(word)?.[0])
    .filter((c): c is string => !!c)
  const pick = letters.length > 1 ? [letters[0], letters[letters.length - 1]] : letters
  return pick.join('').toLocaleUpperCase() || '?'
}

/** The same colour for the same operator everywhere. */
function hue(key: string): number {
  let h = 0
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) | 0
  return Math.abs(h) % HUES
}

export function Avatar(props: {
  name: string
  avatarId: string | null | undefined
  /** Picks the colour of the initials (the operator's id); the name when absent. */
  colorKey?: string
  /** Side in CSS pixels; 32 when absent. */
  size?: number
  /** Makes it an image with this accessible name (otherwise it is decorative). */
  label?: string
}) {
  const panel = usePanel()
  // A picture that failed to load (gone, offline) shows the initials instead.
  const [broken, setBroken] = createSignal<string | null>(null)
  const src = () => {
    const id = props.avatarId
    return id && id !== broken() ? panel.avatarUrl(id) : null
  }
  const size = () => props.size ?? 32
  return (
    <span
      class="avatar"
      data-hue={hue(props.colorKey ?? props.name)}
      data-initials={src() ? undefined : initials(props.name)}
      style={{ '--avatar': `${size()}px` }}
      role={props.label ? 'img' : undefined}
      aria-label={props.label}
      aria-hidden={props.label ? undefined : 'true'}
    >
      <Show when={src()} keyed>
        {(url) => (
          <img
            src={url}
            alt=""
            width={size()}
            height={size()}
            decoding="async"
            onError={() => setBroken(props.avatarId ?? null)}
          />
        )}
      </Show>
    </span>
  )
}
