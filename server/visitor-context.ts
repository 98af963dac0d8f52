/**
 * Where a visitor is (identity and context): what the widget reports about the page, and what
 * the server reads from the User-Agent header (ua-parser-js): browser, OS and device type.
 */
import { UAParser } from 'ua-parser-js'
import type { PageContext, VisitorContext } from '../protocol/index.ts'

/** The request's User-Agent, cut to 512 characters; null without one. */
export function userAgentOf(req: Request): string | null {
  return req.headers.get('user-agent')?.slice(0, 512) || null
}

/** A name and an optional version as one label ("Chrome 131"); null without a name. */
function label(name: string | undefined, version: string | undefined): string | null {
  if (!name) return null
  return version ? `${name} ${version}` : name
}

/** The browser, OS and device type a User-Agent names (device `desktop` when it names none). */
export function parseUserAgent(
  userAgent: string | null,
): Pick<VisitorContext, 'browser' | 'os' | 'device'> {
  if (!userAgent) return { browser: null, os: null, device: null }
  const ua = new UAParser(userAgent).getResult()
  const browser = label(ua.browser.name, ua.browser.major)
  const os = label(ua.os.name, ua.os.version)
  // ua-parser-js names mobile, tablet, console, smarttv, wearable, embedded; nothing: a desktop
  // browser, unless nothing at all was recognised.
  const device = ua.device.type ?? (browser !== null || os !== null ? 'desktop' : null)
  return { browser, os, device }
}

/** The page part from the widget with the agent part from the request. */
export function visitorContext(
  page: PageContext | undefined,
  userAgent: string | null,
): VisitorContext {
  return {
    url: page?.url ?? null,
    title: page?.title || null,
    referrer: page?.referrer || null,
    language: page?.language ?? null,
    timeZone: page?.timeZone ?? null,
    userAgent,
    ...parseUserAgent(userAgent),
  }
}
