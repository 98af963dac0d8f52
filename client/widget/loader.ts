/**
 * The embed loader (W1), the only Parley code that runs in the host page:
 *
 *   <script src="https://chat.example.com/widget/loader.js" data-inbox="<inbox id>" async></script>
 *
 * Optional: data-delay="N" (seconds) and/or data-on-scroll (load at the first scroll; with
 * both, whichever comes first), data-theme="light|dark|auto", data-lang="ru|en" (default: the
 * page's <html lang>), data-user-id + data-user-hash (a signed-in user the site vouches for:
 * hex HMAC-SHA256 of the id with the inbox's identity secret, computed by the site's backend).
 * The page may also set `window.ParleyIdentity = { userId, userHash }`, or change the data-user
 * attributes later; when the server wants the user proved again, the loader dispatches a
 * `parley:identity-required` event on window and passes on whichever the page sets next.
 * The loader also tells the frame the page's URL, title and referrer (the conversation's
 * context), and again after each navigation of a single-page app (History API, hash).
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

;(() => {
  const w = window as Window & { parleyLoader?: boolean; ParleyIdentity?: unknown }
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
  const lang = (data.lang || document.documentElement.lang || navigator.language || 'en')
    .toLowerCase()
    .startsWith('ru')
    ? 'ru'
    : 'en'
  let frame: HTMLIFrameElement | null = null
  let open = false

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

  let identity = { userId: data.userId ?? '', userHash: data.userHash ?? '' }
  const setIdentity = (value: unknown) => {
    const v = value as { userId?: unknown; userHash?: unknown } | null
    if (typeof v?.userId !== 'string' || typeof v.userHash !== 'string') return
    identity = { userId: v.userId, userHash: v.userHash }
    post({ parley: 'identity', ...identity })
  }
  setIdentity(w.ParleyIdentity)
  try {
    Object.defineProperty(w, 'ParleyIdentity', {
      configurable: true,
      get: () => ({ ...identity }),
      set: setIdentity,
    })
  } catch {
    // declared by the page with `var`: read once above, data-user attributes still work
  }
  new MutationObserver(() =>
    setIdentity({ userId: data.userId ?? '', userHash: data.userHash ?? '' }),
  ).observe(script, { attributeFilter: ['data-user-id', 'data-user-hash'] })

  const pin = (styles: Record<string, string>) => {
    for (const key in styles) frame?.style.setProperty(key, styles[key] ?? '', 'important')
  }

  // Closed: just the launcher's corner. Open: a panel, or the whole screen on a phone.
  const layout = () => {
    const full = open && innerWidth < 480
    pin({
      width: open ? (full ? '100%' : '420px') : '88px',
      height: open ? (full ? '100%' : 'min(720px, 100%)') : '88px',
    })
    post({ parley: 'host', dark: dark(), compact: full })
  }

  const load = () => {
    if (frame) return
    if (!document.body) return void addEventListener('DOMContentLoaded', load)
    frame = document.createElement('iframe')
    const query = new URLSearchParams({ inbox, lang, theme: dark() ? 'dark' : 'light' })
    const user = new URLSearchParams({ user: identity.userId, hash: identity.userHash })
    frame.src = new URL(`frame.html?${query}#${user}`, src).href
    frame.title = lang === 'ru' ? 'Чат поддержки' : 'Support chat'
    frame.setAttribute('allow', 'autoplay')
    // The server sends the same sandbox as a CSP header; this keeps it if a proxy drops that.
    frame.setAttribute('sandbox', SANDBOX)
    pin({
      position: 'fixed',
      inset: 'auto 0 0 auto',
      display: 'block',
      visibility: 'visible',
      opacity: '1',
      border: '0',
      margin: '0',
      padding: '0',
      'max-width': '100%',
      'max-height': '100%',
      'min-width': '0',
      'min-height': '0',
      transform: 'none',
      filter: 'none',
      'clip-path': 'none',
      'pointer-events': 'auto',
      background: 'transparent',
      'color-scheme': 'light',
      'z-index': '2147483000',
    })
    layout()
    document.body.appendChild(frame)
  }

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
        post({ parley: 'init', local: snapshot('local'), tab: snapshot('tab') })
        page()
        return layout()
      case 'layout':
        open = message.open === true
        return layout()
      case 'store': {
        const { area, key, value } = message
        const known = area === 'local' || area === 'tab'
        if (known && /^\w{1,32}$/.test(key) && (value === null || typeof value === 'string'))
          store(area, key, value)
        return
      }
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
