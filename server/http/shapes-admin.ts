/**
 * Documented answer shapes of the admin side of the API (operators, inboxes and their
 * settings, branches, canned replies, the audit trail, data-subject requests) and of sign-in,
 * as valibot schemas for the OpenAPI document. Each one is tied to the type the handler really
 * returns (`shape<Real>()`), so a field added or renamed there fails the type check until it is
 * documented here.
 */
import * as v from 'valibot'
import type {
  AuditEntry,
  BranchRecord,
  CannedReplyRecord,
  GeoRule,
  InboxSettings,
  PreChatForm,
} from '../../actors/index.ts'
import { OperatorStatus, PanelLocale } from '../../protocol/index.ts'
import { WebhookDelivery, WebhookEndpoint } from '../../protocol/webhooks.ts'
import type { AuthService, OperatorView } from '../auth/index.ts'
import type { VisitorMatch } from '../data-requests.ts'
import type { ErasureReport } from '../erasure.ts'
import type { InboxView } from './admin.ts'
import type { BranchView } from './branches.ts'
import type { WebhookService } from '../webhooks/service.ts'
import { Int, Millis, shape } from './shapes-common.ts'

export const OperatorShape = shape<OperatorView>()(
  v.object({
    id: v.string(),
    email: v.string(),
    /** The full name colleagues see. */
    name: v.string(),
    /** What visitors see ("Anna"); null: the first word of `name`. */
    displayName: v.nullable(v.string()),
    /** `GET /api/avatars/{id}`; null: the client draws initials. */
    avatarId: v.nullable(v.string()),
    role: v.picklist(['operator', 'supervisor', 'admin']),
    canChat: v.boolean(),
    active: v.boolean(),
    status: OperatorStatus,
    /** The panel's language; null: each device's own. */
    locale: v.optional(v.nullable(PanelLocale)),
    createdAt: Millis,
  }),
)

export const OperatorListShape = v.object({ operators: v.array(OperatorShape) })

export const LoginShape = shape<Awaited<ReturnType<AuthService['login']>>>()(
  v.object({
    /** The session token: `Authorization: Bearer <token>`. */
    token: v.string(),
    expiresAt: Millis,
    operator: OperatorShape,
  }),
)

export const MeShape = v.variant('kind', [
  v.object({ kind: v.literal('visitor'), id: v.string(), inboxId: v.string() }),
  v.object({ kind: v.literal('operator'), operator: OperatorShape }),
])

const Texts = v.object({ en: v.string(), ru: v.string() })

export const PreChatFormShape = shape<PreChatForm>()(
  v.object({
    mode: v.picklist(['off', 'before', 'after']),
    fields: v.array(
      v.object({
        key: v.string(),
        type: v.picklist(['text', 'select', 'email', 'phone']),
        label: Texts,
        required: v.boolean(),
        options: v.optional(v.array(v.string())),
      }),
    ),
  }),
)

export const InboxSettingsShape = shape<InboxSettings>()(
  v.object({
    /** Sites the widget runs on; [] any site; null not chosen yet (no site). */
    allowedOrigins: v.nullable(v.array(v.string())),
    escalationMinutes: Int,
    maxOpenPerOperator: Int,
    visitorMessagesPerMinute: Int,
    closeResolvedAfterDays: Int,
    /** Open and without a message this many days: resolved by the system (issue 20); 0 never. */
    autoResolveAfterDays: Int,
    /** Told to the visitor when it is auto-resolved; empty: nothing. */
    autoResolveMessage: Texts,
    /** Proactive messages: at most one per visitor in this many minutes (issue 20); 0 no gap. */
    campaignGapMinutes: Int,
    eraseClosedAfterDays: Int,
    captcha: v.object({
      mode: v.picklist(['off', 'auto', 'always']),
      sessionsPer10Min: Int,
      conversationsPer10Min: Int,
      messagesPerMinute: Int,
    }),
    attachmentMaxBytes: Int,
    attachmentMaxMessageBytes: Int,
    attachmentTypes: v.array(v.string()),
    rating: v.picklist(['off', 'stars', 'thumbs', 'nps']),
    preChat: PreChatFormShape,
    appearance: v.object({
      title: Texts,
      accentColor: v.string(),
      position: v.picklist(['right', 'left']),
      launcherLabel: Texts,
      language: v.picklist(['auto', 'en', 'ru']),
      showReplyTime: v.boolean(),
      showQueuePosition: v.boolean(),
    }),
  }),
)

export const GeoRuleShape = shape<GeoRule>()(
  v.object({
    /** ISO 3166-1 alpha-2. */
    country: v.string(),
    region: v.optional(v.nullable(v.string())),
    branchId: v.string(),
  }),
)

/** An inbox as admins see it; its identity secret only through its own call. */
export const InboxShape = shape<InboxView>()(
  v.object({
    id: v.string(),
    name: v.string(),
    settings: InboxSettingsShape,
    createdAt: Millis,
    updatedAt: Millis,
    visitorsSignedOutAt: Millis,
    identityRotatedAt: Millis,
    defaultBranchId: v.string(),
    geoRules: v.array(GeoRuleShape),
  }),
)

export const InboxListShape = v.object({ inboxes: v.array(InboxShape) })
export const IdentitySecretShape = v.object({ identitySecret: v.string() })
export const MembersShape = v.object({ operatorIds: v.array(v.string()) })

const Interval = v.object({ from: v.string(), to: v.string() })
const Day = v.optional(v.array(Interval))

export const ScheduleShape = shape<BranchRecord['schedule']>()(
  v.object({
    /** IANA time zone. */
    timeZone: v.string(),
    /** "HH:MM" local intervals per weekday; a missing or empty day is closed. */
    week: v.object({ mon: Day, tue: Day, wed: Day, thu: Day, fri: Day, sat: Day, sun: Day }),
    exceptions: v.array(
      v.object({ date: v.string(), hours: v.array(Interval), note: v.optional(v.string()) }),
    ),
  }),
)

const Reply = v.object({ on: v.boolean(), text: Texts })

export const BranchShape = shape<BranchView>()(
  v.object({
    id: v.string(),
    inboxId: v.string(),
    name: v.string(),
    schedule: ScheduleShape,
    settings: v.object({
      escalateToDefault: v.boolean(),
      offlineText: Texts,
      greeting: Reply,
      firstReply: Reply,
      offlineReply: Reply,
      waitingReply: v.object({ ...Reply.entries, afterSeconds: Int }),
    }),
    createdAt: Millis,
    updatedAt: Millis,
    operatorIds: v.array(v.string()),
    isDefault: v.boolean(),
  }),
)

export const RoutingShape = v.object({
  defaultBranchId: v.string(),
  geoRules: v.array(GeoRuleShape),
})

export const BranchListShape = v.object({
  ...RoutingShape.entries,
  branches: v.array(BranchShape),
})

export const BranchDeletedShape = v.object({
  ok: v.literal(true),
  /** The branch its conversations moved to (the inbox's default). */
  movedTo: v.string(),
})

export const CannedReplyShape = shape<CannedReplyRecord>()(
  v.object({
    id: v.string(),
    /** Shared in this inbox; null: personal. */
    inboxId: v.nullable(v.string()),
    /** Personal to this operator; null: shared. */
    ownerId: v.nullable(v.string()),
    shortcut: v.string(),
    title: v.string(),
    text: v.string(),
    createdBy: v.nullable(v.string()),
    createdAt: Millis,
    updatedAt: Millis,
  }),
)

export const CannedListShape = v.object({ replies: v.array(CannedReplyShape) })

export const AuditEntryShape = shape<AuditEntry>()(
  v.object({
    id: v.string(),
    at: Millis,
    actorKind: v.picklist(['operator', 'anonymous', 'system']),
    actorId: v.nullable(v.string()),
    /** Dotted verb: `auth.login`, `operator.updated`, ... */
    action: v.string(),
    targetKind: v.nullable(v.string()),
    targetId: v.nullable(v.string()),
    address: v.nullable(v.string()),
    details: v.nullable(v.record(v.string(), v.unknown())),
  }),
)

export const AuditPageShape = v.object({
  entries: v.array(AuditEntryShape),
  /** The `before` of the next page; null at the end. */
  next: v.nullable(v.string()),
})

export const VisitorMatchShape = shape<VisitorMatch>()(
  v.object({
    id: v.string(),
    inboxId: v.string(),
    externalId: v.nullable(v.string()),
    name: v.nullable(v.string()),
    email: v.nullable(v.string()),
    createdAt: Millis,
    erasedAt: v.nullable(Millis),
  }),
)

export const VisitorMatchesShape = v.object({ visitors: v.array(VisitorMatchShape) })

export const ErasureReportShape = shape<ErasureReport>()(
  v.object({
    visitorId: v.string(),
    erasedAt: Millis,
    conversations: Int,
    filesPurged: Int,
  }),
)

export const SetupStateShape = v.object({ pending: v.boolean() })

export const WebhookListShape = v.object({ endpoints: v.array(WebhookEndpoint) })
export const WebhookEnvelopeShape = v.object({ endpoint: WebhookEndpoint })
export const DeliveryEnvelopeShape = v.object({ delivery: WebhookDelivery })
export const DeliveryPageShape = shape<Awaited<ReturnType<WebhookService['deliveries']>>>()(
  v.object({
    deliveries: v.array(WebhookDelivery),
    /** The `before` of the next page; null at the end. */
    next: v.nullable(v.string()),
  }),
)

/** Whether password reset by e-mail works here (SMTP and PUBLIC_URL are set). */
export const ResetAvailableShape = v.object({ available: v.boolean() })
