/**
 * Canned replies in the composer, the pure part: finding the `/shortcut` being typed, choosing
 * the replies it matches, and filling in `{visitor.name}` and `{operator.name}`.
 */

/** The fields of a reply this module reads. */
export interface CannedEntry {
  shortcut: string
  title: string
  text: string
}

/** At most this many suggestions at once; typing more narrows them. */
export const MAX_SUGGESTIONS = 8

/** `/` and what follows it right before the caret, the `/` at the start or after a space. */
const TOKEN = /(^|\s)\/([\w-]*)$/

/** The `/word` right before the caret: where its `/` is and the word (lower-cased), or null. */
export function slashToken(value: string, caret: number): { from: number; query: string } | null {
  const before = value.slice(0, caret)
  const match = TOKEN.exec(before)
  if (!match) return null
  const word = match[2] ?? ''
  return { from: caret - word.length - 1, query: word.toLowerCase() }
}

/**
 * Replies whose shortcut starts with the query, then those whose title contains it (either
 * ignoring case), each group in the given order; at most MAX_SUGGESTIONS.
 */
export function matchReplies<T extends CannedEntry>(replies: readonly T[], query: string): T[] {
  const q = query.toLowerCase()
  const byShortcut = replies.filter((r) => r.shortcut.startsWith(q))
  const byTitle = replies.filter(
    (r) => !r.shortcut.startsWith(q) && r.title.toLowerCase().includes(q),
  )
  return [...byShortcut, ...byTitle].slice(0, MAX_SUGGESTIONS)
}

const VARIABLE = /([ \t]*)\{(visitor|operator)\.name\}([,.!?;:]?)([ \t]*)/g

/**
 * The reply's text with its variables filled. A variable without a value goes with the space
 * before it ("Hello {visitor.name}!" -> "Hello!"); at the start of a line it takes the
 * punctuation and space after it too ("{visitor.name}, thanks" -> "thanks").
 */
export function fillReply(text: string, names: { visitor: string; operator: string }): string {
  return text.replace(
    VARIABLE,
    (_all, before: string, who: string, mark: string, after: string, at: number) => {
      const value = (who === 'visitor' ? names.visitor : names.operator).trim()
      if (value) return before + value + mark + after
      const lineStart = at === 0 || text[at - 1] === '\n'
      return lineStart ? before : mark + after
    },
  )
}
