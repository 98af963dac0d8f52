/**
 * "Add label" (issue 20): a button that opens a filter box over the inbox's labels the
 * conversation lacks. The box is a combobox tied to its listbox (aria-activedescendant): typing
 * narrows, Up/Down move, Enter adds the label, Escape closes back onto the button, Tab leaves;
 * a click adds one too. The list is read again when it opens if the copy may be stale.
 */
import { createSignal, createUniqueId, For, onCleanup, Show } from 'solid-js'
import { Icon } from '../../shared/ui/Icon.tsx'
import type { Conversation } from '../../shared/index.ts'
import type { Label } from '../api.ts'
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'
import { LabelChip } from './LabelChip.tsx'

/** The picker's width in px (labels.css): it opens leftwards when there is no room on the right. */
const WIDTH = 240
const PLUS = 'M12 5v14 M5 12h14'

export function LabelPicker(props: {
  conversation: Conversation
  /** The "Add label" button (the chips hand the focus to it when the last one goes). */
  ref: (el: HTMLButtonElement) => void
}) {
  const panel = usePanel()
  const id = createUniqueId()
  const [open, setOpen] = createSignal(false)
  const [query, setQuery] = createSignal('')
  const [active, setActive] = createSignal(0)
  const [leftwards, setLeftwards] = createSignal(false)
  let root!: HTMLDivElement
  let button!: HTMLButtonElement
  let list: HTMLUListElement | undefined

  const known = () => panel.state.labels[props.conversation.inboxId]
  const choices = (): Label[] => {
    const have = props.conversation.labels ?? []
    const q = query().trim().toLowerCase()
    return (known() ?? []).filter((l) => !have.includes(l.id) && l.name.toLowerCase().includes(q))
  }
  const optionId = (i: number) => `${id}-${i}`

  const show = () => {
    const { left } = button.getBoundingClientRect()
    setLeftwards(left + WIDTH > document.documentElement.clientWidth - 8)
    setQuery('')
    setActive(0)
    setOpen(true)
    void panel.actions.labelsFor(props.conversation.inboxId, true)
  }
  const hide = (refocus: boolean) => {
    setOpen(false)
    if (refocus) button.focus()
  }
  const pick = (label: Label) => {
    hide(true)
    void panel.actions.changeLabels({ add: [label.id] })
  }
  const move = (to: number) => {
    const n = choices().length
    if (n === 0) return
    setActive((to + n) % n)
    list?.children[active()]?.scrollIntoView({ block: 'nearest' })
  }
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') move(active() + 1)
    else if (e.key === 'ArrowUp') move(active() - 1)
    else if (e.key === 'Escape') hide(true)
    else if (e.key === 'Enter') {
      const label = choices()[active()]
      if (label) pick(label)
    } else {
      if (e.key === 'Tab') hide(false)
      return
    }
    // The thread's own keys (shortcuts) leave these alone.
    e.preventDefault()
    e.stopPropagation()
  }
  // A press anywhere else closes it.
  const outside = (e: PointerEvent) => {
    if (open() && !root.contains(e.target as Node)) hide(false)
  }
  document.addEventListener('pointerdown', outside)
  onCleanup(() => document.removeEventListener('pointerdown', outside))

  return (
    <div class="tag-add" ref={root}>
      <button
        ref={(el) => {
          button = el
          props.ref(el)
        }}
        type="button"
        class="link-button"
        aria-expanded={open()}
        aria-controls={open() ? `${id}-box` : undefined}
        onClick={() => (open() ? hide(false) : show())}
      >
        <Icon name="close" d={PLUS} size={14} />
        {t('Add label')}
      </button>
      <Show when={open()}>
        <div id={`${id}-box`} class="tag-picker" classList={{ leftwards: leftwards() }}>
          <input
            ref={(el) => queueMicrotask(() => el.focus())}
            role="combobox"
            aria-label={t('Find a label')}
            placeholder={t('Find a label')}
            aria-expanded={choices().length > 0}
            aria-controls={choices().length > 0 ? `${id}-list` : undefined}
            aria-autocomplete="list"
            aria-activedescendant={choices().length > 0 ? optionId(active()) : undefined}
            autocomplete="off"
            dir="auto"
            value={query()}
            onInput={(e) => {
              setQuery(e.currentTarget.value)
              setActive(0)
            }}
            onKeyDown={onKey}
          />
          <Show
            when={choices().length > 0}
            fallback={<p class="muted">{known() ? t('No labels to add.') : t('Loading…')}</p>}
          >
            <ul id={`${id}-list`} ref={list} role="listbox" aria-label={t('Labels')}>
              <For each={choices()}>
                {(label, i) => (
                  <li
                    id={optionId(i())}
                    role="option"
                    aria-selected={i() === active()}
                    // The box keeps the focus (and the list stays open) until the click lands.
                    onMouseDown={(e) => e.preventDefault()}
                    onClick={() => pick(label)}
                  >
                    <LabelChip label={label} />
                  </li>
                )}
              </For>
            </ul>
          </Show>
        </div>
      </Show>
    </div>
  )
}
