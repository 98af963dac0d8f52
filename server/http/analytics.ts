/**
 * The analytics API (issue 19; docs/analytics.md), supervisors and admins, scoped to their
 * inboxes:
 *   GET /api/analytics/report?from=&to=&tz=&interval=&inbox=&branch=&operator=&channel=&country=
 *   GET /api/analytics/conversations?...&metric=&cursor=   the conversations behind a figure
 *   GET /api/analytics/comments?...                         rating comments, newest first
 *   GET /api/analytics/labels?...                           conversations by label (issue 20)
 *   GET /api/analytics/attributes?...                       conversations by attribute value
 *   GET /api/analytics/sla?...                              SLA breaches (issue 20)
 *   GET /api/analytics/export?...&table=                    one table as CSV
 */
import { Elysia } from 'elysia'
import {
  AnalyticsDrillQuery,
  AnalyticsExportQuery,
  AnalyticsQuery,
} from '../../protocol/analytics.ts'
import type { AnalyticsService } from '../analytics/report.ts'
import { principalOf, type HttpContext } from './context.ts'
import { doc } from './responses.ts'
import {
  AnalyticsCommentsShape,
  AnalyticsConversationPageShape,
  AnalyticsAttributesShape,
  AnalyticsLabelsShape,
  AnalyticsSlaShape,
  AnalyticsCampaignsShape,
  AnalyticsReportShape,
} from './shapes-analytics.ts'

const RANGE =
  'The range is [from, to) in epoch ms, both whole quarter hours, at most 400 days; days, weeks ' +
  '(from Monday), months and hours are local to `tz` (an IANA zone, default UTC). Filters: ' +
  'inbox, branch, operator, channel, country (ISO code).'

export function analyticsRoutes(ctx: HttpContext, analytics: AnalyticsService) {
  return new Elysia()
    .get(
      '/api/analytics/report',
      async ({ headers, query }) => analytics.report(await principalOf(ctx, headers), query),
      {
        query: AnalyticsQuery,
        detail: doc({
          summary: 'Analytics report',
          tag: 'analytics',
          description:
            'Headline figures (and those of the period just before), a series per interval, ' +
            'hour-of-day heatmaps and breakdowns per operator, branch, inbox, country and ' +
            `channel. ${RANGE} Every rule is in docs/analytics.md.`,
          access: 'elevated',
          ok: AnalyticsReportShape,
        }),
      },
    )
    .get(
      '/api/analytics/conversations',
      async ({ headers, query }) => analytics.conversations(await principalOf(ctx, headers), query),
      {
        query: AnalyticsDrillQuery,
        detail: doc({
          summary: 'The conversations behind a figure',
          tag: 'analytics',
          description:
            `A page (50) of the conversations a figure counts, newest first; \`next\` is the ` +
            `cursor of the following page. ${RANGE}`,
          access: 'elevated',
          ok: AnalyticsConversationPageShape,
        }),
      },
    )
    .get(
      '/api/analytics/labels',
      async ({ headers, query }) => analytics.labels(await principalOf(ctx, headers), query),
      {
        query: AnalyticsQuery,
        detail: doc({
          summary: 'Conversations by label',
          tag: 'analytics',
          description:
            'How many of the conversations created in the range carry each label of the ' +
            'inboxes in scope now (issue 20), most used first, and how many carry none. ' +
            RANGE,
          access: 'elevated',
          ok: AnalyticsLabelsShape,
        }),
      },
    )
    .get(
      '/api/analytics/attributes',
      async ({ headers, query }) => analytics.attributes(await principalOf(ctx, headers), query),
      {
        query: AnalyticsQuery,
        detail: doc({
          summary: 'Conversations by attribute value',
          tag: 'analytics',
          description:
            'For each list or checkbox conversation attribute of the inboxes in scope (issue ' +
            '20): how many of the conversations created in the range hold each value now, most ' +
            'first, and how many hold none. ' +
            RANGE,
          access: 'elevated',
          ok: AnalyticsAttributesShape,
        }),
      },
    )
    .get(
      '/api/analytics/sla',
      async ({ headers, query }) => analytics.sla(await principalOf(ctx, headers), query),
      {
        query: AnalyticsQuery,
        detail: doc({
          summary: 'SLA breaches',
          tag: 'analytics',
          description:
            'Of the conversations created in the range (issue 20): how many run under an SLA ' +
            'and how many breached it, the breaches by kind, and the same per policy. ' +
            RANGE,
          access: 'elevated',
          ok: AnalyticsSlaShape,
        }),
      },
    )
    .get(
      '/api/analytics/campaigns',
      async ({ headers, query }) => analytics.campaigns(await principalOf(ctx, headers), query),
      {
        query: AnalyticsQuery,
        detail: doc({
          summary: 'Proactive messages',
          tag: 'analytics',
          description:
            'Per campaign of the inboxes in scope (issue 20): the visitors it was shown to and ' +
            'the conversations opened in reply within the range; campaigns with neither are ' +
            'left out. The branch, operator, channel and country filters do not apply. ' +
            RANGE,
          access: 'elevated',
          ok: AnalyticsCampaignsShape,
        }),
      },
    )
    .get(
      '/api/analytics/comments',
      async ({ headers, query }) => analytics.comments(await principalOf(ctx, headers), query),
      {
        query: AnalyticsQuery,
        detail: doc({
          summary: 'Rating comments',
          tag: 'analytics',
          description: `The latest 100 rating comments given in the range, newest first. ${RANGE}`,
          access: 'elevated',
          ok: AnalyticsCommentsShape,
        }),
      },
    )
    .get(
      '/api/analytics/export',
      async ({ headers, query, set }) => {
        const body = await analytics.export(await principalOf(ctx, headers), query)
        set.headers['content-type'] = 'text/csv; charset=utf-8'
        set.headers['content-disposition'] =
          `attachment; filename="parley-analytics-${query.table}.csv"`
        return body
      },
      {
        query: AnalyticsExportQuery,
        detail: doc({
          summary: 'Export a report table as CSV',
          tag: 'analytics',
          description: `One table of the report (or the comments) as CSV. ${RANGE}`,
          access: 'elevated',
          raw: { type: 'text/csv', description: 'The table as CSV (RFC 4180).' },
        }),
      },
    )
}
