/**
 * The embed loader (W1), the only Parley code that runs in the host page:
 *
 *   <script>window.Parley=window.Parley||function(){(Parley.q=Parley.q||[]).push(arguments)}</script>
 *   <script src="https://chat.example.com/widget/loader.js" data-inbox="<inbox id>" async></script>
 *
 * Optional: data-delay="N" (seconds) and/or data-on-scroll (load at the first scroll; with
 * both, whichever comes first; `Parley('open')` loads at once), data-theme="light|dark|auto",
 * data-lang="ru|en" (else the inbox's default language, else the page's <html lang>, else the
 * browser's), data-user-id + data-user-hash (a signed-in user the site vouches for: hex
 * HMAC-SHA256 of the id with the inbox's identity secret, computed by the site's backend), or
 * `window.ParleyIdentity = { userId, userHash }` set before the loader runs. Later (a user who
 * signs in, or a new hash when the server wants the user proved again: the loader dispatches a
 * `parley:identity-required` event on window) the page calls `Parley.setUser({ id, hash })`.
 * The loader also tells the frame the page's URL, title and referrer (the conversation's
 * context), and again after each navigation of a single-page app (History API, hash).
 *
 * SDK (parley.d.ts): `Parley(method, ...args)` or `Parley.method(...args)`; calls made before
 * the loader ran (the snippet's queue `Parley.q`) run first, in order. The loader is a thin
 * proxy: `on`/`off` (listeners stay here, called with what the frame's `event` carries) and
 * `reset` (this page's storage for the inbox, then a fresh frame) are its own; every other call
 * goes to the frame as plain data once it is ready (`open`/`toggle` load it at once), and the
 * frame checks and applies it, warning on bad input. The frame sizes and places the iframe
 * (`layout`: open, left or right, the launcher's width, the height a proactive message above it
 * needs, hidden by `hide`).
 *
 * Isolation: the widget runs in an iframe served by the Parley server, not in a shadow root.
 * Host CSS cannot reach into another document at all (a shadow root still inherits fonts,
 * colors and `all`-style resets through the host element), and host scripts cannot patch the
 * widget's globals (fetch, WebSocket, JSON, prototypes). The frame is served sandboxed, in an
 * opaque origin, so nothing running in it can read the operator panel's storage on the Parley
 * origin; its API calls are CORS requests the server allows for visitor routes only. Having no
 * storage there, it keeps its visitor session and outbox here, in the host page's storage
 * (namespaced per inbox; memory where that is blocked), exchanged by postMessage (bridge.ts).
 * The loader pins the iframe's own box with inline !important styles, which outrank any host
 * stylesheet rule.
 */
import type { FrameMessage, HostMessage, StorageArea, StoredValues } from './bridge.ts'

const SANDBOX = 'allow-scripts allow-popups allow-popups-to-escape-sandbox allow-forms'
/** The SDK's methods (parley.d.ts); an unknown one still goes to the frame, which says so. */
const METHODS = 'setUser setAttributes open close toggle show hide on off setLocale reset'
/**
 * The iframe's own box, outranking any host stylesheet rule (inline !important): everything
 * the host might set back to its initial value, then what the widget needs.
 */
const PINNED =
  'all:initial;position:fixed;max-width:100%;max-height:100%;color-scheme:light;z-index:2147483000;'

type Listener = (data: unknown) => void
type Api = ((method: unknown, ...args: unknown[]) => void) & Record<string, unknown>
;(() => {
  // Its own view of window: parley.d.ts types what integrators see.
  const w = window as unknown as {
    parleyLoader?: boolean
    ParleyIdentity?: { userId: string; userHash: string }
    Parley?: Api & { q?: Iterable<unknown>[] }
  }
  const script = (document.currentScript ??
    document.querySelector('script[data-inbox]')) as HTMLScriptElement | null
  const inbox = script?.dataset.inbox
  if (!script || !inbox || w.parleyLoader) return
  w.parleyLoader = true

  const data = script.dataset
  const src = new URL(script.src, location.href)
  const prefersDark = matchMedia('(prefers-color-scheme: dark)')
  const theme = data.theme
  const dark = () => theme === 'dark' || (theme !== 'light' && prefersDark.matches)
  // The page's language names the iframe; the widget's own may follow the inbox's default.
  const pageLang = document.documentElement.lang || navigator.language
  const lang = (data.lang || pageLang).toLowerCase().startsWith('ru') ? 'ru' : 'en'
  let frame: HTMLIFrameElement | null = null
  /** As the frame last told: open, the launcher's side and width, hidden by the page. */
  let shape: Partial<Extract<FrameMessage, { parley: 'layout' }>> = {}
  /** SDK calls for the frame, kept until it is ready (then null: they go at once). */
  let calls: HostMessage[] | null = []
  let listeners: Array<[unknown, Listener]> = []
  const warn = (text: string) => console.warn(`Parley: ${text}`)

  // The frame's origin is opaque, so '*' is the only target that reaches it; the recipient is
  // our own iframe, which only this page (already holding these values) could navigate away.
  const post = (message: HostMessage) => frame?.contentWindow?.postMessage(message, '*')

  const prefix = `parley:${inbox}:`
  // What this page wrote, also kept in memory: the whole story where storage is blocked.
  const areas: Record<StorageArea, [() => Storage, StoredValues]> = {
    local: [() => localStorage, {}],
    tab: [() => sessionStorage, {}],
  }
  const snapshot = (area: StorageArea): StoredValues => {
    const [storage, memory] = areas[area]
    const values: StoredValues = {}
    try {
      const s = storage()
      for (let i = 0; i < s.length; i++) {
        const key = s.key(i) ?? ''
        if (key.startsWith(prefix)) values[key.slice(prefix.length)] = s.getItem(key) ?? ''
      }
    } catch {
      // blocked: memory only
    }
    return { ...values, ...memory }
  }
  const store = (area: StorageArea, key: string, value: string | null) => {
    const [storage, memory] = areas[area]
    if (value === null) delete memory[key]
    else memory[key] = value
    try {
      if (value === null) storage().removeItem(prefix + key)
      else storage().setItem(prefix + key, value)
    } catch {
      // blocked: memory only
    }
  }

  // The user signed in when the frame starts (it travels in the fragment); later ones: setUser.
  let identity = { userId: data.userId ?? '', userHash: data.userHash ?? '', ...w.ParleyIdentity }

  const pin = (styles: Record<string, string>) => {
    for (const key in styles) frame?.style.setProperty(key, styles[key] ?? '', 'important')
  }

  // Closed: just the launcher's corner (wider with a label, taller with a proactive message above
  // it; never past the page's size: PINNED's max-*). Open: a panel, or the whole screen on a phone.
  const layout = () => {
    const { open, left, width, height, hidden } = shape
    const full = open && innerWidth < 480
    pin({
      display: hidden && !open ? 'none' : 'block',
      // Unseen until the frame says it runs: a site the inbox does not allow gets the browser's
      // refusal page in there instead (frame-ancestors), which nobody should see.
      visibility: calls ? 'hidden' : '',
      inset: left ? 'auto auto 0 0' : 'auto 0 0 auto',
      // Room for the launcher and its label, within reason (Math.min reads the width as a
      // number: anything else is NaN, then the launcher's 88).
      width: open ? (full ? '100%' : '420px') : `${Math.min(width as number, 360) || 88}px`,
      height: open ? (full ? '100%' : 'min(720px, 100%)') : `${height || 88}px`,
    })
    post({ parley: 'host', dark: dark(), compact: !!full })
  }

  const load = () => {
    if (frame) return
    if (!document.body) return void addEventListener('DOMContentLoaded', load)
    frame = document.createElement('iframe')
    const query = new URLSearchParams({
      inbox,
      lang: data.lang ?? '',
      page: pageLang,
      theme: dark() ? 'dark' : 'light',
    })
    const user = new URLSearchParams({ user: identity.userId, hash: identity.userHash })
    frame.src = new URL(`frame.html?${query}#${user}`, src).href
    frame.title = lang === 'ru' ? 'Чат поддержки' : 'Support chat'
    frame.allow = 'autoplay'
    // The server sends the same sandbox as a CSP header; this keeps it if a proxy drops that.
    frame.setAttribute('sandbox', SANDBOX)
    frame.style.cssText = PINNED.replace(/;/g, '!important;')
    layout()
    document.body.appendChild(frame)
  }

  /** Logout on the site: this inbox's stored visitor, outbox and drafts go, and a fresh frame. */
  const reset = () => {
    for (const area in areas) {
      for (const key in snapshot(area as StorageArea)) store(area as StorageArea, key, null)
    }
    identity = { userId: '', userHash: '' }
    // Calls not yet applied were made for the user who just left.
    calls = []
    if (!frame) return
    frame.remove()
    frame = null
    shape = {}
    load()
  }

  const call = ((method: unknown, ...args: unknown[]) => {
    if (method === 'on' || method === 'off') {
      const [name, fn] = args as [string, Listener]
      if (!/^(message|open|close|unread)$/.test(name) || typeof fn !== 'function') {
        return warn(`${method}: no such event or no listener`)
      }
      listeners = listeners.filter((l) => l[0] !== name || l[1] !== fn)
      if (method === 'on') listeners.push([name, fn])
    } else if (method === 'reset') {
      reset()
    } else {
      let message: HostMessage
      try {
        // Plain data only: postMessage would throw later on a function deep inside.
        message = { parley: 'call', method: method as string, args: structuredClone(args) }
      } catch {
        return warn(`${method}: not plain data`)
      }
      if (calls) calls.push(message)
      else post(message)
      if (method === 'open' || method === 'toggle') load()
    }
  }) as Api
  const queue = w.Parley?.q ?? []
  for (const name of METHODS.split(' ')) call[name] = (...args: unknown[]) => call(name, ...args)
  w.Parley = call
  for (const args of queue) call(...(args as [string]))

  // Where the visitor is: told at start, and once a single-page app's navigation settles (its
  // title set), about a second after the last pushState, replaceState, popstate or hashchange.
  const page = () =>
    post({ parley: 'page', url: location.href, title: document.title, referrer: document.referrer })
  let moved: ReturnType<typeof setTimeout> | undefined
  const navigated = () => {
    clearTimeout(moved)
    moved = setTimeout(page, 1000)
  }
  for (const name of ['pushState', 'replaceState'] as const) {
    const original = history[name]
    history[name] = function (this: History, ...args: Parameters<History['pushState']>) {
      original.apply(this, args)
      navigated()
    }
  }
  addEventListener('popstate', navigated)
  addEventListener('hashchange', navigated)

  addEventListener('message', (e: MessageEvent) => {
    // Our frame only, and only while it shows a sandboxed (opaque-origin) document.
    if (!frame || e.source !== frame.contentWindow || e.origin !== 'null') return
    const message = e.data as FrameMessage | null
    switch (message?.parley) {
      case 'ready':
        // The calls first: the frame holds them and applies them as it starts (a user named
        // with setUser before any session is asked for).
        for (const message of calls ?? []) post(message)
        calls = null
        post({ parley: 'init', local: snapshot('local'), tab: snapshot('tab') })
        page()
        return layout()
      case 'layout':
        shape = message
        return layout()
      case 'store': {
        const { area, key, value } = message
        const known = area === 'local' || area === 'tab'
        if (known && /^\w{1,32}$/.test(key) && (value === null || typeof value === 'string'))
          store(area, key, value)
        return
      }
      case 'event':
        // Each listener on its own: one that throws neither stops the rest nor reaches us.
        for (const [name, fn] of listeners) name === message.name && setTimeout(fn, 0, message.data)
        return
      case 'identity-required':
        dispatchEvent(new CustomEvent('parley:identity-required', { detail: { inboxId: inbox } }))
    }
  })
  prefersDark.addEventListener('change', layout)
  addEventListener('resize', layout)

  const delay = Number(data.delay)
  const onScroll = data.onScroll !== undefined
  if (delay > 0) setTimeout(load, delay * 1000)
  if (onScroll) addEventListener('scroll', load, { once: true, passive: true })
  if (!(delay > 0) && !onScroll) load()
})()
