/**
 * "Macros" among the thread's actions (issue 20), when the conversation's inbox has any: a menu
 * button listing them by name; choosing one runs it on the conversation. The button says
 * "Running…" until it is done; a refusal shows as the conversation's notice and changes nothing.
 * Keyboard as every menu button's (menu.ts).
 */
import { createEffect, createSignal, For, Show } from 'solid-js'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'
import { createMenu } from '../menu.ts'

export function MacroMenu(props: { inboxId: string }) {
  const panel = usePanel()
  const [busy, setBusy] = createSignal(false)
  const menu = createMenu(() => void panel.actions.macrosFor(props.inboxId))
  const macros = () => panel.state.macros[props.inboxId] ?? []
  createEffect(() => void panel.actions.macrosFor(props.inboxId))
  const run = async (macroId: string) => {
    menu.hide(true)
    if (busy()) return
    setBusy(true)
    await panel.actions.runMacro(macroId)
    setBusy(false)
  }
  return (
    <Show when={macros().length > 0}>
      <div class="snooze" ref={menu.root}>
        <button
          ref={menu.button}
          type="button"
          class="secondary"
          aria-busy={busy()}
          aria-controls={menu.open() ? 'macro-pop' : undefined}
        >
          {busy() ? t('Running…') : t('Macros')}
        </button>
        <Show when={menu.open()}>
          <div ref={menu.menu} id="macro-pop" class="menu" role="menu" aria-label={t('Macros')}>
            <For each={macros()}>
              {(macro) => (
                <button
                  type="button"
                  role="menuitem"
                  tabIndex={-1}
                  class="menu-item"
                  onClick={() => void run(macro.id)}
                >
                  <SafeText text={macro.name} />
                </button>
              )}
            </For>
          </div>
        </Show>
      </div>
    </Show>
  )
}
