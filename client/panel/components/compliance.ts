/**
 * The admin's compliance pages (issue 18), one lazy chunk: the audit log and the data requests.
 * They share their calls (audit-api.ts) and styles; one file keeps those out of the panel's
 * first load and compresses better than two.
 */
export { AuditLog } from './AuditLog.tsx'
export { DataRequests } from './DataRequests.tsx'
