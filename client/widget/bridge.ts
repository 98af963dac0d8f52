/**
 * The messages between the loader (on the host page) and the widget frame. The frame is
 * served sandboxed, in an opaque origin: it has no storage of its own and cannot reach the
 * panel's, so what it keeps (visitor session, outbox, open state) lives in the host page's
 * storage, kept by the loader. Types only: the loader's build stays free of frame code.
 */

/** `local` persists (the host page's localStorage), `tab` lasts the tab (sessionStorage). */
export type StorageArea = 'local' | 'tab'

/** Raw JSON values by key, for one inbox. */
export type StoredValues = Record<string, string>

/** From the frame to the loader. */
export type FrameMessage =
  /** The frame has started: the loader answers with `init` and `host`. */
  | { parley: 'ready' }
  /** The chat opened or closed: the loader resizes the iframe. */
  | { parley: 'layout'; open: boolean }
  /** Keep (or, with null, forget) one value in the host page's storage. */
  | { parley: 'store'; area: StorageArea; key: string; value: string | null }
  /** The server wants the verified user proved again: the loader asks the page. */
  | { parley: 'identity-required' }

/** From the loader to the frame. */
export type HostMessage =
  | { parley: 'host'; dark: boolean; compact: boolean }
  | { parley: 'init'; local: StoredValues; tab: StoredValues }
  /** The page named its signed-in user anew (empty strings: nobody is signed in). */
  | { parley: 'identity'; userId: string; userHash: string }
  /** The host page the visitor is on: at start, and after each navigation of a single-page app. */
  | { parley: 'page'; url: string; title: string; referrer: string }
