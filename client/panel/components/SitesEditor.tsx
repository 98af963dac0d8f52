/**
 * Where the inbox's widget may run (S3), in its settings: on any website, or only on the sites
 * listed (one per line; `https://*.example.com` for every subdomain). An inbox created without
 * that choice runs on no site, and says so here until an admin chooses. The server normalizes
 * and checks each entry; its refusal names the entry, and the box is marked.
 */
import { createUniqueId, Show } from 'solid-js'
import type { SetStoreFunction } from 'solid-js/store'
import { names } from '../form-errors.ts'
import { t } from '../i18n.ts'

/** An address, the same in every language. */
const EXAMPLE_SITE = 'https://shop.example.com'

export interface SitesDraft {
  /** null: not chosen yet. */
  mode: 'any' | 'list' | null
  /** The listed sites, one per line. */
  text: string
}

export function toSitesDraft(allowed: string[] | null | undefined): SitesDraft {
  if (allowed === null || allowed === undefined) return { mode: null, text: '' }
  return { mode: allowed.length === 0 ? 'any' : 'list', text: allowed.join('\n') }
}

/** The setting to save; undefined leaves it unchosen; an error when the list is empty. */
export function fromSitesDraft(draft: SitesDraft): string[] | undefined | { empty: true } {
  if (draft.mode === null) return undefined
  if (draft.mode === 'any') return []
  const sites = draft.text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
  return sites.length > 0 ? sites : { empty: true }
}

export function SitesEditor(props: {
  draft: SitesDraft
  setDraft: SetStoreFunction<SitesDraft>
  error: string | null
}) {
  const name = createUniqueId()
  const hintId = createUniqueId()
  const listId = createUniqueId()
  const inlineId = createUniqueId()
  const bad = () =>
    names(props.error, 'settings.allowedOrigins') ||
    names(props.error, 'body.settings.allowedOrigins') ||
    names(props.error, 'allowedOrigins')
  return (
    <fieldset class="prechat sites">
      <legend>{t('Where the widget runs')}</legend>
      <Show when={props.draft.mode === null}>
        <p class="warning" role="note">
          {t('Not chosen yet: the widget runs on no website until you choose.')}
        </p>
      </Show>
      <label class="check">
        <input
          type="radio"
          name={name}
          checked={props.draft.mode === 'list'}
          onChange={() => props.setDraft('mode', 'list')}
        />
        {t('Only on these sites')}
      </label>
      <Show when={props.draft.mode === 'list'}>
        <label class="sites-list">
          <span id={listId}>{t('Sites, one per line')}</span>
          <textarea
            rows={4}
            dir="ltr"
            spellcheck={false}
            autocapitalize="off"
            placeholder={EXAMPLE_SITE}
            value={props.draft.text}
            onInput={(e) => props.setDraft('text', e.currentTarget.value)}
            aria-labelledby={listId}
            aria-describedby={bad() ? `${inlineId} ${hintId}` : hintId}
            aria-invalid={bad() || undefined}
          />
        </label>
        {/* The refusal again where the list is (the form's alert by Save announces it). */}
        <Show when={bad()}>
          <p id={inlineId} class="error">
            {props.error?.replace(/^(body\.)?settings\.allowedOrigins: /, '')}
          </p>
        </Show>
        <p id={hintId} class="muted">
          {t(
            'A site is its address without a path: https://shop.example.com. https://*.example.com stands for every subdomain of example.com. Other sites cannot show the widget or open a chat.',
          )}
        </p>
      </Show>
      <label class="check">
        <input
          type="radio"
          name={name}
          checked={props.draft.mode === 'any'}
          onChange={() => props.setDraft('mode', 'any')}
        />
        {t('On any website')}
      </label>
    </fieldset>
  )
}
