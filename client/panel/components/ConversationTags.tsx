/**
 * The conversation's priority and labels (issue 20), among its details under the title: a
 * priority select, the labels as chips each with its remove button, and "Add label". Read-only
 * for those who may not take part (no chat permission) and for an erased conversation. Its
 * inbox's labels load as it opens; a removed chip hands the focus to the next one, else to
 * "Add label".
 */
import { createEffect, For, Show } from 'solid-js'
import type { Conversation } from '../../shared/index.ts'
import { Icon } from '../../shared/ui/Icon.tsx'
import type { ConversationPriority, Label } from '../api.ts'
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'
import { labelsOf, PRIORITIES, PRIORITY_NAMES } from '../labels.ts'
import { LabelChip } from './LabelChip.tsx'
import { LabelPicker } from './LabelPicker.tsx'

export function ConversationTags(props: { conversation: Conversation }) {
  const panel = usePanel()
  let chips: HTMLUListElement | undefined
  let addButton: HTMLButtonElement | undefined
  const editable = () =>
    panel.state.login?.operator.canChat === true && props.conversation.erasedAt === undefined
  const priority = () => props.conversation.priority ?? 'normal'
  const labels = () => labelsOf(panel.state, props.conversation)
  createEffect(() => {
    void panel.actions.labelsFor(props.conversation.inboxId, props.conversation.labels)
  })

  const setPriority = async (select: HTMLSelectElement) => {
    await panel.actions.setPriority(select.value as ConversationPriority)
    // Refused: the select shows the priority it still has.
    select.value = priority()
  }
  const remove = async (label: Label, index: number) => {
    if (!(await panel.actions.changeLabels({ remove: [label.id] }))) return
    // The list itself is gone with its last chip.
    const next = chips?.isConnected ? chips.querySelectorAll('button')[index] : undefined
    ;(next ?? addButton)?.focus()
  }

  return (
    <>
      <div>
        <dt>{t('Priority')}</dt>
        <dd>
          <Show when={editable()} fallback={t(PRIORITY_NAMES[priority()])}>
            <select
              class="priority-select"
              aria-label={t('Priority')}
              value={priority()}
              onChange={(e) => void setPriority(e.currentTarget)}
            >
              <For each={PRIORITIES}>
                {(p) => <option value={p}>{t(PRIORITY_NAMES[p])}</option>}
              </For>
            </select>
          </Show>
        </dd>
      </div>
      <Show when={editable() || labels().length > 0}>
        <div>
          <dt>{t('Labels')}</dt>
          <dd class="tags-cell">
            <Show when={labels().length > 0}>
              <ul class="tags" ref={chips} aria-label={t('Labels')}>
                <For each={labels()}>
                  {(label, i) => (
                    <li>
                      <LabelChip label={label}>
                        <Show when={editable()}>
                          <button
                            type="button"
                            class="tag-remove"
                            aria-label={t('Remove label {name}', { name: label.name })}
                            onClick={() => void remove(label, i())}
                          >
                            <Icon name="close" size={12} />
                          </button>
                        </Show>
                      </LabelChip>
                    </li>
                  )}
                </For>
              </ul>
            </Show>
            <Show when={editable()}>
              <LabelPicker conversation={props.conversation} ref={(el) => (addButton = el)} />
            </Show>
          </dd>
        </div>
      </Show>
    </>
  )
}
