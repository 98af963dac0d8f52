/**
 * SSE and long-poll sessions: create with a token, then stream or poll, and POST frames; every
 * call after the first bears the same token.
 */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import { ClientFrame, ParleyError } from '../../protocol/index.ts'
import { userAgentOf } from '../visitor-context.ts'
import { bearer, type HttpContext } from './context.ts'
import { requestOrigin } from './cors.ts'
import { Id } from './schemas.ts'
import { doc } from './responses.ts'
import { FramesAcceptedShape, PolledFramesShape, RealtimeSessionShape } from './shapes-chat.ts'
import { OkShape } from './shapes-common.ts'

/** Client frames one POST may carry. */
const MAX_FRAMES_PER_POST = 32

export function realtimeRoutes(ctx: HttpContext) {
  const params = v.object({ id: Id })
  return new Elysia()
    .post(
      '/rt/sessions',
      async ({ headers, body, set, request }) => {
        const token = bearer(headers)
        if (!token) throw new ParleyError('unauthenticated', 'missing token')
        const session = await ctx.streams.create(
          body.transport,
          token,
          ctx.clientKey(request),
          userAgentOf(request),
          requestOrigin(request.headers),
        )
        set.status = 201
        return { sessionId: session.id, transport: session.transport }
      },
      {
        body: v.strictObject({ transport: v.picklist(['sse', 'poll']) }),
        detail: doc({
          summary: 'Open an SSE or long-poll session',
          tag: 'realtime',
          description:
            "The WebSocket's fallbacks (docs/protocol.md): a session for a visitor or operator " +
            'token; then read its frames (`events` or `poll`) and send yours (`frames`), every ' +
            'call with the same token.',
          access: 'any',
          ok: RealtimeSessionShape,
          status: 201,
          okDescription: 'Opened.',
          errors: [429],
        }),
      },
    )
    .get(
      '/rt/sessions/:id/events',
      ({ params, headers }) => ctx.streams.get(params.id, bearer(headers)).attachSse(),
      {
        params,
        detail: doc({
          summary: 'Stream the session (SSE)',
          tag: 'realtime',
          description: 'Server frames as server-sent events, one JSON frame per event.',
          access: 'any',
          raw: { type: 'text/event-stream', description: 'The event stream.' },
        }),
      },
    )
    .get(
      '/rt/sessions/:id/poll',
      async ({ params, headers, request, set }) => {
        const frames = await ctx.streams.forPoll(params.id, bearer(headers)).poll(request.signal)
        set.headers['content-type'] = 'application/json'
        set.headers['cache-control'] = 'no-store'
        return `[${frames.join(',')}]`
      },
      {
        params,
        detail: doc({
          summary: 'Poll the session',
          tag: 'realtime',
          description:
            'Frames queued since the last poll at once, else waits up to 25 s for some (an ' +
            'empty list when nothing happened).',
          access: 'any',
          ok: PolledFramesShape,
        }),
      },
    )
    .post(
      '/rt/sessions/:id/frames',
      async ({ params, headers, body, set }) => {
        const session = ctx.streams.get(params.id, bearer(headers))
        const frames = Array.isArray(body) ? body : [body]
        if (frames.length > MAX_FRAMES_PER_POST) {
          throw new ParleyError(
            'validation_failed',
            `at most ${MAX_FRAMES_PER_POST} frames per request`,
          )
        }
        // Each frame goes through the same gateway path as a WebSocket frame; replies arrive
        // on the session's stream or poll, each matched by its req (not necessarily in order).
        for (const frame of frames) ctx.gateway.receive(session, JSON.stringify(frame))
        set.status = 202
        return { accepted: frames.length }
      },
      {
        params,
        detail: doc({
          summary: 'Send frames',
          tag: 'realtime',
          description:
            'One client frame or up to 32; each is handled as on the WebSocket and its reply ' +
            "arrives on the session's stream or poll, matched by `req`.",
          access: 'any',
          ok: FramesAcceptedShape,
          status: 202,
          okDescription: 'Accepted.',
          body: {
            schema: v.union([ClientFrame, v.array(ClientFrame)]),
            description: 'A client frame or an array of them (docs/protocol.md).',
          },
        }),
      },
    )
    .delete(
      '/rt/sessions/:id',
      ({ params, headers }) => {
        ctx.streams.get(params.id, bearer(headers)).close(null)
        return { ok: true }
      },
      {
        params,
        detail: doc({
          summary: 'Close the session',
          tag: 'realtime',
          access: 'any',
          ok: OkShape,
        }),
      },
    )
}
