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
  /**
   * The chat opened or closed, or the launcher moved, changed size or was hidden: the loader
   * resizes and places the iframe. `left`: on the page's left edge (else right); `width`: the
   * closed iframe's width in px (the launcher with its label and margins; else 88); `height`:
   * the closed iframe's height in px (else 88; taller while a proactive message shows above the
   * launcher, M6); `hidden`: the page hid the launcher (SDK `hide`), so the iframe shows only
   * while the chat is open.
   */
  | {
      parley: 'layout'
      open: boolean
      left?: boolean
      width?: number
      height?: number
      hidden?: boolean
    }
  /** Keep (or, with null, forget) one value in the host page's storage. */
  | { parley: 'store'; area: StorageArea; key: string; value: string | null }
  /** The server wants the verified user proved again: the loader asks the page. */
  | { parley: 'identity-required' }
  /** Something the page listens for (SDK `on`): the loader calls its listeners with `data`. */
  | { parley: 'event'; name: SdkEvent; data: unknown }

/** From the loader to the frame. */
export type HostMessage =
  | { parley: 'host'; dark: boolean; compact: boolean }
  | { parley: 'init'; local: StoredValues; tab: StoredValues }
  /**
   * The page named its signed-in user anew (empty strings: nobody is signed in). Sent by
   * loaders from before the SDK (whose `setUser` is a `call` now); still understood for pages
   * that keep an older loader running.
   */
  | { parley: 'identity'; userId: string; userHash: string }
  /** The host page the visitor is on: at start, and after each navigation of a single-page app. */
  | { parley: 'page'; url: string; title: string; referrer: string }
  /** An SDK call for the frame to check and apply (`args` plain data, as the page passed them). */
  | { parley: 'call'; method: string; args: unknown }

/** What the page may listen for (SDK `on`). */
export type SdkEvent = 'message' | 'open' | 'close' | 'unread'
