/**
 * The frame's side of the bridge with the loader on the host page (messages in bridge.ts).
 * The loader hands over the frame's stored values at start, keeps every change, tells the page's
 * theme and whether the screen is phone-sized, passes on a new identity of the signed-in user,
 * and tells the page the visitor is on (at start and after each navigation of a single-page
 * app); the frame tells the loader when the chat opens or closes so it can resize the iframe,
 * and when the server wants the user proved again. SDK calls from the page (sdk.ts) wait here
 * until the widget takes them; the page's listeners hear the widget's events through `emit`.
 * Only messages from `window.parent` count.
 */
import type { FrameMessage, HostMessage, SdkEvent, StoredValues } from './bridge.ts'
import type { Identity } from './config.ts'
import { hostStorage, type KeyValue } from './storage.ts'

export interface HostInfo {
  dark: boolean
  compact: boolean
}

/**
 * Where the launcher is: its side, the closed iframe's width and height in px (the height
 * grows while a proactive message shows above the launcher), hidden by the page.
 */
export interface LauncherPlace {
  left: boolean
  width: number
  height: number
  hidden: boolean
}

/** A call of the page's SDK, as the loader passed it on (unchecked). */
export type SdkCall = (method: string, args: unknown[]) => void

/** The host page the visitor is on, as the loader reads it. */
export interface HostPage {
  url: string
  title: string
  referrer: string
}

export interface HostHandlers {
  info(info: HostInfo): void
  /** The page named its user anew; null when nobody is signed in any more. */
  identity(identity: Identity | null): void
  /** The visitor is on another page of the site (a single-page app navigated). */
  page(page: HostPage): void
}

export interface HostBridge {
  /** Persistent values (the host page's localStorage). */
  local: KeyValue
  /** Values for this tab's life (the host page's sessionStorage). */
  tab: KeyValue
  layout(open: boolean): void
  /** Where the launcher is now (what changed): the loader places the iframe after it. */
  place(place: Partial<LauncherPlace>): void
  identityRequired(): void
  /** Tells the page's SDK listeners. */
  emit(name: SdkEvent, data: unknown): void
  /** Where the page's SDK calls go; those that came before are handed over at once, in order. */
  onCall(handler: SdkCall): void
  /** The host page as last told (null: not embedded, or an older loader that does not tell). */
  page(): HostPage | null
  /** Where later news goes; host info that came before is handed over at once. */
  listen(handlers: HostHandlers): void
}

/** An older loader still on a long-lived page never answers: the widget then runs in memory. */
const INIT_TIMEOUT_MS = 3000

/** Resolves once the loader has handed over the stored values (at once when not embedded). */
export function connectHost(embedded: boolean): Promise<HostBridge> {
  // The host's origin is unknown (any site may embed the widget): '*' it is. Nothing sent here
  // is secret from the host page, which keeps these values itself.
  const post = (message: FrameMessage) => {
    if (embedded) window.parent.postMessage(message, '*')
  }
  let info: HostInfo | null = null
  let page: HostPage | null = null
  let handlers: HostHandlers | null = null
  let callHandler: SdkCall | null = null
  const calls: Array<[string, unknown[]]> = []
  const shape = { open: false, left: false, width: 88, height: 88, hidden: false }
  const layout = () => post({ parley: 'layout', ...shape })
  const bridge = (local: StoredValues, tab: StoredValues): HostBridge => ({
    local: hostStorage(local, (key, value) => post({ parley: 'store', area: 'local', key, value })),
    tab: hostStorage(tab, (key, value) => post({ parley: 'store', area: 'tab', key, value })),
    layout(open) {
      shape.open = open
      layout()
    },
    place(place) {
      const before = JSON.stringify(shape)
      Object.assign(shape, place)
      if (JSON.stringify(shape) !== before) layout()
    },
    identityRequired: () => post({ parley: 'identity-required' }),
    emit: (name, data) => post({ parley: 'event', name, data }),
    onCall(handler) {
      callHandler = handler
      for (const [method, args] of calls.splice(0)) handler(method, args)
    },
    page: () => page,
    listen(h) {
      handlers = h
      if (info) h.info(info)
    },
  })
  if (!embedded) return Promise.resolve(bridge({}, {}))
  return new Promise((resolve) => {
    let started = false
    const start = (local: StoredValues, tab: StoredValues) => {
      if (started) return
      started = true
      resolve(bridge(local, tab))
    }
    window.addEventListener('message', (e: MessageEvent) => {
      if (e.source !== window.parent) return
      const message = e.data as HostMessage | null
      if (message?.parley === 'host') {
        info = { dark: message.dark === true, compact: message.compact === true }
        handlers?.info(info)
      } else if (message?.parley === 'init') {
        start(strings(message.local), strings(message.tab))
      } else if (message?.parley === 'identity') {
        const { userId, userHash } = message
        const valid = typeof userId === 'string' && typeof userHash === 'string'
        handlers?.identity(valid && userId && userHash ? { userId, userHash } : null)
      } else if (message?.parley === 'page') {
        const { url, title, referrer } = message
        if (typeof url !== 'string') return
        page = { url, title: String(title ?? ''), referrer: String(referrer ?? '') }
        handlers?.page(page)
      } else if (message?.parley === 'call' && typeof message.method === 'string') {
        const args = Array.isArray(message.args) ? (message.args as unknown[]) : []
        if (callHandler) callHandler(message.method, args)
        else calls.push([message.method, args])
      }
    })
    setTimeout(() => start({}, {}), INIT_TIMEOUT_MS)
    post({ parley: 'ready' })
  })
}

/** Only the string values of what the host page sent. */
function strings(values: unknown): StoredValues {
  const out: StoredValues = {}
  if (typeof values !== 'object' || values === null) return out
  for (const [key, value] of Object.entries(values)) if (typeof value === 'string') out[key] = value
  return out
}
