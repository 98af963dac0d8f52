/**
 * The Parley widget SDK on `window.Parley`, for sites that embed the widget (README, "Widget
 * SDK"). Copy this file into your project (or reference it) to type your calls.
 *
 * Every method may be called before the loader has run, through the snippet's queue:
 *
 *   <script>window.Parley=window.Parley||function(){(Parley.q=Parley.q||[]).push(arguments)}</script>
 *
 * then `Parley('open')`; once loaded, `Parley.open()` as well. Queued calls run in order.
 * Nothing is thrown into the page: a bad argument is reported with `console.warn` and changes
 * nothing.
 */

/** What `on` listens for. */
export type ParleyEvent = 'message' | 'open' | 'close' | 'unread'

/** A new message from an operator in the visitor's conversation. */
export interface ParleyMessage {
  conversationId: string
  messageId: string
  text: string
  /** The operator's visitor-facing name ("Support" when it cannot be read). */
  authorName: string
  /** When the server stored it (epoch milliseconds). */
  at: number
}

/** What each event's listener is called with. */
export interface ParleyEventData {
  message: ParleyMessage
  /** The number of operator messages the visitor has not read (on each change). */
  unread: number
  open: null
  close: null
}

/** A custom attribute of the visitor: key `a-z`, `0-9`, `_` (starting with a letter, at most 32). */
export type ParleyAttributeValue = string | number | boolean

export interface ParleyUser {
  /**
   * Your site's user id, with `hash`: the hex HMAC-SHA256 of `id` keyed with the inbox's
   * identity secret, computed by your backend. The same id on any device is the same visitor,
   * with the same conversations. Both or neither.
   */
  id?: string
  hash?: string
  /** 1-100 characters; null clears it. */
  name?: string | null
  /** An e-mail address (stored lower-cased); null clears it. */
  email?: string | null
  /** Digits, spaces, `()-.`, an optional leading `+`, 5-30 characters; null clears it. */
  phone?: string | null
  /** Any other key is a custom attribute (null removes it). */
  [attribute: string]: ParleyAttributeValue | null | undefined
}

type Method = 'setUser' | 'setAttributes' | 'open' | 'close' | 'toggle' | 'show' | 'hide'

export interface ParleyApi {
  /** The queued form: `Parley('open')`, `Parley('setUser', {...})`. */
  (method: Method | 'on' | 'off' | 'setLocale' | 'reset', ...args: unknown[]): void
  /**
   * Names the signed-in user (`id` + `hash`: the site vouches for them) and/or fills the
   * visitor's profile: name, e-mail, phone, and any other key as a custom attribute.
   */
  setUser(user: ParleyUser): void
  /** Sets custom attributes of the visitor (null removes one); at most 50 keys per visitor. */
  setAttributes(attributes: Record<string, ParleyAttributeValue | null>): void
  /**
   * Opens the chat (loading the widget at once if it waits for data-delay or a scroll). With
   * `text`, the composer shows with it (trimmed, at most 4000 characters) for the visitor to
   * send or change; nothing is sent by itself.
   */
  open(options?: { text?: string }): void
  close(): void
  toggle(): void
  /** Shows the launcher again after `hide`. */
  show(): void
  /** Hides the launcher: the chat opens only through `open`/`toggle` (your own button). */
  hide(): void
  on<E extends ParleyEvent>(event: E, listener: (data: ParleyEventData[E]) => void): void
  off<E extends ParleyEvent>(event: E, listener: (data: ParleyEventData[E]) => void): void
  /** The widget's language from now on (outranks the inbox's default and the page's). */
  setLocale(lang: 'en' | 'ru'): void
  /**
   * Logout on your site: forgets the visitor kept in this browser for the inbox (session,
   * unsent messages, drafts) and starts over as a new anonymous visitor. Calls made before it
   * that were not applied yet are dropped.
   */
  reset(): void
}

declare global {
  interface Window {
    Parley: ParleyApi
  }
}
