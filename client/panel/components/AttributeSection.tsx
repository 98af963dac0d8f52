/**
 * The custom attributes of one scope in the sidebar (issue 20): each one the inbox defines,
 * editable (AttributeField); `children` after them (the visitor's free-form ones, read-only).
 * Nothing when the inbox defines none and there is nothing else to show.
 */
import { createEffect, For, Show, type JSX } from 'solid-js'
import {
  definitionsOf,
  loadDefinitions,
  type AttributeScope,
  type AttributeValue,
  type AttributeValues,
} from '../attributes/defs.ts'
import { usePanel } from '../context.ts'
import { AttributeField } from './AttributeField.tsx'
import '../attributes.css'

export function AttributeSection(props: {
  title: string
  inboxId: string
  scope: AttributeScope
  values: AttributeValues
  /** Saves one value (null removes it): null when saved, else why not. */
  save: (key: string, value: AttributeValue | null) => Promise<string | null>
  /** Whether `children` show anything: without definitions or it, no section (no bare title). */
  extra?: boolean
  children?: JSX.Element
}) {
  const panel = usePanel()
  createEffect(() => loadDefinitions(panel.http, props.inboxId))
  const defs = () => definitionsOf(props.inboxId, props.scope)
  return (
    <Show when={defs().length > 0 || props.extra}>
      <section class="visitor-section" aria-label={props.title} data-scope={props.scope}>
        <h3>{props.title}</h3>
        <For each={defs()}>
          {(def) => (
            <AttributeField
              def={def}
              value={props.values[def.key]}
              save={(value) => props.save(def.key, value)}
            />
          )}
        </For>
        {props.children}
      </section>
    </Show>
  )
}
