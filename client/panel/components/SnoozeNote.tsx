/**
 * Above a snoozed thread (issue 20): until when, or until the visitor replies, and "Unsnooze"
 * for those who may take part; once it is awake the focus goes to "Snooze".
 */
import { Show } from 'solid-js'
import type { Conversation } from '../../shared/index.ts'
import { Icon } from '../../shared/ui/Icon.tsx'
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'
import { SNOOZE_NOTE, snoozedText } from '../snooze.ts'

export function SnoozeNote(props: { conversation: Conversation }) {
  const panel = usePanel()
  let note!: HTMLDivElement
  const wake = async () => {
    // The note is gone once it is awake: its pane holds "Snooze".
    const pane = note.closest('.pane')
    await panel.actions.unsnooze()
    pane?.querySelector<HTMLElement>('.snooze > button')?.focus()
  }
  return (
    <Show when={props.conversation.snooze}>
      {(snooze) => (
        <div class="snooze-note" ref={note}>
          <Icon name="clock" size={16} />
          <span id={SNOOZE_NOTE}>{snoozedText(snooze())}</span>
          <Show when={panel.state.login?.operator.canChat && !props.conversation.erasedAt}>
            <button type="button" class="secondary" onClick={() => void wake()}>
              {t('Unsnooze')}
            </button>
          </Show>
        </div>
      )}
    </Show>
  )
}
