/** Geographic routing rules: which branch serves visitors from where. Pure: no I/O, no clock. */
import { ParleyError } from '../../protocol/index.ts'
import type { GeoLocation } from './geoip.ts'

/** One routing rule: visitors located in `country` (and `region`, when set) go to `branchId`. */
export interface GeoRule {
  country: string
  region?: string | null
  branchId: string
}

export const MAX_GEO_RULES = 500

const COUNTRY = /^[A-Z]{2}$/
/** Letters of any script: region names come from the database as written ("Baden-Württemberg"). */
const REGION = /^[\p{L}\p{N} -]{1,64}$/u
const FIELDS = new Set(['country', 'region', 'branchId'])

/**
 * Validates rules from JSON (country: two letters A-Z, upper-cased; region optional, 1-64 chars of
 * letters, digits, space, '-'; branchId must be in `branchIds`; at most 500 rules; duplicates
 * (same country+region) refused). Throws ParleyError('validation_failed', message naming the
 * index, e.g. `rules[3].branchId: no such branch "x"`). Returns a normalized copy.
 */
export function parseGeoRules(input: unknown, branchIds: ReadonlySet<string>): GeoRule[] {
  if (!Array.isArray(input)) throw invalid('rules: must be an array')
  if (input.length > MAX_GEO_RULES) {
    throw invalid(`rules: at most ${MAX_GEO_RULES} rules (got ${input.length})`)
  }
  const seen = new Map<string, number>()
  return input.map((item: unknown, i) => {
    const at = `rules[${i}]`
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw invalid(`${at}: must be an object`)
    }
    const rule = item as Record<string, unknown>
    // A misspelt "regoin" would otherwise widen the rule to the whole country without a word.
    const unknown = Object.keys(rule).find((key) => !FIELDS.has(key))
    if (unknown !== undefined) throw invalid(`${at}: unknown field "${unknown}"`)

    const country = typeof rule.country === 'string' ? rule.country.toUpperCase() : null
    if (country === null || !COUNTRY.test(country)) {
      throw invalid(`${at}.country: must be a two-letter ISO 3166-1 code`)
    }
    let region: string | null = null
    if (rule.region !== undefined && rule.region !== null) {
      region = typeof rule.region === 'string' ? rule.region.trim().normalize('NFC') : ''
      if (!REGION.test(region)) {
        throw invalid(`${at}.region: must be 1-64 letters, digits, spaces or '-'`)
      }
    }
    const branchId = rule.branchId
    if (typeof branchId !== 'string' || !branchIds.has(branchId)) {
      throw invalid(`${at}.branchId: no such branch ${JSON.stringify(branchId ?? null)}`)
    }

    const key = `${country}/${region?.toLowerCase() ?? ''}`
    const first = seen.get(key)
    if (first !== undefined) throw invalid(`${at}: same country and region as rules[${first}]`)
    seen.set(key, i)
    return { country, region, branchId }
  })
}

/**
 * The branch for a location: a rule with matching country AND region wins over a country-only
 * rule; no location or no match -> null (the caller uses the default branch). Region compares
 * case-insensitively against both location.region and location.regionName, so a rule may name
 * either the ISO code ("MOW") or the name ("Moscow"). Among equals, the earlier rule wins.
 */
export function matchGeoRule(
  rules: readonly GeoRule[],
  location: GeoLocation | null,
): string | null {
  if (location === null) return null
  const country = location.country.toUpperCase()
  const code = fold(location.region)
  const name = fold(location.regionName)
  let countryWide: string | null = null
  for (const rule of rules) {
    if (rule.country.toUpperCase() !== country) continue
    if (!rule.region) {
      countryWide ??= rule.branchId
      continue
    }
    const region = fold(rule.region)
    if (region === code || region === name) return rule.branchId
  }
  return countryWide
}

function fold(value: string | null | undefined): string | null {
  return value ? value.normalize('NFC').toLowerCase() : null
}

function invalid(message: string): ParleyError {
  return new ParleyError('validation_failed', message)
}
