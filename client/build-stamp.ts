/**
 * Whether dist/ was built from the current sources: the build writes a hash of every input
 * (client sources, the protocol it imports, the vite config, the locked dependencies) to
 * dist/.build-stamp; a different hash means stale. No vite import here, so the server, the
 * tests and `npm start` can check cheaply.
 */
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

export const ROOT = new URL('..', import.meta.url).pathname
export const DIST = join(ROOT, 'dist')
const STAMP = '.build-stamp'
const INPUTS = ['client', 'protocol', 'vite.config.ts', 'package-lock.json']

export function sourceHash(root = ROOT): string {
  const hash = createHash('sha256')
  const visit = (path: string) => {
    if (!existsSync(path)) return
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path).sort()) visit(join(path, name))
      return
    }
    hash.update(path.slice(root.length)).update('\0').update(readFileSync(path)).update('\0')
  }
  for (const input of INPUTS) visit(join(root, input))
  return hash.digest('hex')
}

export function readStamp(dist = DIST): string | null {
  try {
    return readFileSync(join(dist, STAMP), 'utf8').trim()
  } catch {
    return null
  }
}

export function stampFile(dist: string): string {
  return join(dist, STAMP)
}

export function isDistFresh(root = ROOT): boolean {
  return readStamp(join(root, 'dist')) === sourceHash(root)
}
