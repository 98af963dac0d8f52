/** The keyboard shortcuts, listed in a dialog (`?`). */
import { For } from 'solid-js'
import { t } from '../i18n.ts'
import { SHORTCUTS } from '../shortcuts.ts'
import { Modal } from './Modal.tsx'

export function ShortcutsHelp(props: { onClose: () => void }) {
  return (
    <Modal title={t('Keyboard shortcuts')} class="shortcuts-help" onClose={props.onClose}>
      {(close) => (
        <div class="dialog-body">
          <dl class="shortcuts">
            <For each={SHORTCUTS}>
              {(s) => (
                <div class="shortcut">
                  <dt>
                    <For each={s.keys}>{(key) => <kbd>{key}</kbd>}</For>
                  </dt>
                  <dd>{t(s.label)}</dd>
                </div>
              )}
            </For>
          </dl>
          <p class="muted">{t('Single keys work when no text field has the focus.')}</p>
          <button type="button" onClick={close}>
            {t('Close')}
          </button>
        </div>
      )}
    </Modal>
  )
}
