/**
 * Proactive messages (issue 20, M6; protocol/campaigns.ts): which of an inbox's campaigns a
 * visitor is offered on a page, the showing recorded before the widget shows one (once per
 * visitor and campaign, at most one per the inbox's gap), the campaign a first message answers,
 * and the counts admins see.
 *
 * A visitor is offered nothing while they have an open conversation. Rules read what the server
 * knows itself (the address's country and branch hours, when the visitor was first seen) and
 * what the widget says (the page address, its language); the time on the page is the widget's
 * to wait. The offer is advisory: `show` decides again, in the store, before anything is shown.
 */
import { publicName, type Clock, type Locale, type Principal } from '../actors/index.ts'
import type { CampaignRecord, Store } from '../actors/ports.ts'
import {
  campaignLive,
  MAX_CAMPAIGN_OFFERS,
  RETURNING_AFTER_MS,
  urlMatches,
  type Campaign,
  type CampaignOffer,
} from '../protocol/campaigns.ts'
import { isActive, ParleyError } from '../protocol/index.ts'
import type { AvailabilityService } from './availability.ts'
import type { GeoIp } from './geo/geoip.ts'

/** How long a node trusts its answer to "does the inbox run any campaign" (per inbox). */
const LIVE_CACHE_MS = 10_000
const LIVE_CACHE_MAX = 1000

export class CampaignService {
  private readonly live = new Map<string, { campaigns: Promise<CampaignRecord[]>; until: number }>()

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly geo: GeoIp | null,
    private readonly availability: AvailabilityService,
  ) {}

  /** The inbox's campaigns that run now, read at most once per LIVE_CACHE_MS on this node. */
  private running(inboxId: string): Promise<CampaignRecord[]> {
    const now = this.clock.now()
    const cached = this.live.get(inboxId)
    if (cached && cached.until > now) {
      return cached.campaigns.then((list) => list.filter((c) => campaignLive(c, now)))
    }
    const campaigns = this.store.campaigns.list(inboxId)
    campaigns.catch(() => this.live.delete(inboxId))
    this.live.delete(inboxId) // re-inserted last: the map stays oldest first
    this.live.set(inboxId, { campaigns, until: now + LIVE_CACHE_MS })
    if (this.live.size > LIVE_CACHE_MAX) {
      const oldest = this.live.keys().next().value
      if (oldest !== undefined) this.live.delete(oldest)
    }
    return campaigns.then((list) => list.filter((c) => campaignLive(c, now)))
  }

  /** A campaign of the inbox changed on this node: the next read asks the store. */
  changed(inboxId: string): void {
    this.live.delete(inboxId)
  }

  /** Whether the inbox runs any campaign now (the widget then fetches its offers). */
  async hasLive(inboxId: string): Promise<boolean> {
    return (await this.running(inboxId)).length > 0
  }

  /** With their all-time counts. */
  async withCounts(records: readonly CampaignRecord[]): Promise<Campaign[]> {
    const counts = await this.store.campaigns.counts(
      records.map((c) => c.id),
      0,
      Number.MAX_SAFE_INTEGER,
    )
    const byId = new Map(counts.map((c) => [c.campaignId, c]))
    return records.map((c) => ({
      ...c,
      shown: byId.get(c.id)?.shown ?? 0,
      replied: byId.get(c.id)?.replied ?? 0,
    }))
  }

  /** A sender must be a member of the inbox. */
  async checkSender(inboxId: string, senderId: string | null): Promise<void> {
    if (senderId === null) return
    const members = await this.store.inboxes.members(inboxId)
    if (!members.includes(senderId)) {
      throw new ParleyError('validation_failed', 'the sender is no member of this inbox')
    }
  }

  /**
   * What a page offers its visitor now, best first (oldest campaign first): live campaigns whose
   * rules match, none shown to them before, none at all while the gap since their last showing
   * runs or while they have an open conversation. `visitor` null: no session yet (a new
   * visitor who has seen nothing).
   */
  async offers(
    inboxId: string,
    visitor: Principal | null,
    address: string,
    url: string,
    lang: Locale,
  ): Promise<CampaignOffer[]> {
    const candidates = (await this.running(inboxId)).filter((c) =>
      urlMatches(c.rules.urlPattern, url),
    )
    if (candidates.length === 0) return []
    const now = this.clock.now()
    let returning = false
    if (visitor?.kind === 'visitor') {
      const [record, views, conversations, inbox] = await Promise.all([
        this.store.visitors.getById(visitor.id),
        this.store.campaigns.viewsOf(visitor.id),
        this.store.queries.listVisitorConversations(visitor.id),
        this.store.inboxes.get(inboxId),
      ])
      if (conversations.some((c) => isActive(c.status))) return []
      const gapMs = (inbox?.settings.campaignGapMinutes ?? 0) * 60_000
      if (views.lastShownAt !== null && views.lastShownAt > now - gapMs) return []
      returning = record !== null && record.createdAt <= now - RETURNING_AFTER_MS
      for (let i = candidates.length - 1; i >= 0; i--) {
        if (views.shown.has(candidates[i]!.id)) candidates.splice(i, 1)
      }
    }
    const located = this.geo?.lookup(address) ?? null
    const needsHours = candidates.some((c) => c.rules.businessHoursOnly)
    const view = await this.availability.forVisitor(inboxId, address, lang)
    const matching = candidates.filter((c) => {
      const r = c.rules
      if (r.audience === 'new' && returning) return false
      if (r.audience === 'returning' && !returning) return false
      if (r.countries.length > 0 && !(located && r.countries.includes(located.country))) {
        return false
      }
      if (r.languages.length > 0 && !r.languages.includes(lang)) return false
      if (needsHours && r.businessHoursOnly && !view.withinHours) return false
      return true
    })
    const offers = matching.slice(0, MAX_CAMPAIGN_OFFERS)
    const senders = await Promise.all(
      offers.map((c) => (c.senderId ? this.store.operators.getById(c.senderId) : null)),
    )
    return offers.map((c, i) => {
      const op = senders[i]
      return {
        id: c.id,
        text: c.text,
        afterSeconds: c.rules.afterSeconds,
        sender: op
          ? { name: publicName(op), avatarId: op.avatarId }
          : { name: view.appearance.title, avatarId: null },
      }
    })
  }

  /**
   * Records that the visitor is being shown the campaign: it must run now, belong to their
   * inbox, never have been shown to them, and the inbox's gap must have passed since they were
   * last shown one (`conflict` otherwise: the widget shows nothing). Nothing is shown while the
   * visitor has an open conversation either.
   */
  async show(principal: Principal, campaignId: string): Promise<void> {
    if (principal.kind !== 'visitor') {
      throw new ParleyError('forbidden', 'only a visitor is shown proactive messages')
    }
    const now = this.clock.now()
    const campaign = await this.store.campaigns.get(campaignId)
    if (!campaign || campaign.inboxId !== principal.inboxId) {
      throw new ParleyError('not_found', 'campaign not found')
    }
    if (!campaignLive(campaign, now)) {
      throw new ParleyError('conflict', 'the campaign does not run now')
    }
    const [inbox, conversations] = await Promise.all([
      this.store.inboxes.get(principal.inboxId),
      this.store.queries.listVisitorConversations(principal.id),
    ])
    if (conversations.some((c) => isActive(c.status))) {
      throw new ParleyError('conflict', 'the visitor has an open conversation')
    }
    const gapMs = (inbox?.settings.campaignGapMinutes ?? 0) * 60_000
    await this.store.campaigns.recordView(campaignId, principal.id, now, now - gapMs)
  }

  /**
   * The campaign a visitor's first message answers: one of their inbox's that they were shown
   * (it may have ended since: they answer what they saw). Otherwise `validation_failed`.
   */
  async answered(principal: Principal, campaignId: string): Promise<{ id: string; text: string }> {
    const campaign = await this.store.campaigns.get(campaignId)
    const shown =
      campaign !== null &&
      principal.kind === 'visitor' &&
      campaign.inboxId === principal.inboxId &&
      (await this.store.campaigns.wasShown(campaign.id, principal.id))
    if (!campaign || !shown) {
      throw new ParleyError('validation_failed', 'no such campaign was shown to this visitor')
    }
    return { id: campaign.id, text: campaign.text }
  }
}
