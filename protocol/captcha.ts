/**
 * The proof-of-work challenge (issue 18, S4), shared by the server that issues and checks it
 * and the widget that solves it. The scheme is ALTCHA's: the server picks a secret number n in
 * [0, maxnumber] and a salt, and sends `challenge = hex(SHA-256(salt + n))` with an HMAC of it;
 * the client finds n by trying each number in turn and sends it back with the rest. The salt
 * carries what the challenge is bound to (expiry, visitor or address, inbox, level), so the
 * signature covers those too. No third party is involved.
 */

export interface Challenge {
  algorithm: 'SHA-256'
  /** hex SHA-256 of salt + the secret number. */
  challenge: string
  /** The secret number is at most this: the work, on average half of it. */
  maxnumber: number
  salt: string
  /** hex HMAC-SHA-256 of `challenge` under the server's key. */
  signature: string
}

/** What the client sends back, base64 of its JSON: the challenge and the number found. */
export interface Solution {
  algorithm: 'SHA-256'
  challenge: string
  number: number
  salt: string
  signature: string
}

/** Longest solution accepted, in characters (base64). */
export const MAX_SOLUTION_LENGTH = 1024

export function encodeSolution(s: Solution): string {
  return btoa(JSON.stringify(s))
}

/**
 * Finds the number; null when none up to maxnumber matches or `signal` aborted. Plain
 * JavaScript SHA-256 (below): WebCrypto exists only in secure contexts (a widget on a plain
 * http site has none) and costs a promise per hash; this loop does about a million hashes a
 * second and yields to the page every few thousand. `onProgress` hears the share tried.
 */
export async function solveChallenge(
  c: Challenge,
  opts: { signal?: AbortSignal; onProgress?: (share: number) => void } = {},
): Promise<Solution | null> {
  const target = c.challenge.toLowerCase()
  const prefix = new TextEncoder().encode(c.salt)
  const sha = new Sha256()
  for (let n = 0; n <= c.maxnumber; n++) {
    if (n % YIELD_EVERY === 0 && n > 0) {
      if (opts.signal?.aborted) return null
      opts.onProgress?.(n / c.maxnumber)
      await new Promise((resolve) => setTimeout(resolve, 0))
    }
    if (sha.hex(prefix, n) === target) {
      return {
        algorithm: c.algorithm,
        challenge: c.challenge,
        number: n,
        salt: c.salt,
        signature: c.signature,
      }
    }
  }
  return null
}

/** Hashes between two yields to the page (a few milliseconds). */
const YIELD_EVERY = 4096

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
])

/** SHA-256 of `prefix` followed by the decimal digits of `n`, as hex (FIPS 180-4). */
class Sha256 {
  private buffer = new Uint8Array(0)
  private readonly w = new Uint32Array(64)
  private readonly h = new Uint32Array(8)

  hex(prefix: Uint8Array, n: number): string {
    const digits = String(n)
    const length = prefix.length + digits.length
    const blocks = Math.ceil((length + 9) / 64)
    if (this.buffer.length !== blocks * 64) this.buffer = new Uint8Array(blocks * 64)
    const b = this.buffer
    b.fill(0)
    b.set(prefix)
    for (let i = 0; i < digits.length; i++) b[prefix.length + i] = digits.charCodeAt(i)
    b[length] = 0x80
    const bits = length * 8
    const end = b.length
    b[end - 4] = bits >>> 24
    b[end - 3] = bits >>> 16
    b[end - 2] = bits >>> 8
    b[end - 1] = bits
    b[end - 5] = Math.floor(bits / 2 ** 32)
    const h = this.h
    h.set([
      0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
      0x5be0cd19,
    ])
    const w = this.w
    for (let off = 0; off < end; off += 64) {
      for (let i = 0; i < 16; i++) {
        const j = off + i * 4
        w[i] = ((b[j]! << 24) | (b[j + 1]! << 16) | (b[j + 2]! << 8) | b[j + 3]!) >>> 0
      }
      for (let i = 16; i < 64; i++) {
        const x = w[i - 15]!
        const y = w[i - 2]!
        const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)
        const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10)
        w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) >>> 0
      }
      let a = h[0]!
      let bb = h[1]!
      let c = h[2]!
      let d = h[3]!
      let e = h[4]!
      let f = h[5]!
      let g = h[6]!
      let hh = h[7]!
      for (let i = 0; i < 64; i++) {
        const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))
        const t1 = (hh + S1 + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) >>> 0
        const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))
        const t2 = (S0 + ((a & bb) ^ (a & c) ^ (bb & c))) >>> 0
        hh = g
        g = f
        f = e
        e = (d + t1) >>> 0
        d = c
        c = bb
        bb = a
        a = (t1 + t2) >>> 0
      }
      h[0] = (h[0]! + a) >>> 0
      h[1] = (h[1]! + bb) >>> 0
      h[2] = (h[2]! + c) >>> 0
      h[3] = (h[3]! + d) >>> 0
      h[4] = (h[4]! + e) >>> 0
      h[5] = (h[5]! + f) >>> 0
      h[6] = (h[6]! + g) >>> 0
      h[7] = (h[7]! + hh) >>> 0
    }
    let out = ''
    for (let i = 0; i < 8; i++) out += h[i]!.toString(16).padStart(8, '0')
    return out
  }
}
