/**
 * The widget frame's storage. The frame runs in an opaque origin and has none of its own: the
 * loader keeps the values in the host page's storage (namespaced per inbox; memory where that
 * is blocked), hands them over once at start, and gets every change back (bridge.ts).
 */
import type { StoredValues } from './bridge.ts'

export interface KeyValue {
  get<T>(key: string): T | null
  set(key: string, value: unknown): void
  remove(key: string): void
}

/** Reads from memory, seeded with `initial` (raw JSON by key); writes go on to `persist`. */
export function hostStorage(
  initial: StoredValues,
  persist: (key: string, raw: string | null) => void,
): KeyValue {
  const values = new Map(Object.entries(initial))
  return {
    get<T>(key: string): T | null {
      const raw = values.get(key)
      if (raw === undefined) return null
      try {
        return JSON.parse(raw) as T
      } catch {
        return null
      }
    },
    set(key, value) {
      const raw = JSON.stringify(value)
      values.set(key, raw)
      persist(key, raw)
    },
    remove(key) {
      values.delete(key)
      persist(key, null)
    },
  }
}
