/**
 * A branch's automatic replies in its form: the greeting, the first reply, the offline reply and
 * the waiting reply with its delay (each on or off, with an English and a Russian text), and the
 * widget's offline line. The
 * widget picks the visitor's language; texts are at most 1000 characters. (A refusal names only
 * `settings`, so the form shows it by its Save button without marking a field.)
 */
import { createUniqueId, For, Show } from 'solid-js'
import type { SetStoreFunction } from 'solid-js/store'
import type { BranchSettings } from '../../../actors/index.ts'
import { msg, t } from '../i18n.ts'

/** What this part of the form edits. */
export type AutoReplyDraft = Pick<
  BranchSettings,
  'offlineText' | 'greeting' | 'firstReply' | 'offlineReply' | 'waitingReply'
>
type Language = keyof AutoReplyDraft['offlineText']
type ReplyKey = 'greeting' | 'firstReply' | 'offlineReply' | 'waitingReply'

/** The server's limit on each text. */
const MAX = 1000

const REPLIES: ReadonlyArray<{ key: ReplyKey; title: string; hint: string }> = [
  {
    key: 'greeting',
    title: msg('Greeting'),
    hint: msg('Shown by the widget before the first message; not stored in the conversation.'),
  },
  {
    key: 'firstReply',
    title: msg('First reply'),
    hint: msg("Sent after a new conversation's first message while the branch is online or busy."),
  },
  {
    key: 'offlineReply',
    title: msg('Offline reply'),
    hint: msg(
      "Sent after a new conversation's first message, or an offline request, while the branch is offline.",
    ),
  },
  {
    key: 'waitingReply',
    title: msg('Waiting reply'),
    hint: msg('Sent once when a visitor has waited this long for an answer, within working hours.'),
  },
]

/** The waiting reply's delay, in minutes as the form shows it (the server keeps seconds). */
const WAIT_MINUTES = { min: 1, max: 24 * 60 }

const LANGUAGES: ReadonlyArray<{ lang: Language; name: string }> = [
  { lang: 'en', name: msg('English') },
  { lang: 'ru', name: msg('Russian') },
]

export function AutoReplies(props: {
  draft: AutoReplyDraft
  setDraft: SetStoreFunction<AutoReplyDraft>
}) {
  /** English and Russian text areas. */
  const texts = (
    value: (lang: Language) => string,
    set: (lang: Language, text: string) => void,
  ) => (
    <div class="reply-texts">
      <For each={LANGUAGES}>
        {({ lang, name }) => (
          <label>
            {t(name)}
            <textarea
              rows={2}
              lang={lang}
              dir="auto"
              maxLength={MAX}
              value={value(lang)}
              onInput={(e) => set(lang, e.currentTarget.value)}
            />
          </label>
        )}
      </For>
    </div>
  )
  return (
    <fieldset class="auto-replies">
      <legend>{t('Automatic replies')}</legend>
      <p class="muted">
        {t("Each in English and Russian; the visitor gets the widget's language.")}
      </p>
      <For each={REPLIES}>
        {(reply) => {
          const hintId = createUniqueId()
          return (
            <fieldset class="reply">
              <legend>{t(reply.title)}</legend>
              <p id={hintId} class="muted">
                {t(reply.hint)}
              </p>
              <label class="check">
                <input
                  type="checkbox"
                  role="switch"
                  checked={props.draft[reply.key].on}
                  onChange={(e) => props.setDraft(reply.key, 'on', e.currentTarget.checked)}
                  aria-describedby={hintId}
                />
                {t('On')}
              </label>
              <Show when={reply.key === 'waitingReply'}>
                <label class="wait-after">
                  {t('After (minutes)')}
                  <input
                    type="number"
                    inputMode="numeric"
                    min={WAIT_MINUTES.min}
                    max={WAIT_MINUTES.max}
                    step="any"
                    required
                    value={props.draft.waitingReply.afterSeconds / 60}
                    onInput={(e) => {
                      const minutes = e.currentTarget.valueAsNumber
                      if (Number.isFinite(minutes)) {
                        props.setDraft('waitingReply', 'afterSeconds', Math.round(minutes * 60))
                      }
                    }}
                  />
                </label>
              </Show>
              {texts(
                (lang) => props.draft[reply.key].text[lang],
                (lang, text) => props.setDraft(reply.key, 'text', lang, text),
              )}
            </fieldset>
          )
        }}
      </For>
      <fieldset class="reply">
        <legend>{t('Offline text')}</legend>
        <p class="muted">
          {t("The widget's line while the branch is offline. Empty: its own words.")}
        </p>
        {texts(
          (lang) => props.draft.offlineText[lang],
          (lang, text) => props.setDraft('offlineText', lang, text),
        )}
      </fieldset>
    </fieldset>
  )
}
