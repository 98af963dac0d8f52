/**
 * The ordered actions of a macro or an automation rule in its editor (issue 20): one MacroStep
 * each, moved up or down or removed with its buttons (disabled where it cannot go), the focus
 * following the action it moved. The form around it adds actions (`focusStep` then puts the
 * focus on the new one), may offer kinds of action more (`extra`: a rule's "Notify teammates"
 * and "Send a webhook") and says which one the server refused.
 */
import { Index } from 'solid-js'
import { Icon } from '../../shared/ui/Icon.tsx'
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'
import { MacroStep, type ExtraKind } from './MacroStep.tsx'

/** Puts the focus on the type select of action `i` of a list. */
export function focusStep(list: HTMLOListElement, i: number): void {
  list.querySelectorAll<HTMLElement>('.step-kind')[i]?.focus()
}

export function ActionSteps<A extends { type: string }>(props: {
  inboxId: string
  steps: A[]
  /** The steps changed; the focus goes to step `focus`, if given. */
  onChange: (next: A[], focus?: number) => void
  /** Whether the server refused action `i`, and the id of the words that say why. */
  invalid: (i: number) => true | undefined
  describedBy: (i: number) => string | undefined
  /** Offer "whoever runs it" as an assignee (a macro; a rule runs by itself). */
  runner: boolean
  /** Kinds of action only this editor offers. */
  extra?: readonly ExtraKind<A>[]
  ref: (list: HTMLOListElement) => void
}) {
  const panel = usePanel()
  let list!: HTMLOListElement
  const change = (next: A[], focus?: number) => {
    props.onChange(next)
    if (focus !== undefined) focusStep(list, focus)
  }
  const move = (i: number, delta: number) => {
    const next = [...props.steps]
    next.splice(i + delta, 0, ...next.splice(i, 1))
    change(next, i + delta)
  }
  const button = (
    label: string,
    icon: 'down' | 'trash',
    disabled: () => boolean,
    onClick: () => void,
    up = '',
  ) => (
    <button
      type="button"
      class={`icon-button small ${up}`}
      aria-label={label}
      disabled={disabled()}
      onClick={onClick}
    >
      <Icon name={icon} size={16} />
    </button>
  )

  return (
    <ol
      class="macro-steps"
      ref={(el) => {
        list = el
        props.ref(el)
      }}
      aria-label={t('Actions')}
    >
      <Index each={props.steps}>
        {(step, i) => {
          const n = () => ({ n: i + 1 })
          return (
            <li classList={{ invalid: props.invalid(i) }}>
              <MacroStep
                action={step()}
                inboxId={props.inboxId}
                team={panel.state.teams[props.inboxId]}
                runner={props.runner}
                extra={props.extra}
                select={{
                  class: 'step-kind',
                  'aria-label': t('Action {n}', n()),
                  'aria-invalid': props.invalid(i),
                  'aria-describedby': props.describedBy(i),
                }}
                onChange={(action) => change(props.steps.map((s, j) => (j === i ? action : s)))}
              />
              <div class="step-buttons">
                {button(
                  t('Move action {n} up', n()),
                  'down',
                  () => i === 0,
                  () => move(i, -1),
                  'up',
                )}
                {button(
                  t('Move action {n} down', n()),
                  'down',
                  () => i === props.steps.length - 1,
                  () => move(i, 1),
                )}
                {button(
                  t('Remove action {n}', n()),
                  'trash',
                  () => props.steps.length === 1,
                  () =>
                    change(
                      props.steps.filter((_, j) => j !== i),
                      Math.min(i, props.steps.length - 2),
                    ),
                )}
              </div>
            </li>
          )
        }}
      </Index>
    </ol>
  )
}
