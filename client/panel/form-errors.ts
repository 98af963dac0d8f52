/**
 * The admin API names the field it refuses at the start of its message
 * ("schedule.week.mon[1]: 18:00-09:00 ends before it starts"); the forms mark that field.
 */

/**
 * The field a refusal names, or null when it names none. The refusal may come framed in the
 * UI's language ("Ошибка: settings.escalationMinutes: ...", chat.ts describe()).
 */
export function fieldOf(message: string | null): string | null {
  return /(?:^|: )([\w.[\]]+): /.exec(message ?? '')?.[1] ?? null
}

/** Whether the input at `path` ("schedule.week.mon[1].from") is, or is inside, `field`. */
export function isNamed(field: string | null, path: string): boolean {
  if (field === null || !path.startsWith(field)) return false
  // "exceptions[1]" names "exceptions[1].date", not "exceptions[10].date".
  return path.length === field.length || '.['.includes(path.charAt(field.length))
}

/** Whether `error` (a refusal's text, or null) names the input at `path`. */
export function names(error: string | null, path: string): boolean {
  return isNamed(fieldOf(error), path)
}
