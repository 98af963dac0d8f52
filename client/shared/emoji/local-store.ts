/** Emoji preferences in this origin's localStorage (the panel); memory where that is blocked. */
import type { EmojiStore } from './catalog.ts'

export function localEmojiStore(prefix: string): EmojiStore {
  const memory = new Map<string, string>()
  return {
    get<T>(key: string): T | null {
      let raw: string | null | undefined
      try {
        raw = localStorage.getItem(prefix + key)
      } catch {
        raw = memory.get(key)
      }
      try {
        return raw == null ? null : (JSON.parse(raw) as T)
      } catch {
        return null
      }
    },
    set(key, value) {
      const raw = JSON.stringify(value)
      memory.set(key, raw)
      try {
        localStorage.setItem(prefix + key, raw)
      } catch {
        // blocked: memory only
      }
    },
  }
}
