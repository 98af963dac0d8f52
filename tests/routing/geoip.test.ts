/**
 * Visitor location from the client IP: the shipped country MMDB read by the real maxmind reader,
 * city-level record shapes through a small MMDB built here, and the routing rules on top.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { isParleyError } from '../../protocol/index.ts'
import { openGeoIp, type GeoIp, type GeoLocation } from '../../server/geo/geoip.ts'
import { matchGeoRule, parseGeoRules, type GeoRule } from '../../server/geo/rules.ts'
import { buildMmdb, CITY_FIXTURE } from '../helpers/mmdb.ts'

let dir: string
let shipped: GeoIp
let city: GeoIp

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parley-geoip-'))
  shipped = await openGeoIp(null)
  writeFileSync(join(dir, 'city.mmdb'), buildMmdb(CITY_FIXTURE))
  city = await openGeoIp(join(dir, 'city.mmdb'))
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

const countryOnly = (country: string): GeoLocation => ({
  country,
  region: null,
  regionName: null,
  city: null,
})

describe('geoip: the shipped country database', () => {
  test('geoip - well-known public addresses resolve to their country', () => {
    // Operators' own networks, registered in these countries for decades. 1.1.1.1 is left out:
    // it is APNIC's block run by Cloudflare, and databases disagree on it.
    const known: [string, string][] = [
      ['8.8.8.8', 'US'],
      ['2001:4860:4860::8888', 'US'],
      ['77.88.8.8', 'RU'],
      ['2a02:6b8::feed:0ff', 'RU'],
      ['46.4.0.1', 'DE'],
      ['88.198.0.1', 'DE'],
      ['2a01:4f8::1', 'DE'],
    ]
    for (const [ip, country] of known)
      expect([ip, shipped.lookup(ip)]).toEqual([ip, countryOnly(country)])
  })

  test('geoip - the shipped database is the country file and says it has no regions', () => {
    expect(shipped.source).toEndWith('geo-whois-asn-country.mmdb')
    expect(shipped.hasRegions).toBe(false)
  })

  test('geoip - IPv4-mapped IPv6 is unwrapped and looked up as IPv4', () => {
    // The combined file has no record under ::ffff:0:0/96, so without unwrapping these are null.
    expect(shipped.lookup('::ffff:8.8.8.8')).toEqual(countryOnly('US'))
    expect(shipped.lookup('::FFFF:77.88.8.8')).toEqual(countryOnly('RU'))
    expect(shipped.lookup('::ffff:808:808')).toEqual(countryOnly('US'))
    expect(shipped.lookup('0:0:0:0:0:ffff:2e04:1')).toEqual(countryOnly('DE'))
    expect(shipped.lookup('::ffff:10.0.0.1')).toBeNull()
    expect(shipped.lookup('::ffff:127.0.0.1')).toBeNull()
  })

  test('geoip - private, loopback, link-local and unspecified addresses have no location', () => {
    // The shipped file maps 192.168.0.0/16 to a country: only the address check keeps it out.
    const internal = [
      '10.0.0.1',
      '172.16.5.4',
      '192.168.1.1',
      '100.64.0.1',
      '127.0.0.1',
      '169.254.10.10',
      '0.0.0.0',
      '255.255.255.255',
      '224.0.0.251',
      '192.0.2.1',
      '::1',
      '::',
      'fe80::1',
      'fe80::1%eth0',
      'fd12:3456:789a::1',
      'ff02::1',
      '2001:db8::1',
    ]
    for (const ip of internal) expect([ip, shipped.lookup(ip)]).toEqual([ip, null])
  })

  test('geoip - malformed input returns null and never throws', () => {
    const bad: unknown[] = [
      '',
      'abc',
      '1.2.3',
      '1.2.3.4.5',
      '256.1.1.1',
      '01.02.03.04',
      '127.1',
      ' 8.8.8.8',
      '8.8.8.8:443',
      '[2a02:6b8::1]',
      '1::2::3',
      '1:2:3:4:5:6:7:8:9',
      '2a02:6b8::g',
      '::ffff:999.0.0.1',
      ':::1.2.3.4',
      '8'.repeat(10_000),
      undefined,
      null,
      42,
      {},
    ]
    for (const ip of bad) expect([ip, shipped.lookup(ip as string)]).toEqual([ip, null])
  })

  test('geoip - 100k lookups: speed is printed, not asserted', () => {
    const ips = [
      '8.8.8.8',
      '77.88.8.8',
      '46.4.0.1',
      '2a02:6b8::feed:0ff',
      '::ffff:88.198.0.1',
      '10.0.0.1',
    ]
    for (let i = 0; i < 1000; i++)
      ips.push(`${1 + ((i * 37) % 222)}.${(i * 91) % 256}.${i % 256}.7`)
    for (let i = 0; i < 20_000; i++) shipped.lookup(ips[i % ips.length]!) // let the JIT settle
    let found = 0
    const started = performance.now()
    for (let i = 0; i < 100_000; i++) if (shipped.lookup(ips[i % ips.length]!) !== null) found++
    const seconds = (performance.now() - started) / 1000
    console.log(`geoip: ${Math.round(100_000 / seconds).toLocaleString('en')} lookups/s`)
    expect(found).toBeGreaterThan(50_000)
  })
})

describe('geoip: opening files', () => {
  test('geoip - a missing file is refused with an error naming it', async () => {
    const path = join(dir, 'nope.mmdb')
    await expect(openGeoIp(path)).rejects.toThrow(`cannot read ${path}`)
  })

  test('geoip - a file that is not an MMDB is refused with an error naming it', async () => {
    const text = join(dir, 'countries.csv')
    writeFileSync(text, '1.0.0.0,1.0.0.255,AU\n')
    await expect(openGeoIp(text)).rejects.toThrow(`${text} is not a MaxMind DB (.mmdb) file`)
    const empty = join(dir, 'empty.mmdb')
    writeFileSync(empty, '')
    await expect(openGeoIp(empty)).rejects.toThrow(`${empty} is not a MaxMind DB (.mmdb) file`)
    const gz = join(dir, 'city.mmdb.gz')
    writeFileSync(gz, gzipSync(buildMmdb(CITY_FIXTURE)))
    await expect(openGeoIp(gz)).rejects.toThrow(`${gz} is gzip-compressed`)
  })

  test('geoip - close drops the database and later lookups return null', async () => {
    const db = await openGeoIp(join(dir, 'city.mmdb'))
    expect(db.lookup('77.88.8.8')).not.toBeNull()
    db.close?.()
    expect(db.lookup('77.88.8.8')).toBeNull()
  })
})

describe('geoip: city-level records (built MMDB, real reader)', () => {
  test('geoip - GeoLite2 records give the subdivision code, its name and the city', () => {
    expect(city.hasRegions).toBe(true)
    expect(city.lookup('81.2.69.160')).toEqual({
      country: 'GB',
      region: 'ENG',
      regionName: 'England',
      city: 'London',
    })
    expect(city.lookup('81.2.70.1')).toEqual({
      country: 'FR',
      region: 'IDF',
      regionName: 'Île-de-France',
      city: null,
    })
    expect(city.lookup('46.4.0.9')).toEqual(countryOnly('DE'))
    expect(city.lookup('5.6.7.8')).toEqual(countryOnly('JP')) // registered_country only
  })

  test('geoip - ip-location-db city records give the state as region', () => {
    const moscow = { country: 'RU', region: 'Moscow', regionName: 'Moscow', city: 'Moscow' }
    expect(city.lookup('77.88.8.8')).toEqual(moscow)
    expect(city.lookup('::ffff:77.88.8.8')).toEqual(moscow)
    expect(city.lookup('5.255.255.5')).toEqual(countryOnly('RU')) // empty state1 and city
  })

  test('geoip - addresses the database does not know have no location', () => {
    expect(city.lookup('8.8.8.8')).toBeNull()
  })

  test('geoip - an IPv4-only database is not asked about IPv6 addresses', () => {
    // Walking an IPv4 tree with 128 bits lands on some IPv4 record: a confident wrong answer.
    expect(city.lookup('2e04:1::1')).toBeNull() // 46.4.0.0/16 in the first 32 bits
    expect(city.lookup('2a02:6b8::feed:0ff')).toBeNull()
  })

  test('geoip - a region rule beats the country rule for a Moscow address', () => {
    const rules = parseGeoRules(
      [
        { country: 'ru', branchId: 'russia' },
        { country: 'RU', region: 'moscow', branchId: 'moscow' },
      ],
      new Set(['russia', 'moscow']),
    )
    expect(matchGeoRule(rules, city.lookup('77.88.8.8'))).toBe('moscow')
    expect(matchGeoRule(rules, city.lookup('5.255.255.5'))).toBe('russia')
    expect(matchGeoRule(rules, city.lookup('81.2.69.160'))).toBeNull()
  })
})

describe('geoip: rules', () => {
  const branches = new Set(['eu', 'us', 'moscow'])

  /** The validation message for `input`, or null when it is accepted. */
  function refusal(input: unknown): string | null {
    try {
      parseGeoRules(input, branches)
      return null
    } catch (err) {
      if (!isParleyError(err) || err.code !== 'validation_failed') throw err
      return err.message
    }
  }

  test('geoip - parseGeoRules returns a normalized copy', () => {
    const input = [
      { country: 'de', branchId: 'eu' },
      { country: 'RU', region: '  Moscow ', branchId: 'moscow' },
      { country: 'US', region: null, branchId: 'us' },
    ]
    expect(parseGeoRules(input, branches)).toEqual([
      { country: 'DE', region: null, branchId: 'eu' },
      { country: 'RU', region: 'Moscow', branchId: 'moscow' },
      { country: 'US', region: null, branchId: 'us' },
    ])
    expect(input[0]!.country).toBe('de')
    expect(
      parseGeoRules([{ country: 'DE', region: 'Baden-Württemberg', branchId: 'eu' }], branches),
    ).toHaveLength(1)
  })

  test('geoip - parseGeoRules names the index and field it refuses', () => {
    const ok = { country: 'DE', branchId: 'eu' }
    expect(refusal({})).toBe('rules: must be an array')
    expect(refusal([ok, 'DE'])).toBe('rules[1]: must be an object')
    expect(refusal([{ country: 'DEU', branchId: 'eu' }])).toStartWith('rules[0].country:')
    expect(refusal([{ country: 'D1', branchId: 'eu' }])).toStartWith('rules[0].country:')
    expect(refusal([{ branchId: 'eu' }])).toStartWith('rules[0].country:')
    expect(refusal([ok, { country: 'RU', region: 'Mos;cow', branchId: 'eu' }])).toStartWith(
      'rules[1].region:',
    )
    expect(refusal([{ ...ok, region: '' }])).toStartWith('rules[0].region:')
    expect(refusal([{ ...ok, region: 'x'.repeat(65) }])).toStartWith('rules[0].region:')
    expect(refusal([{ ...ok, region: 7 }])).toStartWith('rules[0].region:')
    expect(refusal([ok, ok, ok, { country: 'FR', branchId: 'x' }])).toBe(
      'rules[1]: same country and region as rules[0]',
    )
    expect(refusal([ok, { country: 'FR', branchId: 'x' }])).toBe(
      'rules[1].branchId: no such branch "x"',
    )
    expect(refusal([{ country: 'FR' }])).toBe('rules[0].branchId: no such branch null')
    expect(refusal([{ ...ok, regoin: 'Bayern' }])).toBe('rules[0]: unknown field "regoin"')
  })

  test('geoip - duplicates compare country and region case-insensitively', () => {
    const twice = [
      { country: 'RU', region: 'Moscow', branchId: 'moscow' },
      { country: 'ru', region: 'MOSCOW', branchId: 'eu' },
    ]
    expect(refusal(twice)).toBe('rules[1]: same country and region as rules[0]')
    expect(refusal([twice[0], { country: 'RU', region: 'MOW', branchId: 'eu' }])).toBeNull()
  })

  test('geoip - parseGeoRules takes 500 rules and refuses 501', () => {
    const rules = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ country: 'US', region: `R${i}`, branchId: 'us' }))
    expect(refusal(rules(500))).toBeNull()
    expect(refusal(rules(501))).toBe('rules: at most 500 rules (got 501)')
  })

  test('geoip - matchGeoRule: region rule first, then country rule, else null', () => {
    const rules: GeoRule[] = [
      { country: 'RU', branchId: 'russia' },
      { country: 'RU', region: 'MOW', branchId: 'moscow' },
      { country: 'RU', region: 'Saint Petersburg', branchId: 'spb' },
      { country: 'US', region: 'CA', branchId: 'west' },
    ]
    const at = (country: string, region: string | null, regionName: string | null) =>
      matchGeoRule(rules, { country, region, regionName, city: null })
    expect(at('RU', 'MOW', 'Moscow')).toBe('moscow')
    expect(at('RU', 'mow', null)).toBe('moscow')
    expect(at('RU', 'SPE', 'saint petersburg')).toBe('spb') // by name when the code differs
    expect(at('RU', 'TAT', 'Tatarstan')).toBe('russia')
    expect(at('RU', null, null)).toBe('russia')
    expect(at('US', 'CA', 'California')).toBe('west')
    expect(at('US', 'NY', 'New York')).toBeNull() // a region rule alone does not cover the country
    expect(at('DE', null, null)).toBeNull()
    expect(matchGeoRule(rules, null)).toBeNull()
    expect(matchGeoRule([], countryOnly('RU'))).toBeNull()
  })
})
