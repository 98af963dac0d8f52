/**
 * The protocol's plain values and arithmetic: limits every side checks and the contrast rule
 * of the widget's accent. No schema library here: the clients import this module directly, so
 * what they ship does not carry valibot and the schemas of model.ts (`export *` from model.ts
 * for everything else).
 */

/** Longest message text, in characters (C7). */
export const MAX_TEXT_LENGTH = 4000

/** Most files on one message (F1). */
export const MAX_ATTACHMENTS_PER_MESSAGE = 10

/** The longest comment a rating carries. */
export const MAX_RATING_COMMENT = 1000
/** A rating can be changed this long after its resolution was first rated (7 days). */
export const RATING_CHANGE_MS = 7 * 24 * 3600_000

/** WCAG 2 relative luminance of an #rrggbb color. */
export function relativeLuminance(hex: string): number {
  const channel = (i: number) => {
    const c = Number.parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2)
}

/** The WCAG contrast ratio of white text on an #rrggbb background. */
export function contrastWithWhite(hex: string): number {
  return 1.05 / (relativeLuminance(hex) + 0.05)
}

/** The contrast WCAG AA asks of small text (and of white text on the widget's accent). */
export const AA_CONTRAST = 4.5

/** The most operators one private note may mention. */
export const MAX_NOTE_MENTIONS = 10

/** The most labels one conversation carries (issue 20). */
export const MAX_CONVERSATION_LABELS = 20
/** The most labels one inbox defines. */
export const MAX_INBOX_LABELS = 100
/** The longest label name, in characters. */
export const MAX_LABEL_NAME = 40
/** The furthest a snooze may reach, from now (issue 20): a year. */
export const MAX_SNOOZE_MS = 366 * 24 * 3600_000
/** A `viewing` mark lasts this long unless the panel sends it again (issue 20). */
export const VIEWING_TTL_MS = 60_000
