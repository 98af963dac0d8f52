/**
 * The admin area, one lazy chunk: the inbox forms, an inbox's branches and webhooks (reached
 * only from those forms), the API tokens, the operators, and the compliance pages (the audit log
 * and the data requests, issue 18). Fetched when the first of them opens; whoever opens one is
 * an admin likely to open the others (or a supervisor opening their inboxes' settings, issue 20:
 * InboxSettings shows them their part), and one file compresses better than several (about 4 KB
 * less to fetch in all, gzipped, than four chunks; about 2.5 KB less again with the operators
 * and the compliance pages in it; this order of the modules compresses best).
 */
export { ApiTokens } from './ApiTokens.tsx'
export { Branches } from './Branches.tsx'
export { InboxSettings } from './InboxSettings.tsx'
export { Webhooks } from './Webhooks.tsx'
export { Operators } from './Operators.tsx'
export { AuditLog } from './AuditLog.tsx'
export { DataRequests } from './DataRequests.tsx'
