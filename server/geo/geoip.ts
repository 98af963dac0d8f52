/**
 * Visitor location from the client IP address, read from a MaxMind DB (MMDB) file held in memory.
 * Understands the record shapes of the ip-location-db databases (flat `country_code`, `state1`,
 * `city`) and of MaxMind GeoIP2/GeoLite2 and DB-IP Lite (`country.iso_code`, `subdivisions`).
 */
import { open, type Reader } from 'maxmind'
import { fileURLToPath } from 'node:url'

/** Where a visitor is, as far as the database knows. */
export interface GeoLocation {
  /** ISO 3166-1 alpha-2, upper case. */
  country: string
  /**
   * ISO 3166-2 subdivision code without the country prefix when the database has one ("MOW"),
   * else the region name ("Moscow"), else null.
   */
  region: string | null
  /** The region's English name, when the database has one. */
  regionName: string | null
  city: string | null
}

/** An open database. Lookups are synchronous and do no I/O: the whole file is in memory. */
export interface GeoIp {
  /** Null for anything that is not a public unicast address the database knows; never throws. */
  lookup(ip: string): GeoLocation | null
  /** The file path the database was read from. */
  readonly source: string
  /** False for country-only databases, where region rules can never match. */
  readonly hasRegions: boolean
  /** Drops the in-memory database; later lookups return null. */
  close?(): void
}

/** The country database shipped in its npm package; used when GEOIP_DB is not set. */
const SHIPPED_DB = '@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb'

/**
 * Opens the MMDB at `path` (GEOIP_DB) or, when null, the shipped country database. Throws a clear
 * Error naming the file when it cannot be read or is not an MMDB.
 */
export async function openGeoIp(path: string | null): Promise<GeoIp> {
  const source = path ?? shippedPath()
  let reader: Reader<object> | null
  try {
    reader = await open<object>(source)
  } catch (err) {
    throw openError(source, err)
  }
  const { ipVersion, nodeCount, databaseType } = reader.metadata
  if ((ipVersion !== 4 && ipVersion !== 6) || !(nodeCount > 0)) {
    throw new Error(`geoip: ${source} is not a MaxMind DB (.mmdb) file: bad metadata`)
  }
  // An IPv4-only tree answers IPv6 queries with a wrong record instead of none: ask it nothing.
  const ipv6 = ipVersion === 6
  return {
    source,
    hasRegions: /city|enterprise/i.test(String(databaseType)),
    lookup(ip) {
      const query = publicQuery(ip)
      if (query === null || reader === null || (!ipv6 && query.includes(':'))) return null
      try {
        return toLocation(reader.get(query))
      } catch {
        return null // a damaged file fails per lookup; a visitor without a location is routine
      }
    },
    close() {
      reader = null
    },
  }
}

/** Resolved on use, so a server with GEOIP_DB set does not need the package installed. */
function shippedPath(): string {
  try {
    return fileURLToPath(import.meta.resolve(SHIPPED_DB))
  } catch (err) {
    throw new Error(`geoip: ${SHIPPED_DB} is not installed; run npm install`, { cause: err })
  }
}

function openError(source: string, err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err)
  const code = (err as { code?: unknown } | null)?.code
  if (typeof code === 'string') {
    return new Error(`geoip: cannot read ${source}: ${message}`, { cause: err })
  }
  if (/gzip/i.test(message)) {
    return new Error(`geoip: ${source} is gzip-compressed; decompress it to a .mmdb file`, {
      cause: err,
    })
  }
  return new Error(`geoip: ${source} is not a MaxMind DB (.mmdb) file: ${message}`, { cause: err })
}

const IPV4_OCTET = /^(?:0|[1-9]\d{0,2})$/
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/

/**
 * The string to ask the reader for, or null when `ip` is malformed or not public unicast. The
 * reader's own parser accepts "1.2.3" and "1.2.3.4.5" and looks them up, so parsing is strict here.
 */
function publicQuery(ip: string): string | null {
  if (typeof ip !== 'string' || ip.length > 45) return null
  if (!ip.includes(':')) {
    const octets = parseIPv4(ip)
    return octets !== null && isPublicIPv4(octets) ? ip : null
  }
  const words = parseIPv6(ip)
  if (words === null) return null
  // IPv4-mapped (::ffff:a.b.c.d): the socket saw an IPv4 client; the tree files it under IPv4.
  if (words[0] === 0 && words[1] === 0 && words[2] === 0 && words[3] === 0 && words[4] === 0) {
    if (words[5] !== 0xffff) return null
    const octets = [words[6]! >> 8, words[6]! & 0xff, words[7]! >> 8, words[7]! & 0xff]
    return isPublicIPv4(octets) ? octets.join('.') : null
  }
  // Validated above, so the reader's lenient parser reads it right.
  return isPublicIPv6(words) ? ip : null
}

/** Dotted decimal only: no leading zeros (octal in some parsers), no short forms like "127.1". */
function parseIPv4(ip: string): number[] | null {
  const parts = ip.split('.')
  if (parts.length !== 4) return null
  const octets: number[] = []
  for (const part of parts) {
    if (!IPV4_OCTET.test(part)) return null
    const n = Number(part)
    if (n > 255) return null
    octets.push(n)
  }
  return octets
}

/** Eight 16-bit words, or null. Zone ids ("fe80::1%eth0") are refused: they only name link-local. */
function parseIPv6(ip: string): number[] | null {
  let text = ip
  const tail: number[] = []
  const lastColon = text.lastIndexOf(':')
  if (text.indexOf('.', lastColon) !== -1) {
    const octets = parseIPv4(text.slice(lastColon + 1))
    if (octets === null) return null
    tail.push((octets[0]! << 8) | octets[1]!, (octets[2]! << 8) | octets[3]!)
    // Keep "::" when the tail follows it ("::1.2.3.4"); drop the lone separator otherwise.
    text = text.slice(0, lastColon + 1)
    if (!text.endsWith('::')) text = text.slice(0, -1)
  }
  const halves = text.split('::')
  if (halves.length > 2) return null
  const groups = (half: string | undefined) => (half ? half.split(':') : [])
  const head = groups(halves[0])
  const rest = halves.length === 2 ? groups(halves[1]) : []
  const given = head.length + rest.length + tail.length
  if (halves.length === 1 ? given !== 8 : given > 7) return null
  const words: number[] = []
  for (const group of head) {
    if (!HEX_GROUP.test(group)) return null
    words.push(parseInt(group, 16))
  }
  for (let i = given; i < 8; i++) words.push(0)
  for (const group of rest) {
    if (!HEX_GROUP.test(group)) return null
    words.push(parseInt(group, 16))
  }
  words.push(...tail)
  return words
}

/** Private, shared (CGNAT), loopback, link-local, documentation, multicast and reserved are out. */
function isPublicIPv4([a, b, c]: number[]): boolean {
  if (a === undefined || b === undefined || c === undefined) return false
  if (a === 0 || a === 10 || a === 127 || a >= 224) return false
  if (a === 100 && b >= 64 && b <= 127) return false
  if (a === 169 && b === 254) return false
  if (a === 172 && b >= 16 && b <= 31) return false
  if (a === 192 && (b === 168 || (b === 0 && (c === 0 || c === 2)))) return false
  if (a === 198 && (b === 18 || b === 19 || (b === 51 && c === 100))) return false
  return !(a === 203 && b === 0 && c === 113)
}

/**
 * Only global unicast (2000::/3) has a location; that also rules out unique-local, link-local,
 * multicast, loopback and unspecified. Documentation prefixes are carved out of it.
 */
function isPublicIPv6([w0, w1]: number[]): boolean {
  if (w0 === undefined || w1 === undefined || (w0 & 0xe000) !== 0x2000) return false
  if (w0 === 0x2001 && w1 === 0x0db8) return false
  return !(w0 === 0x3fff && w1 < 0x1000)
}

type Fields = Record<string, unknown>

const COUNTRY = /^[A-Z]{2}$/
const fields = (v: unknown): Fields | null =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Fields) : null
const nonEmpty = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null)
const englishName = (v: unknown): string | null => nonEmpty(fields(fields(v)?.names)?.en)

/** Maps a record of either family to a GeoLocation; null when it carries no usable country. */
function toLocation(record: unknown): GeoLocation | null {
  const r = fields(record)
  if (r === null) return null
  const flat = nonEmpty(r.country_code)
  if (flat !== null) {
    // ip-location-db: names only; state1 is the first-level subdivision (empty when unknown).
    const country = flat.toUpperCase()
    const state = nonEmpty(r.state1)
    return COUNTRY.test(country)
      ? { country, region: state, regionName: state, city: nonEmpty(r.city) }
      : null
  }
  // GeoIP2 shape. registered_country stands in when the network has no located country.
  const iso =
    nonEmpty(fields(r.country)?.iso_code) ?? nonEmpty(fields(r.registered_country)?.iso_code)
  const country = iso?.toUpperCase() ?? ''
  if (!COUNTRY.test(country)) return null
  const subdivision = Array.isArray(r.subdivisions) ? fields(r.subdivisions[0]) : null
  const code = nonEmpty(subdivision?.iso_code)
  const regionName = englishName(subdivision)
  const region = code?.startsWith(`${country}-`) ? code.slice(3) : code
  return { country, region: region ?? regionName, regionName, city: englishName(r.city) }
}
