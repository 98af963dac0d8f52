/**
 * Where an inbox's widget may run (S3), enforced on every visitor entry point.
 *
 * A browser says which page sent a request in `Origin`; non-browser clients (a site's backend,
 * k6, curl) send none and could send any, so the list binds browsers, which is what it is
 * for: other websites cannot run this inbox's widget or call its API from their pages. The
 * rules, per request that names an inbox (session creation, availability, every call with a
 * visitor token, a socket's or stream's authentication):
 * - no `Origin`, or Parley's own origin: admitted;
 * - a site's origin: admitted when the inbox's list allows it (`[]`: any site);
 * - `null`, an opaque origin: the widget's own frame, which runs sandboxed. A page on any site
 *   can make one, so it is admitted only with proof of having been framed where the list
 *   allows: a visitor token (issued through this same check), or, to get the first one, the
 *   frame ticket the server wrote into the frame's page. That page is served with
 *   `frame-ancestors` from the list, so browsers render it (and so its ticket) only inside
 *   allowed sites; the ticket is bound to the inbox and to the address that loaded the page,
 *   and the page is not readable cross-origin (no CORS on it).
 * Refusals are `origin_not_allowed` (403) and counted per entry point in /metrics.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Clock, Store } from '../actors/index.ts'
import { originAllowed, ParleyError } from '../protocol/index.ts'
import type { Metrics } from './metrics.ts'

/** How long a frame page's ticket opens new sessions; the frame reloads for a new one. */
export const FRAME_TICKET_MS = 12 * 3_600_000
/**
 * How long a node trusts a cached list without hearing of a change: admin changes drop it at
 * once on every node (an `inbox_sites` revocation); this bounds a missed one.
 */
const CACHE_MS = 10_000
const MAX_CACHED = 10_000

/** Where a request came in, for the refusal counter. */
export type OriginEntry = 'session' | 'availability' | 'http' | 'websocket' | 'stream' | 'panel'

/** What a request says about where it came from. */
export interface RequestOrigin {
  /** The `Origin` header as sent (`null` when absent; the string "null" when opaque). */
  origin: string | null
  /** True when it names another origin than this server's (http/cors.ts isForeignOrigin). */
  foreign: boolean
}

/** An inbox's list as stored: `null` not chosen, `[]` anywhere, else the sites. */
type AllowedList = string[] | null

export class OriginGuard {
  private readonly cache = new Map<string, { list: AllowedList; until: number }>()

  constructor(
    private readonly deps: {
      store: Store
      secret: string
      clock: Clock
      metrics: Metrics
    },
  ) {}

  /**
   * Throws `origin_not_allowed` unless a request naming this inbox may come from where it
   * says. `opaqueAdmitted`: an opaque origin needs no more proof, because the request carries
   * a visitor token of this inbox (checked by the caller) or only reads what any page may see;
   * `ticket`: the frame ticket it carries, with the client address it must be bound to.
   */
  async admit(
    inboxId: string,
    from: RequestOrigin,
    how: {
      entry: OriginEntry
      opaqueAdmitted?: boolean
      ticket?: { value: string | undefined; clientKey: string }
    },
  ): Promise<void> {
    if (!from.foreign || from.origin === null) return
    const list = await this.list(inboxId)
    // An unknown inbox: the route's own lookup answers not_found.
    if (list === undefined) return
    if (list !== null && list.length === 0) return
    if (from.origin === 'null') {
      if (how.opaqueAdmitted) return
      if (how.ticket && this.ticketValid(how.ticket.value, inboxId, how.ticket.clientKey)) return
      this.refuse(how.entry, 'this page cannot show the widget of this inbox')
    }
    if (list !== null && originAllowed(list, from.origin)) return
    this.refuse(how.entry, `this inbox's widget does not run on ${from.origin.slice(0, 100)}`)
  }

  /** A request to the panel's API from another site's page (operators' routes). */
  refusePanel(): never {
    this.refuse('panel', "the panel's API answers the panel's own pages only")
  }

  /**
   * The value of the frame page's `frame-ancestors` for an inbox, or null for none (any site
   * may frame it). `'self'` keeps the panel's preview working. (No source matches the demo
   * page, which is sandboxed: it shows inboxes that run anywhere, like the default one.)
   */
  async frameAncestors(inboxId: string): Promise<string | null> {
    const list = await this.list(inboxId)
    if (list === undefined) return "'self'"
    if (list !== null && list.length === 0) return null
    return ["'self'", ...(list ?? [])].join(' ')
  }

  /** A ticket for the frame page an address is loading: `<expiry>.<mac>`. */
  frameTicket(inboxId: string, clientKey: string): string {
    const expires = this.deps.clock.now() + FRAME_TICKET_MS
    return `${expires}.${this.mac(inboxId, clientKey, expires)}`
  }

  /** Drops a cached list (the inbox's sites changed, on this node or another). */
  forget(inboxId: string): void {
    this.cache.delete(inboxId)
  }

  /** Drops every cached list (this node may have missed changes while its link was down). */
  forgetAll(): void {
    this.cache.clear()
  }

  private ticketValid(ticket: string | undefined, inboxId: string, clientKey: string): boolean {
    const match = ticket ? /^(\d{1,15})\.([A-Za-z0-9_-]{22})$/.exec(ticket) : null
    if (!match) return false
    const expires = Number(match[1])
    if (expires <= this.deps.clock.now()) return false
    const given = Buffer.from(match[2]!)
    const expected = Buffer.from(this.mac(inboxId, clientKey, expires))
    return given.length === expected.length && timingSafeEqual(given, expected)
  }

  private mac(inboxId: string, clientKey: string, expires: number): string {
    return createHmac('sha256', this.deps.secret)
      .update(`parley-frame-ticket\n${inboxId}\n${clientKey}\n${expires}`)
      .digest('base64url')
      .slice(0, 22)
  }

  private refuse(entry: OriginEntry, message: string): never {
    this.deps.metrics.inc(
      'parley_origin_refused_total',
      'Browser requests refused because of the page they came from (S3), by entry point.',
      { entry },
    )
    throw new ParleyError('origin_not_allowed', message)
  }

  /** The inbox's list; undefined when there is no such inbox. */
  private async list(inboxId: string): Promise<AllowedList | undefined> {
    const now = this.deps.clock.now()
    const hit = this.cache.get(inboxId)
    if (hit && hit.until > now) return hit.list
    const inbox = await this.deps.store.inboxes.get(inboxId)
    if (!inbox) return undefined
    const list = inbox.settings.allowedOrigins
    if (this.cache.size >= MAX_CACHED) this.cache.clear()
    this.cache.set(inboxId, { list, until: now + CACHE_MS })
    return list
  }
}
