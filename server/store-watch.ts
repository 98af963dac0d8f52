/**
 * Keeps an eye on the store between requests: a ping now and then while it is healthy (so a
 * database that dies while the node is idle is noticed), a probe write while it is not (so the
 * node notices when it is back, even with no traffic), and one callback per change, which
 * readiness logging and the cluster's leases act on.
 */
import type { Logger, Store, StoreHealth } from '../actors/index.ts'

export interface StoreWatch {
  /** The last status seen (refreshed every interval). */
  readonly current: StoreHealth
  stop(): void
}

export function watchStore(
  store: Store,
  opts: {
    log: Logger
    /** Called when `failing` changes: true once writes fail, false once one succeeds again. */
    onFailingChange?: (failing: boolean, health: StoreHealth) => void
    intervalMs?: number
  },
): StoreWatch {
  let current = store.health()
  let checking = false
  const check = async () => {
    if (checking) return
    checking = true
    try {
      // Failures are recorded by the store itself; only the outcome matters here.
      if (store.health().ready) await store.ping().catch(() => {})
      else await store.probe().catch(() => {})
    } finally {
      checking = false
    }
  }
  const tick = () => {
    const next = store.health()
    if (next.ready !== current.ready) {
      if (next.ready) opts.log.info('store ready again')
      else opts.log.warn('store not ready', { reason: next.reason })
    }
    const failingChanged = next.failing !== current.failing
    if (failingChanged && next.failing) opts.log.warn('store failing', { reason: next.reason })
    current = next
    if (failingChanged) opts.onFailingChange?.(next.failing, next)
    void check()
  }
  const timer = setInterval(tick, opts.intervalMs ?? 1000)
  return {
    get current() {
      return current
    },
    stop: () => clearInterval(timer),
  }
}
