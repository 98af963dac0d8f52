/**
 * City-level GeoIP databases for tests: a minimal MMDB writer and the records the tests read
 * back (tests/routing/geoip.test.ts, tests/analytics/regions.test.ts).
 */
/** Records the city tests read back, in both families' shapes (IPv4 networks only). */
export const CITY_FIXTURE: [string, unknown][] = [
  [
    '81.2.69.0/24',
    {
      city: { geoname_id: 2643743, names: { en: 'London', ru: 'Лондон' } },
      country: { geoname_id: 2635167, iso_code: 'GB', names: { en: 'United Kingdom' } },
      subdivisions: [{ geoname_id: 6269131, iso_code: 'ENG', names: { en: 'England' } }],
    },
  ],
  [
    '81.2.70.0/24',
    {
      country: { iso_code: 'FR', names: { en: 'France' } },
      subdivisions: [{ iso_code: 'FR-IDF', names: { en: 'Île-de-France' } }],
    },
  ],
  ['46.4.0.0/16', { country: { iso_code: 'DE', names: { en: 'Germany' } } }],
  ['5.6.7.0/24', { registered_country: { iso_code: 'JP', names: { en: 'Japan' } } }],
  ['77.88.0.0/18', { city: 'Moscow', country_code: 'RU', state1: 'Moscow', state2: '' }],
  ['5.255.255.0/24', { city: '', country_code: 'RU', state1: '', state2: '' }],
]

/**
 * A minimal MMDB writer (IPv4 tree, 24-bit records, strings, uint32, maps and arrays) so the real
 * reader can be tested on city-level records without a 64 MB city database in devDependencies.
 * Format: https://maxmind.github.io/MaxMind-DB/
 */
export function buildMmdb(networks: [string, unknown][]): Buffer {
  const EMPTY = -1
  // A child >= 0 is a node index, <= -2 is data record number -2 - child. Networks must not nest.
  const nodes: number[][] = [[EMPTY, EMPTY]]
  const records: Buffer[] = []
  for (const [cidr, record] of networks) {
    const [ip = '', prefix = ''] = cidr.split('/')
    const address = ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0)
    const bits = Number(prefix)
    let node = 0
    for (let depth = 0; depth < bits - 1; depth++) {
      const children = nodes[node]!
      const side = (address >>> (31 - depth)) & 1
      if (children[side] === EMPTY) children[side] = nodes.push([EMPTY, EMPTY]) - 1
      node = children[side]!
    }
    nodes[node]![(address >>> (32 - bits)) & 1] = -2 - records.length
    records.push(encode(record))
  }
  const offsets = records.map((_, i) => records.slice(0, i).reduce((n, r) => n + r.length, 0))
  /** Record values: a node number, node_count for "no data", or past it into the data section. */
  const recordValue = (child: number) => {
    if (child >= 0) return child
    if (child === EMPTY) return nodes.length
    return nodes.length + 16 + offsets[-2 - child]!
  }
  const tree = Buffer.alloc(nodes.length * 6)
  nodes.forEach((children, i) =>
    children.forEach((child, side) => tree.writeUIntBE(recordValue(child), i * 6 + side * 3, 3)),
  )
  const metadata = encode({
    node_count: nodes.length,
    record_size: 24,
    ip_version: 4,
    database_type: 'Parley-Test-City',
    languages: ['en'],
    binary_format_major_version: 2,
    binary_format_minor_version: 0,
    build_epoch: 0,
    description: { en: 'geoip test fixture' },
  })
  const marker = Buffer.from('abcdef4d61784d696e642e636f6d', 'hex') // "\xAB\xCD\xEFMaxMind.com"
  return Buffer.concat([tree, Buffer.alloc(16), ...records, marker, metadata])
}

function encode(value: unknown): Buffer {
  if (typeof value === 'string') return field(2, Buffer.from(value))
  if (typeof value === 'number') {
    const bytes: number[] = []
    for (let v = value; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256)
    return field(6, Buffer.from(bytes))
  }
  if (Array.isArray(value)) return Buffer.concat([control(11, value.length), ...value.map(encode)])
  const entries = Object.entries(value as Record<string, unknown>)
  const pairs = entries.flatMap(([key, v]) => [encode(key), encode(v)])
  return Buffer.concat([control(7, entries.length), ...pairs])
}

const field = (type: number, payload: Buffer) =>
  Buffer.concat([control(type, payload.length), payload])

/** Type in the top 3 bits (0 plus a following byte for extended types), then the size. */
function control(type: number, size: number): Buffer {
  if (size >= 285) throw new Error('fixture values stay under 285 bytes')
  const head = (type > 7 ? 0 : type) << 5
  const extended = type > 7 ? [type - 7] : []
  return Buffer.from(size < 29 ? [head | size, ...extended] : [head | 29, ...extended, size - 29])
}
