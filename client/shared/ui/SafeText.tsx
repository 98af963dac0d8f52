/**
 * A short text someone else chose (an operator's or inbox's name, an email): bidi controls
 * shown as markers, and isolated (`<bdi dir="auto">`) so it cannot reorder its neighbours.
 */
import { showControls } from '../index.ts'

export function SafeText(props: { text: string; class?: string }) {
  return (
    <bdi class={props.class} dir="auto">
      {showControls(props.text)}
    </bdi>
  )
}
