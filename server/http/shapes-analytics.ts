/** The documented answer shapes of the analytics API (issue 19), tied to protocol/analytics.ts. */
import * as v from 'valibot'
import type {
  AnalyticsComment,
  AnalyticsAttributes,
  AnalyticsLabels,
  AnalyticsSla,
  AnalyticsCampaigns,
  AnalyticsConversationPage,
  AnalyticsReport,
} from '../../protocol/analytics.ts'
import { ANALYTICS_INTERVALS } from '../../protocol/analytics.ts'
import { Int, Millis, shape } from './shapes-common.ts'

const Scale = v.picklist(['stars', 'thumbs', 'nps'])
const Durations = v.object({
  count: Int,
  averageMs: v.nullable(Int),
  medianMs: v.nullable(Int),
  p90Ms: v.nullable(Int),
})
const Presence = v.object({ onlineMs: Int, awayMs: Int, busyMs: Int })
const Load = v.object({ average: v.number(), peak: Int })
const Totals = v.object({
  conversations: Int,
  resolved: Int,
  closed: Int,
  reopened: Int,
  offline: Int,
  unanswered: Int,
  visitorMessages: Int,
  operatorMessages: Int,
  escalations: Int,
  transfers: Int,
  firstResponse: Durations,
  firstResponseBusiness: Durations,
  resolution: Durations,
  queueWait: Durations,
  ratings: v.object({
    asked: Int,
    rated: Int,
    responseRate: v.nullable(v.number()),
    scales: v.array(
      v.object({
        scale: Scale,
        count: Int,
        average: v.nullable(v.number()),
        distribution: v.array(Int),
        nps: v.nullable(Int),
      }),
    ),
  }),
  presence: Presence,
  load: Load,
})
const Row = v.object({
  key: v.string(),
  label: v.string(),
  conversations: Int,
  assigned: Int,
  resolved: Int,
  visitorMessages: Int,
  operatorMessages: Int,
  firstResponse: Durations,
  resolution: Durations,
  ratingAverage: v.nullable(v.number()),
  ratings: Int,
  load: Load,
  presence: v.nullable(Presence),
})
const Grid = v.array(v.array(Int))

export const AnalyticsReportShape = shape<AnalyticsReport>()(
  v.object({
    query: v.object({
      from: Millis,
      to: Millis,
      tz: v.string(),
      interval: v.picklist(ANALYTICS_INTERVALS),
    }),
    previousRange: v.object({ from: Millis, to: Millis }),
    totals: Totals,
    previous: Totals,
    series: v.array(
      v.object({
        at: Millis,
        label: v.string(),
        conversations: Int,
        resolved: Int,
        visitorMessages: Int,
        operatorMessages: Int,
        firstResponseMedianMs: v.nullable(Int),
        loadAverage: v.number(),
        loadPeak: Int,
        onlineMs: Int,
      }),
    ),
    heatmap: Grid,
    heatmapConversations: Grid,
    operators: v.array(Row),
    branches: v.array(Row),
    inboxes: v.array(Row),
    countries: v.array(Row),
    regions: v.array(Row),
    channels: v.array(Row),
    asOf: Millis,
  }),
)

export const AnalyticsConversationPageShape = shape<AnalyticsConversationPage>()(
  v.object({
    items: v.array(
      v.object({
        id: v.string(),
        inboxId: v.string(),
        branchId: v.nullable(v.string()),
        channel: v.string(),
        country: v.nullable(v.string()),
        createdAt: Millis,
        status: v.string(),
        assigneeId: v.nullable(v.string()),
        firstResponseMs: v.nullable(Int),
        resolutionMs: v.nullable(Int),
        ratingScore: v.nullable(Int),
      }),
    ),
    next: v.nullable(v.string()),
  }),
)

export const AnalyticsCommentsShape = shape<AnalyticsComment[]>()(
  v.array(
    v.object({
      conversationId: v.string(),
      scale: Scale,
      score: v.nullable(Int),
      comment: v.string(),
      at: Millis,
      operatorId: v.nullable(v.string()),
    }),
  ),
)

export const AnalyticsAttributesShape = shape<AnalyticsAttributes>()(
  v.object({
    conversations: Int,
    attributes: v.array(
      v.object({
        id: v.string(),
        inboxId: v.string(),
        key: v.string(),
        name: v.string(),
        type: v.picklist(['list', 'checkbox']),
        values: v.array(
          v.object({ value: v.union([v.string(), v.boolean()]), conversations: Int }),
        ),
        unset: Int,
      }),
    ),
  }),
)

export const AnalyticsSlaShape = shape<AnalyticsSla>()(
  v.object({
    conversations: Int,
    withSla: Int,
    breached: Int,
    breaches: v.object({ first_response: Int, next_response: Int, resolution: Int }),
    policies: v.array(
      v.object({ policyId: v.string(), name: v.string(), conversations: Int, breached: Int }),
    ),
  }),
)

export const AnalyticsCampaignsShape = shape<AnalyticsCampaigns>()(
  v.object({
    campaigns: v.array(
      v.object({
        campaignId: v.string(),
        inboxId: v.string(),
        name: v.string(),
        shown: Int,
        replied: Int,
      }),
    ),
  }),
)

export const AnalyticsLabelsShape = shape<AnalyticsLabels>()(
  v.object({
    conversations: Int,
    unlabelled: Int,
    labels: v.array(
      v.object({
        id: v.string(),
        inboxId: v.string(),
        name: v.string(),
        color: v.string(),
        conversations: Int,
      }),
    ),
  }),
)
