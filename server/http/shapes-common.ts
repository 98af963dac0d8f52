/**
 * Building blocks of the documented answer shapes (shapes-chat.ts, shapes-admin.ts): the check
 * that ties a shape to the real type, whole numbers, `{ ok: true }` and the error body.
 */
import * as v from 'valibot'
import { ERROR_CODES } from '../../protocol/index.ts'

/**
 * A compile-time check that a documented shape is the real type: every real value fits the
 * shape, and the shape names every field the type requires. A drift fails `tsc`.
 */
export const shape =
  <Real>() =>
  <S extends v.GenericSchema>(
    schema: S &
      ([Real] extends [v.InferOutput<S>]
        ? [v.InferOutput<S>] extends [Real]
          ? unknown
          : { __shapeMissesFieldsOf: Real }
        : { __shapeDoesNotFit: Real }),
  ): S =>
    schema

/** Whole numbers: seqs, counts, epoch milliseconds. */
export const Int = v.pipe(v.number(), v.integer())
/** Epoch milliseconds. */
export const Millis = Int

/** `{ ok: true }`, the answer of actions with nothing else to say. */
export const OkShape = v.object({ ok: v.literal(true) })

/** The error body of every non-2xx answer (protocol/errors.ts, server/http/errors.ts). */
export const ErrorShape = v.object({
  error: v.object({
    code: v.picklist(Object.keys(ERROR_CODES) as [keyof typeof ERROR_CODES]),
    message: v.string(),
    /** Whether the same request may succeed later. */
    retryable: v.boolean(),
    /** Milliseconds after which a retry is sensible (rate limits, overload). */
    retryAfterMs: v.optional(v.number()),
  }),
})
