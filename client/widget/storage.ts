/**
 * JSON in localStorage, namespaced per inbox. Falls back to memory where storage is blocked
 * (some browsers refuse it to third-party frames): the widget still works for the page's life.
 */
export interface KeyValue {
  get<T>(key: string): T | null
  set(key: string, value: unknown): void
  remove(key: string): void
}

export function browserStorage(prefix: string, area: () => Storage = () => localStorage): KeyValue {
  const memory = new Map<string, string>()
  const read = (key: string): string | null => {
    try {
      return area().getItem(prefix + key)
    } catch {
      return memory.get(key) ?? null
    }
  }
  return {
    get<T>(key: string): T | null {
      const raw = read(key)
      if (raw === null) return null
      try {
        return JSON.parse(raw) as T
      } catch {
        return null
      }
    },
    set(key, value) {
      const raw = JSON.stringify(value)
      try {
        area().setItem(prefix + key, raw)
      } catch {
        memory.set(key, raw)
      }
    },
    remove(key) {
      memory.delete(key)
      try {
        area().removeItem(prefix + key)
      } catch {
        // storage blocked: memory only
      }
    },
  }
}
