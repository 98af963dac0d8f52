/**
 * The embed loader (W1), the only Parley code that runs in the host page:
 *
 *   <script src="https://chat.example.com/widget/loader.js" data-inbox="<inbox id>" async></script>
 *
 * Optional: data-delay="N" (seconds) and/or data-on-scroll (load at the first scroll; with
 * both, whichever comes first), data-theme="light|dark|auto", data-lang="ru|en" (default: the
 * page's <html lang>), data-user-id + data-user-hash (a signed-in user the site vouches for:
 * hex HMAC-SHA256 of the id with the inbox's identity secret, computed by the site's backend).
 *
 * Isolation: the widget runs in an iframe served by the Parley server, not in a shadow root.
 * Host CSS cannot reach into another document at all (a shadow root still inherits fonts,
 * colors and `all`-style resets through the host element), host scripts cannot patch the
 * widget's globals (fetch, WebSocket, JSON, prototypes), and the widget's API calls are
 * same-origin with the server, so no CORS is needed on any site. The cost, a second document,
 * is paid only when the widget loads. The loader pins the iframe's own box with inline
 * !important styles, which outrank any host stylesheet rule.
 */
;(() => {
  const w = window as Window & { parleyLoader?: boolean }
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
    frame?.contentWindow?.postMessage({ parley: 'host', dark: dark(), compact: full }, src.origin)
  }

  const load = () => {
    if (frame) return
    if (!document.body) return void addEventListener('DOMContentLoaded', load)
    frame = document.createElement('iframe')
    const query = new URLSearchParams({ inbox, lang, theme: dark() ? 'dark' : 'light' })
    const identity = new URLSearchParams({ user: data.userId ?? '', hash: data.userHash ?? '' })
    frame.src = new URL(`frame.html?${query}#${identity}`, src).href
    frame.title = lang === 'ru' ? 'Чат поддержки' : 'Support chat'
    frame.setAttribute('allow', 'autoplay')
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

  addEventListener('message', (e: MessageEvent) => {
    if (!frame || e.source !== frame.contentWindow || e.origin !== src.origin) return
    const message = e.data as { parley?: string; open?: boolean } | null
    if (message?.parley === 'layout') open = message.open === true
    if (message?.parley === 'layout' || message?.parley === 'ready') layout()
  })
  prefersDark.addEventListener('change', layout)
  addEventListener('resize', layout)

  const delay = Number(data.delay)
  const onScroll = data.onScroll !== undefined
  if (delay > 0) setTimeout(load, delay * 1000)
  if (onScroll) addEventListener('scroll', load, { once: true, passive: true })
  if (!(delay > 0) && !onScroll) load()
})()
