/**
 * Web Push opt-in (issue 20): an operator's browsers subscribe with the installation's VAPID
 * public key and register the subscription here; pushes then reach them with the panel closed
 * (server/push). Each operator manages only their own; signed-in sessions only (an API token
 * has no browser).
 */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import { newId } from '../../actors/index.ts'
import { ParleyError, wireString } from '../../protocol/index.ts'
import { validKeys } from '../push/crypto.ts'
import { QuietHoursInput } from '../push/quiet.ts'
import type { PushService } from '../push/service.ts'
import type { TargetPolicy } from '../webhooks/target.ts'
import { bearer, principalOf, refuseApiToken, type HttpContext } from './context.ts'
import { sha256 } from '../auth/service.ts'
import { Id } from './schemas.ts'
import { doc } from './responses.ts'

/** Browsers one operator may register. */
export const MAX_PUSH_SUBSCRIPTIONS = 10

const Key = v.pipe(
  wireString('key'),
  v.maxLength(200),
  v.regex(/^[A-Za-z0-9_-]+=*$/, 'must be base64url'),
)
const SubscriptionView = v.object({ id: v.string(), origin: v.string(), createdAt: v.number() })
const QuietShape = v.nullable(v.object({ from: v.string(), to: v.string(), timeZone: v.string() }))
const StateShape = v.object({
  publicKey: v.string(),
  subscriptions: v.array(SubscriptionView),
  quietHours: QuietShape,
})

const view = (s: { id: string; endpoint: string; createdAt: number }) => ({
  id: s.id,
  origin: new URL(s.endpoint).origin,
  createdAt: s.createdAt,
})

export function pushRoutes(ctx: HttpContext, push: PushService, policy: TargetPolicy) {
  async function session(headers: Record<string, string | undefined>) {
    const principal = await principalOf(ctx, headers)
    if (principal.kind !== 'operator') throw new ParleyError('forbidden', 'operators only')
    refuseApiToken(principal, 'Web Push')
    return principal
  }

  return new Elysia({ prefix: '/api/me/push' })
    .get(
      '',
      async ({ headers }) => {
        const op = await session(headers)
        const [keys, subs, prefs] = await Promise.all([
          push.keys(),
          ctx.store.push.list(op.id),
          ctx.store.notificationPrefs.get(op.id),
        ])
        return {
          publicKey: keys.publicKey,
          subscriptions: subs.map(view),
          quietHours: prefs?.quietHours ?? null,
        }
      },
      {
        detail: doc({
          summary: 'My Web Push state',
          tag: 'me',
          description:
            "The installation's VAPID public key (the `applicationServerKey` to subscribe " +
            'with), the browsers the caller registered (by their push service) and their ' +
            'quiet hours.',
          access: 'session',
          ok: StateShape,
        }),
      },
    )
    .put(
      '/quiet-hours',
      async ({ headers, body }) => {
        const op = await session(headers)
        const prefs = await ctx.store.notificationPrefs.setQuietHours(
          op.id,
          body.quietHours,
          ctx.clock.now(),
        )
        return { quietHours: prefs.quietHours }
      },
      {
        body: v.strictObject({ quietHours: v.nullable(QuietHoursInput) }),
        detail: doc({
          summary: 'My quiet hours',
          tag: 'me',
          description:
            'A daily span of local time (`{from: "22:00", to: "08:00", timeZone}`, crossing ' +
            'midnight when `to` is earlier; from and to differ) in which no push goes to the ' +
            "caller's browsers but a test; null: pushes at any hour. The panel's own alerts " +
            'are not affected.',
          access: 'session',
          ok: v.object({ quietHours: QuietShape }),
        }),
      },
    )
    .post(
      '/subscriptions',
      async ({ headers, body, set }) => {
        const op = await session(headers)
        if (!validKeys(body.keys)) {
          throw new ParleyError('validation_failed', 'keys: not a P-256 key and a 16-byte secret')
        }
        // Where the server will post: checked like a webhook target (no private network).
        await policy.resolve(policy.parse(body.endpoint))
        const mine = await ctx.store.push.list(op.id)
        const known = mine.some((s) => s.endpoint === body.endpoint)
        if (!known && mine.length >= MAX_PUSH_SUBSCRIPTIONS) {
          throw new ParleyError(
            'validation_failed',
            `at most ${MAX_PUSH_SUBSCRIPTIONS} browsers; remove one first`,
          )
        }
        const stored = await ctx.store.push.subscribe({
          id: newId(),
          operatorId: op.id,
          endpoint: body.endpoint,
          p256dh: body.keys.p256dh,
          auth: body.keys.auth,
          // The session it belongs to: signing out there ends its pushes (server/push).
          sessionHash: sha256(bearer(headers) ?? ''),
          createdAt: ctx.clock.now(),
        })
        push.forget(op.id)
        set.status = 201
        return { subscription: view(stored) }
      },
      {
        body: v.strictObject({
          endpoint: v.pipe(wireString('endpoint'), v.maxLength(2000)),
          keys: v.object({ p256dh: Key, auth: Key }),
          // What PushSubscription.toJSON() adds; not used.
          expirationTime: v.optional(v.nullable(v.number())),
        }),
        detail: doc({
          summary: 'Register a browser for Web Push',
          tag: 'me',
          description:
            'The `PushSubscription` of the browser (its `toJSON()`): the endpoint, checked ' +
            'like a webhook target, and its keys; it lasts as long as the caller’s session ' +
            '(signed out there: no more pushes). An endpoint registered by someone else moves ' +
            `to the caller (one browser, whoever signed in last). At most ${MAX_PUSH_SUBSCRIPTIONS}.`,
          access: 'session',
          ok: v.object({ subscription: SubscriptionView }),
          status: 201,
          okDescription: 'Registered.',
        }),
      },
    )
    .delete(
      '/subscriptions/:id',
      async ({ headers, params }) => {
        const op = await session(headers)
        if (!(await ctx.store.push.unsubscribe(op.id, params.id))) {
          throw new ParleyError('not_found', 'subscription not found')
        }
        push.forget(op.id)
        return { ok: true as const }
      },
      {
        params: v.object({ id: Id }),
        detail: doc({
          summary: 'Unregister a browser',
          tag: 'me',
          description: 'Its pending pushes go with it.',
          access: 'session',
          ok: v.object({ ok: v.literal(true) }),
        }),
      },
    )
    .post(
      '/test',
      async ({ headers }) => {
        const op = await session(headers)
        const subs = await ctx.store.push.list(op.id)
        if (subs.length === 0) throw new ParleyError('conflict', 'no browser is registered')
        await push.notify([op.id], (locale) => ({
          kind: 'test',
          conversationId: null,
          title: 'Parley',
          body: locale === 'ru' ? 'Уведомления работают.' : 'Notifications work.',
          url: '',
          tag: 'test',
        }))
        return { ok: true as const }
      },
      {
        detail: doc({
          summary: 'Send me a test push',
          tag: 'me',
          description: 'To every browser the caller registered (none when their status is busy).',
          access: 'session',
          ok: v.object({ ok: v.literal(true) }),
          errors: [409],
        }),
      },
    )
}
