/** What the frame learns from its URL (set by the loader): inbox, language, theme. */
export type Lang = 'en' | 'ru'

/** A site-verified user (W2): the site's user id and its HMAC, computed by the site's backend. */
export interface Identity {
  userId: string
  userHash: string
}

export interface WidgetConfig {
  inboxId: string
  /** The Parley server's origin and path prefix, without a trailing slash. */
  baseUrl: string
  /** The language to start in: the embed's data-lang, else the page's, else the browser's. */
  lang: Lang
  /**
   * The embed named the language (data-lang): it outranks the inbox's default. Without it
   * the inbox's default (appearance.language) wins over the page's and the browser's.
   */
  langExplicit: boolean
  dark: boolean
  /** True inside the loader's iframe; false when the frame page is opened on its own. */
  embedded: boolean
  identity: Identity | null
}

export function pickLang(value: string | null | undefined): Lang {
  return value?.toLowerCase().startsWith('ru') ? 'ru' : 'en'
}

export function readConfig(location: Location, embedded: boolean): WidgetConfig {
  const params = new URLSearchParams(location.search)
  // frame.html lives at <base>/widget/frame.html
  const baseUrl = new URL('..', location.href).href.replace(/\/$/, '')
  const theme = params.get('theme')
  // The identity travels in the fragment, which never reaches a server log.
  const fragment = new URLSearchParams(location.hash.slice(1))
  const userId = fragment.get('user')
  const userHash = fragment.get('hash')
  const lang = params.get('lang')
  return {
    inboxId: params.get('inbox') ?? '',
    baseUrl,
    lang: pickLang(lang || params.get('page') || navigator.language),
    langExplicit: !!lang,
    dark:
      theme === 'dark' || (theme !== 'light' && matchMedia('(prefers-color-scheme: dark)').matches),
    embedded,
    identity: userId && userHash ? { userId, userHash } : null,
  }
}
