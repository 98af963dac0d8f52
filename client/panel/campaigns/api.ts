/**
 * The admin's calls on an inbox's proactive messages (issue 20, M6): list them with the inbox's
 * frequency cap, define, change and delete one, set the cap. Types only from
 * protocol/campaigns.ts: its valibot schemas are the server's. Only the settings' on-demand
 * chunk (Campaigns-*) loads it.
 */
import type { Campaign, CampaignAudience, CampaignRules } from '../../../protocol/campaigns.ts'
import { httpJson } from '../../shared/index.ts'

export type { Campaign, CampaignAudience, CampaignRules }

/** protocol/campaigns.ts MAX_CAMPAIGN_NAME (that module is the server's). */
export const MAX_NAME = 80
/** protocol/campaigns.ts MAX_CAMPAIGN_AFTER_SECONDS. */
export const MAX_AFTER_SECONDS = 3600
/** The frequency cap's bounds in minutes (a week at most), as the server takes them. */
export const MAX_GAP_MINUTES = 10_080

/** What the form saves: a whole campaign (a change replaces every field too). */
export type CampaignInput = Pick<
  Campaign,
  'name' | 'text' | 'senderId' | 'enabled' | 'startsAt' | 'endsAt' | 'rules'
>

export function campaignsApi(http: { baseUrl: string; token: () => string | null }) {
  const call = <T>(path: string, method = 'GET', body?: unknown) =>
    httpJson<T>(http.baseUrl, `/api${path}`, { method, body, token: http.token() })
  const inbox = (id: string) => `/inboxes/${encodeURIComponent(id)}`
  const one = (id: string) => `/admin/campaigns/${encodeURIComponent(id)}`
  return {
    /** The inbox's campaigns, with their counts of all time, and its frequency cap. */
    list: (inboxId: string) =>
      call<{ campaigns: Campaign[]; gapMinutes: number }>(`${inbox(inboxId)}/campaigns`),
    create: (inboxId: string, input: CampaignInput) =>
      call<{ campaign: Campaign }>(`/admin${inbox(inboxId)}/campaigns`, 'POST', input),
    patch: (id: string, input: Partial<CampaignInput>) =>
      call<{ campaign: Campaign }>(one(id), 'PATCH', input),
    remove: (id: string) => call<{ ok: true }>(one(id), 'DELETE'),
    /** At most one proactive message per visitor every `gapMinutes` (0: no gap between two). */
    setGap: (inboxId: string, gapMinutes: number) =>
      call<{ gapMinutes: number }>(`/admin${inbox(inboxId)}/campaign-settings`, 'PUT', {
        gapMinutes,
      }),
  }
}

export type CampaignsApi = ReturnType<typeof campaignsApi>
