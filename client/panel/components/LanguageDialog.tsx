/**
 * The panel language (issue 16): each language by its own name; choosing one switches the panel
 * at once and remembers it on this device and on the account (panel.actions.setLanguage).
 */
import { createSignal, For, Show } from 'solid-js'
import { usePanel } from '../context.ts'
import { LOCALES, locale, t, type Locale } from '../i18n.ts'
import { Modal } from './Modal.tsx'

export function LanguageDialog(props: { onClose: () => void }) {
  const panel = usePanel()
  const [error, setError] = createSignal<string | null>(null)
  let group!: HTMLFieldSetElement
  const choose = async (next: Locale) => {
    setError(null)
    try {
      setError(await panel.actions.setLanguage(next))
    } catch {
      // Its strings did not load: the panel stays as it was, and so does the choice shown.
      for (const radio of group.querySelectorAll('input')) radio.checked = radio.value === locale()
      setError(t('The language could not be loaded. Try again.'))
    }
  }
  return (
    <Modal title={t('Language')} onClose={props.onClose}>
      {(close) => (
        <div class="dialog-body">
          <fieldset ref={group} class="checks">
            <legend class="sr-only">{t('Language')}</legend>
            <For each={LOCALES}>
              {(l) => (
                <label class="toggle" lang={l.id}>
                  <input
                    type="radio"
                    name="panel-language"
                    value={l.id}
                    checked={locale() === l.id}
                    autofocus={locale() === l.id}
                    onChange={() => void choose(l.id)}
                  />
                  {l.name}
                </label>
              )}
            </For>
          </fieldset>
          <Show when={error()}>
            <p class="error" role="alert">
              {error()}
            </p>
          </Show>
          <div class="form-foot">
            <button type="button" onClick={close}>
              {t('Close')}
            </button>
          </div>
        </div>
      )}
    </Modal>
  )
}
