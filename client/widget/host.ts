/**
 * The frame's side of the bridge with the loader on the host page. The loader tells the frame
 * the page's theme and whether the screen is phone-sized; the frame tells the loader when the
 * chat opens or closes so it can resize the iframe. Nothing else crosses the boundary.
 */
export interface HostInfo {
  dark: boolean
  compact: boolean
}

export interface HostBridge {
  layout(open: boolean): void
}

export function connectHost(embedded: boolean, onInfo: (info: HostInfo) => void): HostBridge {
  const post = (message: object) => {
    // The host's origin is unknown (any site may embed the widget); the open flag is not secret.
    if (embedded) window.parent.postMessage(message, '*')
  }
  if (embedded) {
    window.addEventListener('message', (e: MessageEvent) => {
      if (e.source !== window.parent) return
      const data = e.data as { parley?: unknown; dark?: unknown; compact?: unknown } | null
      if (data?.parley !== 'host') return
      onInfo({ dark: data.dark === true, compact: data.compact === true })
    })
  }
  post({ parley: 'ready' })
  return { layout: (open) => post({ parley: 'layout', open }) }
}
