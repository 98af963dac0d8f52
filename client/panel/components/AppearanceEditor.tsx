/**
 * The inbox's widget appearance in its settings (customization): the header's title and the
 * launcher's label in both widget languages, the accent color (its contrast with the white
 * text on it measured as it is typed: the server refuses anything below WCAG AA), the corner,
 * the default language and which availability texts show; beside it a live preview of the
 * widget in either language and theme. The greeting and the offline text belong to each
 * branch's automatic replies.
 */
import { createSignal, createUniqueId, For, Show } from 'solid-js'
import type { SetStoreFunction } from 'solid-js/store'
import { AA_CONTRAST, contrastWithWhite } from '../../../protocol/limits.ts'
import type { InboxSettings } from '../../shared/index.ts'
import { names } from '../form-errors.ts'
import { msg, t } from '../i18n.ts'

export type AppearanceDraft = InboxSettings['appearance']
type Locale = 'en' | 'ru'
type Text = 'title' | 'launcherLabel'

const HEX = /^#[0-9a-f]{6}$/i

/** White text's contrast on `color`, or null while it is not a whole #rrggbb yet. */
export function accentContrast(color: string): number | null {
  return HEX.test(color) ? contrastWithWhite(color) : null
}

const LANGUAGES: ReadonlyArray<{ value: AppearanceDraft['language']; label: string }> = [
  { value: 'auto', label: msg("Follow the site's page, then the browser") },
  { value: 'en', label: msg('English') },
  { value: 'ru', label: msg('Russian') },
]

const PREVIEW: Record<Locale, { hello: string; reply: string; write: string }> = {
  en: {
    hello: 'Hi! How can we help?',
    reply: 'My order has not arrived yet',
    write: 'Write a message...',
  },
  ru: {
    hello: 'Здравствуйте! Чем помочь?',
    reply: 'Мой заказ ещё не пришёл',
    write: 'Напишите сообщение...',
  },
}
const REPLY_TIME: Record<Locale, string> = {
  en: 'Typically replies in ~5 min',
  ru: 'Обычно отвечаем за ~5 мин',
}

const contrastText = (ratio: number, readable: boolean) => {
  const vars = { ratio: ratio.toFixed(2), aa: AA_CONTRAST }
  return readable
    ? t('White text on it: {ratio}:1, readable (WCAG AA needs {aa}:1).', vars)
    : t('White text on it: {ratio}:1, too faint: WCAG AA needs {aa}:1. Pick a darker color.', vars)
}

export function AppearanceEditor(props: {
  draft: AppearanceDraft
  setDraft: SetStoreFunction<AppearanceDraft>
  /** The inbox's name: the title when none is set. */
  inboxName: string
  error: string | null
  errorId: string
}) {
  const id = createUniqueId()
  const [locale, setLocale] = createSignal<Locale>('en')
  const [dark, setDark] = createSignal(false)
  const contrast = () => accentContrast(props.draft.accentColor)
  const readable = () => (contrast() ?? 0) >= AA_CONTRAST
  const bad = (path: string) =>
    names(props.error, `body.settings.appearance.${path}`) ||
    names(props.error, `settings.appearance.${path}`) ||
    undefined
  /** Measured while typed; a value not yet a color is marked when the server refused it. */
  const accentInvalid = () => (contrast() === null ? bad('accentColor') : !readable()) || undefined
  const text = (key: Text, lang: Locale) => (
    <label>
      {lang === 'en' ? t('English') : t('Russian')}
      <input
        dir="auto"
        lang={lang}
        maxLength={key === 'title' ? 80 : 40}
        value={props.draft[key][lang]}
        placeholder={key === 'title' ? props.inboxName : undefined}
        onInput={(e) => props.setDraft(key, lang, e.currentTarget.value)}
        aria-invalid={bad(`${key}.${lang}`)}
        aria-describedby={bad(`${key}.${lang}`) ? props.errorId : undefined}
      />
    </label>
  )
  const shown = (key: Text, fallback: string) => props.draft[key][locale()].trim() || fallback
  return (
    <fieldset class="appearance">
      <legend>{t('Widget appearance')}</legend>
      <div class="appearance-grid">
        <div class="appearance-fields">
          <fieldset class="pair">
            <legend>{t("Title (empty: the inbox's name)")}</legend>
            {text('title', 'en')}
            {text('title', 'ru')}
          </fieldset>
          <div class="accent-row">
            <label>
              {t('Accent color')}
              <input
                class="hex"
                value={props.draft.accentColor}
                spellcheck={false}
                onInput={(e) => props.setDraft('accentColor', e.currentTarget.value.trim())}
                aria-invalid={accentInvalid()}
                aria-describedby={`${id}-contrast${accentInvalid() && bad('accentColor') ? ` ${props.errorId}` : ''}`}
              />
            </label>
            <input
              type="color"
              aria-label={t('Pick the accent color')}
              value={HEX.test(props.draft.accentColor) ? props.draft.accentColor : '#4f46e5'}
              onInput={(e) => props.setDraft('accentColor', e.currentTarget.value)}
            />
          </div>
          <p
            id={`${id}-contrast`}
            class="hint"
            classList={{ error: !readable() }}
            aria-live="polite"
          >
            <Show when={contrast()} fallback={t('Write the color as #rrggbb, e.g. #4f46e5.')}>
              {/* Show calls its child once, untracked: the JSX expression keeps it live. */}
              {(ratio) => <>{contrastText(ratio(), readable())}</>}
            </Show>
          </p>
          <fieldset class="pair">
            <legend>{t('Corner')}</legend>
            <For each={['right', 'left'] as const}>
              {(side) => (
                <label class="check">
                  <input
                    type="radio"
                    name={`${id}-position`}
                    checked={props.draft.position === side}
                    onChange={() => props.setDraft('position', side)}
                  />
                  {side === 'right' ? t('Bottom right') : t('Bottom left')}
                </label>
              )}
            </For>
          </fieldset>
          <fieldset class="pair">
            <legend>{t('Launcher label (empty: the icon alone)')}</legend>
            {text('launcherLabel', 'en')}
            {text('launcherLabel', 'ru')}
          </fieldset>
          <label>
            {t('Language')}
            <select
              value={props.draft.language}
              onChange={(e) =>
                props.setDraft('language', e.currentTarget.value as AppearanceDraft['language'])
              }
            >
              <For each={LANGUAGES}>{(l) => <option value={l.value}>{t(l.label)}</option>}</For>
            </select>
          </label>
          <label class="check">
            <input
              type="checkbox"
              checked={props.draft.showReplyTime}
              onChange={(e) => props.setDraft('showReplyTime', e.currentTarget.checked)}
            />
            {t('Show the typical reply time')}
          </label>
          <label class="check">
            <input
              type="checkbox"
              checked={props.draft.showQueuePosition}
              onChange={(e) => props.setDraft('showQueuePosition', e.currentTarget.checked)}
            />
            {t('Show visitors their place in line')}
          </label>
          <p class="muted hint">
            {t(
              'The greeting and the text shown while nobody is online are set per branch, under Branches and routing, in its automatic replies.',
            )}
          </p>
        </div>
        <figure class="preview" aria-labelledby={`${id}-preview`}>
          <figcaption id={`${id}-preview`}>
            {t('Preview')}
            <span class="preview-switches">
              <button
                type="button"
                class="secondary"
                aria-pressed={locale() === 'ru'}
                onClick={() => setLocale(locale() === 'en' ? 'ru' : 'en')}
              >
                {locale() === 'en' ? t('Show in Russian') : t('Show in English')}
              </button>
              <button
                type="button"
                class="secondary"
                aria-pressed={dark()}
                onClick={() => setDark(!dark())}
              >
                {dark() ? t('Light theme') : t('Dark theme')}
              </button>
            </span>
          </figcaption>
          <div
            class="preview-stage"
            classList={{ dark: dark(), left: props.draft.position === 'left' }}
            style={{ '--preview-accent': readable() ? props.draft.accentColor : '#4f46e5' }}
            lang={locale()}
            data-testid="widget-preview"
          >
            <div class="preview-window">
              <div class="preview-head">
                <strong dir="auto">{shown('title', props.inboxName)}</strong>
                <Show when={props.draft.showReplyTime}>
                  <span>{REPLY_TIME[locale()]}</span>
                </Show>
              </div>
              <div class="preview-thread">
                <p class="theirs">{PREVIEW[locale()].hello}</p>
                <p class="mine">{PREVIEW[locale()].reply}</p>
              </div>
              <div class="preview-composer">{PREVIEW[locale()].write}</div>
            </div>
            <div class="preview-launcher">
              <span aria-hidden="true" class="preview-bubble" />
              <Show when={props.draft.launcherLabel[locale()].trim()}>
                {(label) => <span dir="auto">{label()}</span>}
              </Show>
            </div>
          </div>
        </figure>
      </div>
    </fieldset>
  )
}
