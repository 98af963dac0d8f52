/**
 * Proactive messages (M6) in the widget: the folder's public surface, named for its chunk
 * (Campaign-*, on demand: fetched only when the inbox runs campaigns). `run` watches for one
 * due; the bubble shows it above the launcher; the intro keeps it atop the empty thread.
 */
export { run, type CampaignEnv } from './offers.ts'
export { Bubble as default } from './Bubble.tsx'
export { Intro } from './Intro.tsx'
