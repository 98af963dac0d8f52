/**
 * The one rule for every string a client sends, in a frame field or an HTTP body, query or path
 * parameter: well-formed Unicode and no NUL. Such a string is refused (validation_failed), never
 * repaired, so nothing a client sent is ever silently changed:
 * - a lone UTF-16 surrogate (JSON can carry one as `"\uD800"`) has no UTF-8 form, so once stored
 *   it came back three ways: raw in live JSON events, U+FFFD from the database, and invalid UTF-8
 *   in MessagePack frames. Two ids differing only in it would also hash alike (U+FFFD);
 * - U+0000 cannot be stored in a Postgres text column; refused on every dialect alike.
 */
import * as v from 'valibot'

/**
 * A string schema for the field named `field` (used in the issue messages). Pipe lengths and
 * formats onto it: `v.pipe(wireString('text'), v.maxLength(4000))`.
 */
export function wireString(field: string) {
  return v.pipe(
    v.string(),
    v.check(
      (s: string) => s.isWellFormed(),
      `${field} is not well-formed Unicode (lone surrogate)`,
    ),
    v.check((s: string) => !s.includes('\u0000'), `${field} contains a NUL character`),
  )
}
