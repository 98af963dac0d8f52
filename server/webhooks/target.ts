/**
 * Where a webhook may go (issue 17, SSRF): an http(s) URL without credentials whose host
 * resolves only to public addresses, unless the operator of the installation allowed the host
 * or its range (WEBHOOK_ALLOW_HOSTS). The check runs when an endpoint is saved (a clear error
 * for the admin) and again before every delivery, on the addresses the request then connects
 * to: the request goes to the checked address itself (the host name kept for the Host header
 * and TLS), so a name that resolves elsewhere between check and connect (DNS rebinding)
 * cannot redirect it.
 */
import { lookup } from 'node:dns/promises'
import { BlockList, isIP } from 'node:net'
import { ParleyError } from '../../protocol/index.ts'

/** Ranges no webhook may reach unless allowed: private, loopback, link-local and the like. */
const BLOCKED = new BlockList()
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv4')
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128],
  ['::ffff:0:0', 96], // IPv4-mapped: checked as the IPv4 address instead
  ['64:ff9b::', 96], // NAT64
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv6')
}

/** A parsed, checked target: connect to `address`, name the host `host`. */
export interface ResolvedTarget {
  url: URL
  /** The address the request connects to. */
  address: string
  family: 4 | 6
}

/** Host names, addresses and ranges a deployment allows although they are private. */
export class TargetPolicy {
  readonly #hosts = new Set<string>()
  readonly #ranges = new BlockList()

  constructor(allow: readonly string[]) {
    for (const entry of allow) {
      const slash = entry.indexOf('/')
      if (slash > 0) {
        const network = entry.slice(0, slash)
        const prefix = Number(entry.slice(slash + 1))
        const family = isIP(network)
        if (family === 0 || !Number.isInteger(prefix)) throw new Error(`bad range ${entry}`)
        this.#ranges.addSubnet(network, prefix, family === 4 ? 'ipv4' : 'ipv6')
      } else if (isIP(entry)) {
        this.#ranges.addAddress(entry, isIP(entry) === 4 ? 'ipv4' : 'ipv6')
      } else {
        this.#hosts.add(entry.toLowerCase())
      }
    }
  }

  /** The URL as a target, or a `validation_failed` error saying what is wrong with it. */
  parse(raw: string): URL {
    let url: URL
    try {
      url = new URL(raw)
    } catch {
      throw refused('the URL is not valid')
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw refused('the URL must start with https:// or http://')
    }
    if (url.username || url.password)
      throw refused('the URL must not carry a user name or password')
    if (url.hash) throw refused('the URL must not have a #fragment')
    if (!url.hostname) throw refused('the URL has no host')
    return url
  }

  /**
   * Resolves the URL's host and checks every address it has: all must be public, or the host
   * or address allowed. Throws `validation_failed` otherwise (or when the name does not resolve).
   */
  async resolve(url: URL): Promise<ResolvedTarget> {
    const host = bareHost(url.hostname)
    const allowedName = this.#hosts.has(host.toLowerCase())
    let addresses: { address: string; family: number }[]
    if (isIP(host)) {
      addresses = [{ address: host, family: isIP(host) }]
    } else {
      try {
        addresses = await lookup(host, { all: true, verbatim: true })
      } catch {
        throw refused(`the host ${host} does not resolve`)
      }
      if (addresses.length === 0) throw refused(`the host ${host} does not resolve`)
    }
    for (const { address } of addresses) {
      if (!allowedName && !this.allows(address)) {
        throw refused(
          `the URL points at a private network address (${address}); ask the installation's administrator to allow it in WEBHOOK_ALLOW_HOSTS`,
        )
      }
    }
    const [first] = addresses
    if (!first) throw refused(`the host ${host} does not resolve`)
    return { url, address: first.address, family: first.family === 6 ? 6 : 4 }
  }

  /** True when a connection to this address is allowed. */
  allows(address: string): boolean {
    const family = isIP(address)
    if (family === 0) return false
    const type = family === 4 ? 'ipv4' : 'ipv6'
    if (this.#ranges.check(address, type)) return true
    const mapped = family === 6 ? mappedIpv4(address) : null
    if (mapped !== null) return this.allows(mapped)
    return !BLOCKED.check(address, type)
  }
}

/** An IPv4-mapped IPv6 address's IPv4 address (`::ffff:10.0.0.1`), else null. */
function mappedIpv4(address: string): string | null {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (match?.[1]) return match[1]
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address)
  if (!hex?.[1] || !hex[2]) return null
  const high = parseInt(hex[1], 16)
  const low = parseInt(hex[2], 16)
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`
}

/** `[::1]` -> `::1`. */
function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname
}

function refused(message: string): ParleyError {
  return new ParleyError('validation_failed', message)
}
