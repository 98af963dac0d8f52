/**
 * The emoji data the picker and `:shortcode:` completion load on demand, generated at build
 * time from emojibase-data (client/emoji-data.ts) with only the fields they use.
 */

/** Skin tones: none, the usual form (modifier after the first code point), or all five spelled out. */
export type EmojiSkins = 0 | 1 | string[]

/** One emoji: [emoji, group, English name, English tags, shortcodes, skins]; tags and shortcodes space-separated. */
export type EmojiRow = [string, number, string, string, string, EmojiSkins]

/** Names in another language, by the same index as the rows: [name, tags]. */
export type EmojiNames = Array<[string, string]>

/** The group order of emojibase (2, "component", is left out). */
export const EMOJI_GROUPS = [0, 1, 3, 4, 5, 6, 7, 8, 9] as const
