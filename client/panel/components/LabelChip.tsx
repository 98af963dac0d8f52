/**
 * A label as a chip (issue 20): a dot of its color beside its name. The name says which label it
 * is; the color only helps the eye. `children` go after the name (a remove button).
 */
import type { JSX } from 'solid-js'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import type { Label } from '../api.ts'
import '../labels.css'

export function LabelChip(props: { label: Label; children?: JSX.Element }) {
  return (
    // The title: the whole name, where the chip cuts a long one short.
    <span class="tag" data-label-id={props.label.id} title={props.label.name}>
      <span class="tag-dot" style={{ background: props.label.color }} />
      <SafeText class="tag-name" text={props.label.name} />
      {props.children}
    </span>
  )
}
