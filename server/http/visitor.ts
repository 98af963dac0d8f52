/**
 * Public visitor endpoints: get a session token for an inbox, see whether anyone can answer,
 * list and start conversations, leave a request while nobody can.
 */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import {
  ClientMsgId,
  Locale,
  MessageText,
  PageContext,
  ParleyError,
  wireString,
} from '../../protocol/index.ts'
import { MAX_SOLUTION_LENGTH } from '../../protocol/captcha.ts'
import { MAX_CAMPAIGN_OFFERS } from '../../protocol/campaigns.ts'
import { userAgentOf } from '../visitor-context.ts'
import { bearer, principalOf, type HttpContext } from './context.ts'
import { requestOrigin } from './cors.ts'
import {
  AttributeKey,
  AttributeValue,
  CampaignPageUrl,
  Email,
  Id,
  Phone,
  Token,
} from './schemas.ts'
import { doc } from './responses.ts'
import {
  CampaignOffersShape,
  CaptchaPassShape,
  ChallengeShape,
  StartedShape,
  VisitorConversationsShape,
  VisitorProfileShape,
  VisitorSessionShape,
  WidgetAvailabilityShape,
} from './shapes-chat.ts'

const CaptchaSolution = v.pipe(
  wireString('solution'),
  v.minLength(1),
  v.maxLength(MAX_SOLUTION_LENGTH, `solution: at most ${MAX_SOLUTION_LENGTH} characters`),
)

const ContactName = v.pipe(
  wireString('name'),
  v.trim(),
  v.minLength(1, 'name: required'),
  v.maxLength(100, 'name: at most 100 characters'),
)

export function visitorRoutes(ctx: HttpContext) {
  const session = v.strictObject({
    inboxId: Id,
    /** A still-valid token of this inbox: renew it and keep the same visitor. */
    token: v.optional(Token),
    /** Identity verification: the site's user id and hex HMAC-SHA256(inbox secret, userId). */
    userId: v.optional(v.pipe(wireString('userId'), v.minLength(1), v.maxLength(256))),
    userHash: v.optional(
      v.pipe(wireString('userHash'), v.regex(/^[0-9a-f]{64}$/i, 'must be 64 hex digits')),
    ),
    /** The ticket of the widget frame's page (origins.ts): how the sandboxed frame is known. */
    frameTicket: v.optional(v.pipe(wireString('frameTicket'), v.maxLength(64))),
    /** A solved challenge, when the last try was refused with `captcha_required` (S4). */
    captcha: v.optional(CaptchaSolution),
  })
  return (
    new Elysia({ prefix: '/api/visitor' })
      .post(
        '/session',
        async ({ body, request }) => {
          const { frameTicket, captcha, ...input } = body
          const clientKey = ctx.clientKey(request)
          await ctx.origins.admit(body.inboxId, requestOrigin(request.headers), {
            entry: 'session',
            // Renewing a token: its holder already passed this check.
            opaqueAdmitted: body.token !== undefined,
            ticket: { value: frameTicket, clientKey },
          })
          // A new visitor (no token to renew) from an address that opens many: a challenge.
          const inbox = body.token === undefined ? await ctx.store.inboxes.get(body.inboxId) : null
          if (inbox && ctx.captcha) {
            await ctx.captcha.admit(
              'session',
              { inboxId: inbox.id, address: clientKey },
              inbox.settings.captcha,
              { solution: captcha },
            )
          }
          return ctx.auth.visitorSession(input, clientKey)
        },
        {
          body: session,
          detail: doc({
            summary: 'Get a visitor session',
            tag: 'visitor',
            description:
              'A visitor token for an inbox: a new anonymous visitor; the same visitor again ' +
              "with a still-valid `token` (renewal); or the site's own user with `userId` and " +
              '`userHash` = hex HMAC-SHA256(inbox identity secret, userId). A browser must be ' +
              'on a site the inbox allows. May ask for a challenge first (428 `captcha_required`).',
            access: 'public',
            ok: VisitorSessionShape,
            errors: [401, 403, 404, 428, 429],
          }),
        },
      )
      // A challenge to solve (S4): for the visitor of the token, or without one for a new
      // session from this address. Issuing costs a hash; limited per address all the same.
      .post(
        '/challenge',
        async ({ body, headers, request }) => {
          const address = ctx.clientKey(request)
          ctx.challengeLimiter.take(address, 'challenges')
          if (!ctx.captcha) throw new ParleyError('not_found', 'this server asks no challenges')
          const principal = headers.authorization ? await principalOf(ctx, headers) : null
          if (principal && principal.kind !== 'visitor')
            throw new ParleyError('forbidden', 'visitors only')
          const inboxId = principal?.inboxId ?? body.inboxId
          const inbox = await ctx.store.inboxes.get(inboxId)
          if (!inbox) throw new ParleyError('not_found', 'inbox not found')
          return ctx.captcha.challenge(
            body.purpose ?? null,
            { inboxId, address, ...(principal ? { visitorId: principal.id } : {}) },
            inbox.settings.captcha,
          )
        },
        {
          body: v.strictObject({
            inboxId: Id,
            /** What it is for; absent: for whatever was refused last. */
            purpose: v.optional(v.picklist(['session', 'conversation', 'message'])),
          }),
          detail: doc({
            summary: 'Get a challenge to solve',
            tag: 'visitor',
            description:
              'A proof-of-work challenge (SHA-256; protocol/captcha.ts solves it) after a ' +
              '`captcha_required` refusal: for the visitor of the token, or without a token ' +
              'for a new session from this address. Limited per address.',
            access: 'optional',
            ok: ChallengeShape,
            errors: [404, 429],
          }),
        },
      )
      // The visitor's solution: a pass at its level, so the refused request goes through.
      .post(
        '/captcha',
        async ({ body, headers, request }) => {
          const principal = await principalOf(ctx, headers)
          if (principal.kind !== 'visitor') throw new ParleyError('forbidden', 'visitors only')
          if (!ctx.captcha) throw new ParleyError('not_found', 'this server asks no challenges')
          const level = await ctx.captcha.redeem(body.solution, {
            inboxId: principal.inboxId,
            address: ctx.clientKey(request),
            visitorId: principal.id,
          })
          return { ok: true, level }
        },
        {
          body: v.strictObject({ solution: CaptchaSolution }),
          detail: doc({
            summary: 'Hand in a solved challenge',
            tag: 'visitor',
            description:
              'The solution (base64 of its JSON) earns a pass at its level, so the refused ' +
              'request goes through when retried.',
            access: 'visitor',
            ok: CaptchaPassShape,
            errors: [404],
          }),
        },
      )
      // Public (no token): the widget asks before the visitor has a session (R5, R6). The answer
      // depends on the caller's address (its branch), so caches keep it per client, briefly.
      .get(
        '/availability',
        async ({ query, request, set }) => {
          // What any page may read: a site the list does not name is refused, a frame is not.
          await ctx.origins.admit(query.inboxId, requestOrigin(request.headers), {
            entry: 'availability',
            opaqueAdmitted: true,
          })
          const [view, campaigns, help] = await Promise.all([
            ctx.availability.forVisitor(query.inboxId, ctx.clientKey(request), query.lang ?? 'en'),
            ctx.campaigns.hasLive(query.inboxId),
            // Issue 21: the widget fetches its help center's chunk only when there is one.
            ctx.store.help.hasPublished(query.inboxId),
          ])
          set.headers['cache-control'] = 'private, max-age=10'
          return { ...view, campaigns, help }
        },
        {
          query: v.strictObject({ inboxId: Id, lang: v.optional(Locale) }),
          detail: doc({
            summary: 'Whether anyone can answer',
            tag: 'visitor',
            description:
              'What the widget shows before a session: online, busy or offline for the branch ' +
              "the caller's address goes to, its hours, greeting, pre-chat form and look; " +
              'whether it runs campaigns and has a help center with a published article. ' +
              'Cached per client for 10 s.',
            access: 'public',
            ok: WidgetAvailabilityShape,
            errors: [403, 404],
          }),
        },
      )
      // Proactive messages (issue 20): what this page offers its visitor now. Public: a visitor
      // without a session yet (none is made for this) is a new one who has seen nothing.
      .get(
        '/campaigns',
        async ({ query, request, headers, set }) => {
          await ctx.origins.admit(query.inboxId, requestOrigin(request.headers), {
            entry: 'availability',
            opaqueAdmitted: true,
          })
          const principal = bearer(headers) === null ? null : await principalOf(ctx, headers)
          if (principal && (principal.kind !== 'visitor' || principal.inboxId !== query.inboxId)) {
            throw new ParleyError('forbidden', 'a visitor of this inbox asks for its campaigns')
          }
          set.headers['cache-control'] = 'private, no-store'
          return {
            campaigns: await ctx.campaigns.offers(
              query.inboxId,
              principal,
              ctx.clientKey(request),
              query.url,
              query.lang ?? 'en',
            ),
          }
        },
        {
          query: v.strictObject({ inboxId: Id, url: CampaignPageUrl, lang: v.optional(Locale) }),
          detail: doc({
            summary: 'Proactive messages for this page',
            tag: 'visitor',
            description:
              "The inbox's running campaigns whose rules match the page (`url`), the language " +
              'and the caller (country and branch hours by address; new or returning by the ' +
              'visitor token, when one is sent), none shown to this visitor before, best first, ' +
              `at most ${MAX_CAMPAIGN_OFFERS}. Empty while the visitor has an open ` +
              "conversation or the inbox's gap since their last one runs. Each is due " +
              '`afterSeconds` after the page opened; show it only after `shown` accepts it.',
            access: 'public',
            ok: CampaignOffersShape,
            errors: [403],
          }),
        },
      )
      .post(
        '/campaigns/:id/shown',
        async ({ headers, params }) => {
          await ctx.campaigns.show(await principalOf(ctx, headers), params.id)
          return { shown: true as const }
        },
        {
          params: v.object({ id: Id }),
          body: v.optional(v.strictObject({})),
          detail: doc({
            summary: 'A proactive message is being shown',
            tag: 'visitor',
            description:
              'Records the showing before the widget shows it: once per visitor and campaign, ' +
              "and at most one campaign per the inbox's gap (409 `conflict` otherwise, or while " +
              'the visitor has an open conversation, or when the campaign no longer runs: show ' +
              'nothing). A first message may then answer it (`campaignId` when starting).',
            access: 'visitor',
            ok: v.object({ shown: v.literal(true) }),
            errors: [404, 409],
          }),
        },
      )
      // The visitor's own answers (pre-chat form, the site's SDK calls); null clears a field.
      .get(
        '/profile',
        async ({ headers }) => ctx.chat.visitorProfile(await principalOf(ctx, headers)),
        {
          detail: doc({
            summary: 'My profile',
            tag: 'visitor',
            description: 'What the visitor told about themselves (pre-chat form, the SDK).',
            access: 'visitor',
            ok: VisitorProfileShape,
          }),
        },
      )
      .patch(
        '/profile',
        async ({ headers, body }) =>
          ctx.chat.updateVisitorProfile(await principalOf(ctx, headers), body),
        {
          body: v.strictObject({
            name: v.optional(v.nullable(ContactName)),
            email: v.optional(v.nullable(Email)),
            phone: v.optional(v.nullable(Phone)),
            attributes: v.optional(
              v.pipe(
                v.record(AttributeKey, v.nullable(AttributeValue)),
                v.check((a) => Object.keys(a).length <= 50, 'at most 50 attributes at once'),
              ),
            ),
          }),
          detail: doc({
            summary: 'Change my profile',
            tag: 'visitor',
            description:
              'Name, e-mail, phone and attributes; null clears a field or an attribute; ' +
              'attributes merge key by key.',
            access: 'visitor',
            ok: VisitorProfileShape,
          }),
        },
      )
      .get(
        '/conversations',
        async ({ headers }) => ({
          conversations: await ctx.chat.listVisitorConversations(await principalOf(ctx, headers)),
        }),
        {
          detail: doc({
            summary: 'My conversations',
            tag: 'visitor',
            description:
              'Newest activity first, each with its newest message and the operator messages ' +
              'the visitor has not read.',
            access: 'visitor',
            ok: VisitorConversationsShape,
          }),
        },
      )
      .post(
        '/conversations',
        async ({ headers, body, set, request }) => {
          const principal = await principalOf(ctx, headers)
          const created = await ctx.chat.start(principal, {
            ...body,
            address: ctx.clientKey(request),
            userAgent: userAgentOf(request),
          })
          set.status = created.message?.duplicate ? 200 : 201
          return created
        },
        {
          body: v.strictObject({
            text: v.optional(MessageText),
            clientMsgId: v.optional(ClientMsgId),
            locale: v.optional(Locale),
            context: v.optional(PageContext),
            campaignId: v.optional(Id),
          }),
          detail: doc({
            summary: 'Start a conversation',
            tag: 'visitor',
            description:
              'Optionally with a first message. With a `clientMsgId` a retry lands on the same ' +
              'conversation and message (200 instead of 201, `message.duplicate` true). With a ' +
              '`campaignId` (a proactive message shown to this visitor, only with `text`) the ' +
              "campaign's message comes first and the conversation is attributed to it.",
            access: 'visitor',
            ok: StartedShape,
            status: 201,
            okDescription: 'Started.',
            alsoStatus: { status: 200, description: 'A retry: the conversation started before.' },
            errors: [428, 429],
          }),
        },
      )
      .post(
        '/offline-requests',
        async ({ headers, body, set, request }) => {
          const principal = await principalOf(ctx, headers)
          const { locale, ...fields } = body
          const created = await ctx.chat.offlineRequest(principal, fields, {
            address: ctx.clientKey(request),
            locale,
          })
          set.status = created.message?.duplicate ? 200 : 201
          return created
        },
        {
          body: v.strictObject({
            name: ContactName,
            email: Email,
            text: MessageText,
            clientMsgId: v.optional(ClientMsgId),
            locale: v.optional(Locale),
          }),
          detail: doc({
            summary: 'Leave a request while nobody can answer',
            tag: 'visitor',
            description:
              'Name, e-mail and a message start a conversation flagged `offline` that waits ' +
              'for an operator. A handful per address, then a few per hour (429).',
            access: 'visitor',
            ok: StartedShape,
            status: 201,
            okDescription: 'Left.',
            alsoStatus: { status: 200, description: 'A retry with the same `clientMsgId`.' },
            errors: [428, 429],
          }),
        },
      )
  )
}
