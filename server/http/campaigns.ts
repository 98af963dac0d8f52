/**
 * Proactive messages (issue 20, protocol/campaigns.ts): an inbox's campaigns and its frequency
 * cap. Read by whoever may view the inbox (and admins); defined, changed and deleted by admins
 * and by supervisors whose scope includes the inbox, on the audit trail. The visitor's side
 * (offers, showings, replies) is in visitor.ts; the counts over a range in analytics.ts.
 */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import { newId } from '../../actors/index.ts'
import type { CampaignRecord } from '../../actors/ports.ts'
import {
  CAMPAIGN_AUDIENCES,
  CampaignGapMinutes,
  CampaignInput,
  CampaignPatch,
  MAX_CAMPAIGN_GAP_MINUTES,
  MAX_INBOX_CAMPAIGNS,
  type Campaign,
} from '../../protocol/campaigns.ts'
import { ParleyError } from '../../protocol/index.ts'
import { mergeSettings } from './admin.ts'
import type { HttpContext } from './context.ts'
import {
  operatorOf,
  readableInbox,
  writableInbox,
  writableOf,
  type Operator,
} from './inbox-rights.ts'
import { doc } from './responses.ts'
import { Id } from './schemas.ts'

const Time = v.nullable(v.number())
export const CampaignShape = v.object({
  id: v.string(),
  inboxId: v.string(),
  name: v.string(),
  text: v.string(),
  senderId: v.nullable(v.string()),
  enabled: v.boolean(),
  startsAt: Time,
  endsAt: Time,
  rules: v.object({
    urlPattern: v.string(),
    afterSeconds: v.number(),
    audience: v.picklist(CAMPAIGN_AUDIENCES),
    countries: v.array(v.string()),
    languages: v.array(v.picklist(['en', 'ru'])),
    businessHoursOnly: v.boolean(),
  }),
  shown: v.number(),
  replied: v.number(),
  createdAt: v.number(),
  updatedAt: v.number(),
})
const EnvelopeShape = v.object({ campaign: CampaignShape })
const ListShape = v.object({ campaigns: v.array(CampaignShape), gapMinutes: v.number() })
const GapShape = v.object({ gapMinutes: v.number() })

export function campaignRoutes(ctx: HttpContext) {
  const audit = (op: Operator, request: Request, action: string, c: CampaignRecord) =>
    ctx.audit.record({
      actor: op,
      action,
      target: { kind: 'campaign', id: c.id },
      address: ctx.clientKey(request),
      details: {
        inboxId: c.inboxId,
        name: c.name,
        enabled: c.enabled,
        senderId: c.senderId,
        startsAt: c.startsAt,
        endsAt: c.endsAt,
        rules: c.rules,
      },
    })

  /** A campaign the caller may change (inbox-rights.ts). */
  async function writable(op: Operator, id: string): Promise<CampaignRecord> {
    return writableOf(op, await ctx.store.campaigns.get(id), 'campaign', 'campaigns')
  }

  const one = async (c: CampaignRecord): Promise<Campaign> => {
    const [counted] = await ctx.campaigns.withCounts([c])
    return counted!
  }

  return new Elysia()
    .get(
      '/api/inboxes/:id/campaigns',
      async ({ headers, params }) => {
        const op = await operatorOf(ctx, headers)
        await readableInbox(ctx, op, params.id)
        const [records, inbox] = await Promise.all([
          ctx.store.campaigns.list(params.id),
          ctx.store.inboxes.get(params.id),
        ])
        return {
          campaigns: await ctx.campaigns.withCounts(records),
          gapMinutes: inbox?.settings.campaignGapMinutes ?? 0,
        }
      },
      {
        params: v.object({ id: Id }),
        detail: doc({
          summary: "An inbox's proactive messages",
          tag: 'labels',
          description:
            'Oldest first, each with the visitors it was shown to and the conversations opened ' +
            "in reply (all time), and the inbox's frequency cap. Whoever may view the inbox, " +
            'and admins.',
          access: 'operator',
          ok: ListShape,
        }),
      },
    )
    .post(
      '/api/admin/inboxes/:id/campaigns',
      async ({ headers, params, body, request, set }) => {
        const op = await operatorOf(ctx, headers)
        await writableInbox(ctx, op, params.id, 'campaigns')
        await ctx.campaigns.checkSender(params.id, body.senderId)
        const now = ctx.clock.now()
        const campaign: CampaignRecord = {
          id: newId(),
          inboxId: params.id,
          ...body,
          createdAt: now,
          updatedAt: now,
        }
        await ctx.store.campaigns.create(campaign, MAX_INBOX_CAMPAIGNS)
        ctx.campaigns.changed(params.id)
        await audit(op, request, 'campaign.created', campaign)
        set.status = 201
        return { campaign: { ...campaign, shown: 0, replied: 0 } }
      },
      {
        params: v.object({ id: Id }),
        body: CampaignInput,
        detail: doc({
          summary: 'Define a proactive message',
          tag: 'labels',
          description:
            'A name (unique in the inbox, any case), the message, its sender (a member of the ' +
            'inbox, or null: the team), enabled, optional start and end, and who sees it: ' +
            '`rules` (page address pattern with `*`, seconds on the page, new or returning ' +
            'visitors, countries, languages, open hours only). At most ' +
            `${MAX_INBOX_CAMPAIGNS} per inbox. Admins, and supervisors of the inbox. On the ` +
            'audit trail.',
          access: 'elevated',
          ok: EnvelopeShape,
          status: 201,
          okDescription: 'Defined.',
          errors: [409],
        }),
      },
    )
    .patch(
      '/api/admin/campaigns/:id',
      async ({ headers, params, body, request }) => {
        const op = await operatorOf(ctx, headers)
        const campaign = await writable(op, params.id)
        const startsAt = body.startsAt === undefined ? campaign.startsAt : body.startsAt
        const endsAt = body.endsAt === undefined ? campaign.endsAt : body.endsAt
        if (startsAt !== null && endsAt !== null && endsAt <= startsAt) {
          throw new ParleyError('validation_failed', 'the campaign ends before it starts')
        }
        if (body.senderId !== undefined) {
          await ctx.campaigns.checkSender(campaign.inboxId, body.senderId)
        }
        const updated = await ctx.store.campaigns.update(campaign.id, {
          ...body,
          updatedAt: ctx.clock.now(),
        })
        if (!updated) throw new ParleyError('not_found', 'campaign not found')
        ctx.campaigns.changed(updated.inboxId)
        await audit(op, request, 'campaign.updated', updated)
        return { campaign: await one(updated) }
      },
      {
        params: v.object({ id: Id }),
        body: CampaignPatch,
        detail: doc({
          summary: 'Change a proactive message',
          tag: 'labels',
          description:
            'Any field; `rules` is replaced whole (omitted rules take their defaults). Visitors ' +
            'shown it before are not shown it again. On the audit trail.',
          access: 'elevated',
          ok: EnvelopeShape,
          errors: [409],
        }),
      },
    )
    .delete(
      '/api/admin/campaigns/:id',
      async ({ headers, params, request }) => {
        const op = await operatorOf(ctx, headers)
        const campaign = await writable(op, params.id)
        if (!(await ctx.store.campaigns.delete(campaign.id))) {
          throw new ParleyError('not_found', 'campaign not found')
        }
        ctx.campaigns.changed(campaign.inboxId)
        await audit(op, request, 'campaign.deleted', campaign)
        return { ok: true as const }
      },
      {
        params: v.object({ id: Id }),
        detail: doc({
          summary: 'Delete a proactive message',
          tag: 'labels',
          description:
            'Its showings go with it; conversations opened in reply keep its id. On the audit ' +
            'trail.',
          access: 'elevated',
          ok: v.object({ ok: v.literal(true) }),
        }),
      },
    )
    .put(
      '/api/admin/inboxes/:id/campaign-settings',
      async ({ headers, params, body, request }) => {
        const op = await operatorOf(ctx, headers)
        await writableInbox(ctx, op, params.id, 'campaigns')
        const inbox = await ctx.store.inboxes.get(params.id)
        if (!inbox) throw new ParleyError('not_found', 'inbox not found')
        await ctx.store.inboxes.update(params.id, {
          settings: mergeSettings(inbox.settings, { campaignGapMinutes: body.gapMinutes }),
          updatedAt: ctx.clock.now(),
        })
        ctx.chat.refreshInbox(params.id)
        await ctx.audit.record({
          actor: op,
          action: 'inbox.updated',
          target: { kind: 'inbox', id: params.id },
          address: ctx.clientKey(request),
          details: {
            settings: { campaignGapMinutes: body.gapMinutes },
          },
        })
        return { gapMinutes: body.gapMinutes }
      },
      {
        params: v.object({ id: Id }),
        body: v.strictObject({ gapMinutes: CampaignGapMinutes }),
        detail: doc({
          summary: "Set an inbox's frequency cap of proactive messages",
          tag: 'labels',
          description:
            'A visitor is shown at most one campaign in `gapMinutes` (0 to ' +
            `${MAX_CAMPAIGN_GAP_MINUTES}; 0: no gap between different campaigns; each one is ` +
            'shown to a visitor once at most anyway). Admins, and supervisors of the inbox. On ' +
            'the audit trail.',
          access: 'elevated',
          ok: GapShape,
        }),
      },
    )
}
