/**
 * The admin's settings area, one lazy chunk: the inbox forms, an inbox's branches and webhooks
 * (reached only from those forms) and the API tokens. Fetched when the first of them opens; one
 * file compresses better than four (about 4 KB less to fetch in all, gzipped), and whoever
 * opens one of them is an admin likely to open the others.
 */
export { ApiTokens } from './ApiTokens.tsx'
export { Branches } from './Branches.tsx'
export { InboxSettings } from './InboxSettings.tsx'
export { Webhooks } from './Webhooks.tsx'
