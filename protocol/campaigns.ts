/**
 * Proactive messages (issue 20, M6): an inbox's campaigns. A campaign is a message the widget
 * shows, unasked, to visitors its rules match (page address, time on the page, new or returning
 * visitor, country, language, the branch's open hours, start and end dates). Each visitor sees
 * a campaign at most once, and at most one campaign every `campaignGapMinutes` (the inbox's
 * frequency cap); the server records each showing before the widget shows it, so neither a
 * second tab nor a second node shows it again. A visitor who answers opens a conversation
 * attributed to the campaign: its text is the conversation's first message (by the system,
 * `CAMPAIGN_AUTHOR`), the conversation carries `campaignId`. Shown and replied are counted.
 *
 * Not exported from protocol/index.ts: valibot schemas stay out of the client bundles.
 */
import * as v from 'valibot'
import { MAX_TEXT_LENGTH } from './limits.ts'
import { wireString } from './strings.ts'

/** The most campaigns one inbox defines. */
export const MAX_INBOX_CAMPAIGNS = 20
/** The longest campaign name. */
export const MAX_CAMPAIGN_NAME = 80
/** The longest page address pattern. */
export const MAX_CAMPAIGN_URL_PATTERN = 500
/** The longest wait on a page before a campaign shows: one hour. */
export const MAX_CAMPAIGN_AFTER_SECONDS = 3600
/** The most countries, and languages, one campaign names. */
export const MAX_CAMPAIGN_COUNTRIES = 50
/** The most campaigns one visitor is offered at a time (the widget shows the first due). */
export const MAX_CAMPAIGN_OFFERS = 3
/** A returning visitor was first seen at least this long ago. */
export const RETURNING_AFTER_MS = 30 * 60_000
/** The inbox's frequency cap when none is set: one campaign per visitor per hour. */
export const DEFAULT_CAMPAIGN_GAP_MINUTES = 60
/** The longest frequency cap: a week, in minutes. */
export const MAX_CAMPAIGN_GAP_MINUTES = 10_080
/** The inbox's frequency cap, in whole minutes; 0: no gap between different campaigns. */
export const CampaignGapMinutes = v.pipe(
  v.number(),
  v.integer('minutes are whole'),
  v.minValue(0, 'the gap is not negative'),
  v.maxValue(
    MAX_CAMPAIGN_GAP_MINUTES,
    `the gap is at most ${MAX_CAMPAIGN_GAP_MINUTES} minutes (a week)`,
  ),
)
/** The system author of a campaign's message in a conversation. */
export const CAMPAIGN_AUTHOR = 'campaign'

export const CAMPAIGN_AUDIENCES = ['all', 'new', 'returning'] as const
export type CampaignAudience = (typeof CAMPAIGN_AUDIENCES)[number]

/** Who a campaign is for; every rule must hold. Empty lists and patterns match everyone. */
export interface CampaignRules {
  /**
   * The page's address (without its fragment), `*` for any run of characters, matched whole
   * and case-insensitively, e.g. `https://shop.example/pricing*` or `*pricing*`; empty: any page.
   */
  urlPattern: string
  /** Seconds the visitor has been on the page. */
  afterSeconds: number
  audience: CampaignAudience
  /** ISO 3166-1 alpha-2 codes, upper case (GeoIP of the visitor's address). */
  countries: string[]
  /** The widget's languages. */
  languages: Array<'en' | 'ru'>
  /** Only while the visitor's branch is within its open hours. */
  businessHoursOnly: boolean
}

/** A campaign as admins and supervisors see it. */
export interface Campaign {
  id: string
  inboxId: string
  name: string
  /** The message (the messages' safe Markdown). */
  text: string
  /** The operator it is shown from (name and face); null: the team (the widget's title). */
  senderId: string | null
  enabled: boolean
  /** Shown from / until (ms); null: no limit. */
  startsAt: number | null
  endsAt: number | null
  rules: CampaignRules
  /** Visitors it was shown to, and conversations opened in reply, all time. */
  shown: number
  replied: number
  createdAt: number
  updatedAt: number
}

/** What a visitor's widget is offered: a campaign due `afterSeconds` after the page opened. */
export interface CampaignOffer {
  id: string
  text: string
  afterSeconds: number
  /** The sender operator's visitor-facing name and picture (`/api/avatars/:avatarId`), or the
   * team: the widget's title and no picture. */
  sender: { name: string; avatarId: string | null }
}

const Name = v.pipe(
  wireString('name'),
  v.trim(),
  v.minLength(1, 'the name is empty'),
  v.maxLength(MAX_CAMPAIGN_NAME, `the name is longer than ${MAX_CAMPAIGN_NAME} characters`),
  v.check((s) => !/[\p{Cc}\p{Cf}]/u.test(s), 'the name holds control characters'),
)

const Text = v.pipe(
  wireString('text'),
  v.maxLength(MAX_TEXT_LENGTH, `the text is longer than ${MAX_TEXT_LENGTH} characters`),
  v.check((s) => s.trim().length > 0, 'the text is empty'),
)

const Time = v.nullable(
  v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(8_640_000_000_000_000)),
)

const UrlPattern = v.pipe(
  wireString('urlPattern'),
  v.trim(),
  v.maxLength(
    MAX_CAMPAIGN_URL_PATTERN,
    `the page pattern is longer than ${MAX_CAMPAIGN_URL_PATTERN} characters`,
  ),
  v.check(
    (s) => !/[\s\p{Cc}\p{Cf}]/u.test(s),
    'the page pattern holds spaces or control characters',
  ),
)

const Country = v.pipe(
  wireString('country'),
  v.toUpperCase(),
  v.regex(/^[A-Z]{2}$/, 'a country is a two-letter ISO 3166-1 code'),
)

export const CampaignRulesInput = v.strictObject({
  urlPattern: v.optional(UrlPattern, ''),
  afterSeconds: v.optional(
    v.pipe(
      v.number(),
      v.integer('seconds are whole'),
      v.minValue(0, 'the wait is not negative'),
      v.maxValue(MAX_CAMPAIGN_AFTER_SECONDS, `the wait is at most ${MAX_CAMPAIGN_AFTER_SECONDS} s`),
    ),
    0,
  ),
  audience: v.optional(v.picklist(CAMPAIGN_AUDIENCES), 'all'),
  countries: v.optional(
    v.pipe(
      v.array(Country),
      v.maxLength(MAX_CAMPAIGN_COUNTRIES, `at most ${MAX_CAMPAIGN_COUNTRIES} countries`),
      v.transform((list) => [...new Set(list)]),
    ),
    [],
  ),
  languages: v.optional(
    v.pipe(
      v.array(v.picklist(['en', 'ru'])),
      v.transform((list) => [...new Set(list)]),
    ),
    [],
  ),
  businessHoursOnly: v.optional(v.boolean(), false),
})

const datesInOrder = (c: { startsAt?: number | null; endsAt?: number | null }) =>
  c.startsAt == null || c.endsAt == null || c.startsAt < c.endsAt

/** The body that defines a campaign. */
export const CampaignInput = v.pipe(
  v.strictObject({
    name: Name,
    text: Text,
    senderId: v.optional(
      v.nullable(v.pipe(wireString('senderId'), v.minLength(1), v.maxLength(64))),
      null,
    ),
    enabled: v.optional(v.boolean(), true),
    startsAt: v.optional(Time, null),
    endsAt: v.optional(Time, null),
    rules: v.optional(CampaignRulesInput, {}),
  }),
  v.check((c) => datesInOrder(c), 'the campaign ends before it starts'),
)
export type CampaignInput = v.InferOutput<typeof CampaignInput>

/** What may change: any field; `rules` is replaced whole (its omitted fields take defaults). */
export const CampaignPatch = v.pipe(
  v.strictObject({
    name: v.optional(Name),
    text: v.optional(Text),
    senderId: v.optional(
      v.nullable(v.pipe(wireString('senderId'), v.minLength(1), v.maxLength(64))),
    ),
    enabled: v.optional(v.boolean()),
    startsAt: v.optional(Time),
    endsAt: v.optional(Time),
    rules: v.optional(CampaignRulesInput),
  }),
  v.check((p) => Object.keys(p).length > 0, 'nothing to change'),
  v.check((c) => datesInOrder(c), 'the campaign ends before it starts'),
)
export type CampaignPatch = v.InferOutput<typeof CampaignPatch>

/** Whether the campaign runs at `now` (enabled, within its dates). */
export function campaignLive(c: Pick<Campaign, 'enabled' | 'startsAt' | 'endsAt'>, now: number) {
  return (
    c.enabled && (c.startsAt === null || c.startsAt <= now) && (c.endsAt === null || now < c.endsAt)
  )
}

/**
 * Whether a page address matches a pattern: `*` is any run of characters, everything else is
 * literal, the whole address (fragment dropped) must match, case does not matter. Linear time
 * (no regular expression built from the pattern: no backtracking on hostile patterns).
 */
export function urlMatches(pattern: string, url: string): boolean {
  if (pattern === '') return true
  const p = pattern.toLowerCase()
  const hash = url.indexOf('#')
  const s = (hash === -1 ? url : url.slice(0, hash)).toLowerCase()
  const parts = p.split('*')
  const first = parts[0]!
  if (!s.startsWith(first)) return false
  if (parts.length === 1) return s === first
  const last = parts[parts.length - 1]!
  if (s.length - last.length < first.length || !s.endsWith(last)) return false
  let at = first.length
  const end = s.length - last.length
  for (let i = 1; i < parts.length - 1; i++) {
    const part = parts[i]!
    if (part === '') continue
    const found = s.indexOf(part, at)
    if (found === -1 || found + part.length > end) return false
    at = found + part.length
  }
  return true
}
