/**
 * "Snooze" among the thread's actions (issue 20), for an open conversation: a menu button whose
 * menu sets it aside for an hour, for four hours, until tomorrow or next Monday at 09:00 (local
 * time), each with the time it means, until the visitor replies, or until a date and time
 * picked in a small form (SnoozeForm). Keyboard as every menu button's (menu.ts). Snoozing a
 * snoozed one moves its time.
 */
import { createSignal, For, Show } from 'solid-js'
import { Icon } from '../../shared/ui/Icon.tsx'
import { usePanel } from '../context.ts'
import { msg, t } from '../i18n.ts'
import { createMenu } from '../menu.ts'
import { SNOOZE_NOTE, snoozeTime } from '../snooze.ts'
import { SnoozeForm } from './SnoozeForm.tsx'
import '../snooze.css'

const HOUR = 3_600_000

/** The presets, from now (read as the menu opens): labels are msg() keys. */
function presets(): Array<[label: string, until: number]> {
  const now = new Date()
  const at9 = (days: number) => new Date(now).setHours(24 * days + 9, 0, 0, 0)
  return [
    [msg('In 1 hour'), now.getTime() + HOUR],
    [msg('In 4 hours'), now.getTime() + 4 * HOUR],
    [msg('Tomorrow'), at9(1)],
    // The coming Monday; on a Monday, the next one.
    [msg('Next week'), at9((8 - now.getDay()) % 7 || 7)],
  ]
}

export function SnoozeMenu(props: { snoozed: boolean }) {
  const panel = usePanel()
  const [custom, setCustom] = createSignal(false)
  const menu = createMenu(() => setCustom(false))
  const pick = (until: number | null) => {
    menu.hide(true)
    void panel.actions.snooze(until)
  }
  const item = (label: string, onClick: () => void, until?: number) => (
    <button type="button" role="menuitem" tabIndex={-1} class="menu-item" onClick={onClick}>
      {label}
      {until && <span class="muted">{snoozeTime(until)}</span>}
    </button>
  )

  return (
    <div class="snooze" ref={menu.root}>
      <button
        ref={menu.button}
        type="button"
        class="secondary"
        aria-controls={menu.open() ? 'snooze-pop' : undefined}
        aria-describedby={props.snoozed ? SNOOZE_NOTE : undefined}
      >
        <Icon name="clock" size={16} />
        {t('Snooze')}
      </button>
      <Show when={menu.open()}>
        <Show
          when={!custom()}
          fallback={<SnoozeForm onSnooze={pick} onCancel={() => menu.hide(true)} />}
        >
          <div ref={menu.menu} id="snooze-pop" class="menu" role="menu" aria-label={t('Snooze')}>
            <For each={presets()}>
              {([label, until]) => item(t(label), () => pick(until), until)}
            </For>
            {item(t('Until the visitor replies'), () => pick(null))}
            {item(t('Pick a date and time…'), () => setCustom(true))}
          </div>
        </Show>
      </Show>
    </div>
  )
}
