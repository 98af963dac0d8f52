/**
 * Proactive messages in an inbox's settings (issue 20, M6): the admin's calls, the section's
 * words and their Russian. Everything here travels in the section's on-demand chunk
 * (components/Campaigns.tsx, Campaigns-* in client/build.ts); a folder of its own so that
 * vite's `common` chunk (vite.config.ts) never takes any of it onto the first load.
 */
export {
  campaignsApi,
  MAX_AFTER_SECONDS,
  MAX_GAP_MINUTES,
  MAX_NAME,
  type Campaign,
  type CampaignAudience,
  type CampaignInput,
  type CampaignRules,
  type CampaignsApi,
} from './api.ts'
export { AUDIENCES, dateTime, mc, tc } from './text.ts'
export { RU_CAMPAIGNS } from './ru.ts'
