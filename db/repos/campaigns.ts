/**
 * Proactive messages of inboxes (issue 20, protocol/campaigns.ts): the campaigns, each showing
 * to a visitor (`campaign_views`, one per campaign and visitor), and the conversations opened in
 * reply (`conversations.campaign_id`).
 */
import { and, asc, count, eq, gte, inArray, lt, max, sql } from 'drizzle-orm'
import type { CampaignCounts, CampaignRecord, CampaignStore } from '../../actors/ports.ts'
import { ParleyError } from '../../protocol/index.ts'
import type { CampaignRules } from '../../protocol/campaigns.ts'
import { insertStep, queryStep, type SqlDialect } from '../sql/dialect.ts'
import {
  field,
  insertInto,
  param,
  remove,
  selectFields,
  selectRows,
  updateRows,
  type SetValues,
} from '../sql/statements.ts'
import type { Rows } from '../sql/tables.ts'
import { asConflict } from './conflicts.ts'
import { inboxCapSteps } from './inbox-cap.ts'

const TAKEN = 'a campaign with this name already exists in this inbox'
const SEEN = 'the visitor was shown this campaign, or another one too recently'

/** The key a name is unique by: case does not make another campaign. */
function nameKey(name: string): string {
  return name.trim().toLocaleLowerCase('en')
}

function toCampaign({ nameKey: _k, rules, ...row }: Rows['campaigns']): CampaignRecord {
  return { ...row, rules: JSON.parse(rules) as CampaignRules }
}

export class SqlCampaignStore implements CampaignStore {
  readonly #insert = insertInto('campaigns')
  readonly #insertView = insertInto('campaignViews')
  readonly #get
  readonly #list
  readonly #views
  readonly #shown

  constructor(private readonly db: SqlDialect) {
    const { campaigns: c, campaignViews: w } = db.tables
    this.#get = selectRows('campaigns', { where: eq(c.id, param('id')) })
    this.#list = selectRows('campaigns', {
      where: eq(c.inboxId, param('inboxId')),
      orderBy: [asc(c.createdAt), asc(c.id)],
    })
    // campaign_views_visitor_idx
    this.#views = selectFields(
      { campaignId: field(w.campaignId), shownAt: field(w.shownAt) },
      'campaignViews',
      { where: eq(w.visitorId, param('visitorId')) },
    )
    // The primary key.
    this.#shown = selectFields({ n: count() }, 'campaignViews', {
      where: and(eq(w.campaignId, param('campaignId')), eq(w.visitorId, param('visitorId'))),
    })
  }

  async list(inboxId: string): Promise<CampaignRecord[]> {
    return (await this.db.all(this.#list, { inboxId })).map(toCampaign)
  }

  async listIn(inboxIds: readonly string[] | null): Promise<CampaignRecord[]> {
    if (inboxIds !== null && inboxIds.length === 0) return []
    const c = this.db.tables.campaigns
    const rows = await this.db.all(
      selectRows('campaigns', {
        where: inboxIds === null ? undefined : inArray(c.inboxId, [...inboxIds]),
        orderBy: [asc(c.createdAt), asc(c.id)],
      }),
    )
    return rows.map(toCampaign)
  }

  async get(id: string): Promise<CampaignRecord | null> {
    const [row] = await this.db.all(this.#get, { id })
    return row ? toCampaign(row) : null
  }

  /** The inbox row is read for update first: concurrent creates cannot race past `max`. */
  async create(campaign: CampaignRecord, max: number): Promise<void> {
    const c = this.db.tables.campaigns
    const counted = { table: 'campaigns' as const, where: eq(c.inboxId, campaign.inboxId) }
    const row: Rows['campaigns'] = {
      ...campaign,
      nameKey: nameKey(campaign.name),
      rules: JSON.stringify(campaign.rules),
    }
    try {
      await this.db.transaction([
        ...inboxCapSteps(this.db, campaign.inboxId, counted, max, 'campaigns'),
        ...insertStep(this.#insert, [row]),
      ])
    } catch (error) {
      throw asConflict(this.db, error, TAKEN)
    }
  }

  async update(
    id: string,
    patch: Partial<Omit<CampaignRecord, 'id' | 'inboxId' | 'createdAt'>>,
  ): Promise<CampaignRecord | null> {
    const c = this.db.tables.campaigns
    const { rules, name, ...rest } = patch
    const set: SetValues<'campaigns'> = {
      ...rest,
      ...(name !== undefined ? { name, nameKey: nameKey(name) } : {}),
      ...(rules !== undefined ? { rules: JSON.stringify(rules) } : {}),
    }
    try {
      const [row] = await this.db.all(updateRows('campaigns', set, eq(c.id, id)))
      return row ? toCampaign(row) : null
    } catch (error) {
      throw asConflict(this.db, error, TAKEN)
    }
  }

  async delete(id: string): Promise<boolean> {
    const c = this.db.tables.campaigns
    const gone = await this.db.all(remove('campaigns', eq(c.id, id), { id: field(c.id) }))
    return gone.length > 0
  }

  async viewsOf(visitorId: string): Promise<{ shown: Set<string>; lastShownAt: number | null }> {
    const rows = await this.db.all(this.#views, { visitorId })
    const shownAt = rows.map((r) => r.shownAt)
    return {
      shown: new Set(rows.map((r) => r.campaignId)),
      lastShownAt: shownAt.length > 0 ? Math.max(...shownAt) : null,
    }
  }

  async showingsOf(visitorId: string): Promise<Array<{ campaignId: string; shownAt: number }>> {
    const rows = await this.db.all(this.#views, { visitorId })
    return rows
      .map((r) => ({ campaignId: r.campaignId, shownAt: r.shownAt }))
      .sort((a, b) => a.shownAt - b.shownAt || a.campaignId.localeCompare(b.campaignId))
  }

  async recordView(
    campaignId: string,
    visitorId: string,
    at: number,
    notAfter: number,
  ): Promise<void> {
    const { visitors: v, campaignViews: w } = this.db.tables
    // The visitor's row, locked: their showings are decided one at a time, on any node.
    const owner = selectFields({ id: field(v.id) }, 'visitors', {
      where: eq(v.id, visitorId),
      forUpdate: true,
    })
    // campaign_views_visitor_idx
    const latest = selectFields(
      {
        n: count(),
        last: max(w.shownAt),
        same: sql<number>`sum(case when ${w.campaignId} = ${campaignId} then 1 else 0 end)`,
      },
      'campaignViews',
      { where: eq(w.visitorId, visitorId) },
    )
    try {
      await this.db.transaction([
        queryStep(owner, {}, (rows) => {
          if (rows.length === 0) throw new ParleyError('not_found', 'visitor not found')
        }),
        queryStep(latest, {}, (rows) => {
          const row = rows[0]
          if (Number(row?.same ?? 0) > 0) throw new ParleyError('conflict', SEEN)
          if (row?.last != null && Number(row.last) > notAfter) {
            throw new ParleyError('conflict', SEEN)
          }
        }),
        ...insertStep(this.#insertView, [{ campaignId, visitorId, shownAt: at }]),
      ])
    } catch (error) {
      throw asConflict(this.db, error, SEEN)
    }
  }

  async wasShown(campaignId: string, visitorId: string): Promise<boolean> {
    const [row] = await this.db.all(this.#shown, { campaignId, visitorId })
    return (row?.n ?? 0) > 0
  }

  async counts(
    campaignIds: readonly string[],
    from: number,
    to: number,
  ): Promise<CampaignCounts[]> {
    if (campaignIds.length === 0) return []
    const { campaignViews: w, conversations: c } = this.db.tables
    const ids = [...campaignIds]
    // The primary key (campaign_id first); conversations_campaign_idx.
    const [shown, replied] = await Promise.all([
      this.db.all(
        selectFields({ id: field(w.campaignId), n: count() }, 'campaignViews', {
          where: and(inArray(w.campaignId, ids), gte(w.shownAt, from), lt(w.shownAt, to)),
          groupBy: [field(w.campaignId)],
        }),
      ),
      this.db.all(
        selectFields({ id: sql<string>`${c.campaignId}`, n: count() }, 'conversations', {
          where: and(
            sql`${c.campaignId} is not null`,
            inArray(c.campaignId, ids),
            gte(c.createdAt, from),
            lt(c.createdAt, to),
          ),
          groupBy: [sql`${c.campaignId}`],
        }),
      ),
    ])
    const byId = (rows: readonly { id: string; n: number }[]) =>
      new Map(rows.map((r) => [r.id, Number(r.n)]))
    const s = byId(shown)
    const r = byId(replied)
    return ids.map((campaignId) => ({
      campaignId,
      shown: s.get(campaignId) ?? 0,
      replied: r.get(campaignId) ?? 0,
    }))
  }
}
