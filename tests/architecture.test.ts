/**
 * The dependency order the tree shows: protocol <- actors <- db / server <- client. Read from the
 * import statements of every source file, so a new import that runs "up" fails here.
 */
import { describe, expect, test } from 'bun:test'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const ROOT = resolve(import.meta.dir, '..')

function sources(folder: string): string[] {
  const out: string[] = []
  const visit = (path: string) => {
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path)) visit(join(path, name))
    } else if (/\.tsx?$/.test(path)) out.push(path)
  }
  visit(join(ROOT, folder))
  return out
}

/** Every module specifier a file imports or re-exports (static and dynamic). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const found: string[] = []
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"`;]*?from\s+['"]([^'"]+)['"]/g))
    found.push(m[1] as string)
  for (const m of text.matchAll(/(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g)) found.push(m[1] as string)
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1] as string)
  return found
}

/** The top-level folder a relative import lands in, or the package name of a bare one. */
function target(file: string, specifier: string): { folder: string } | { pkg: string } {
  if (!specifier.startsWith('.')) {
    const parts = specifier.split('/')
    return { pkg: specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string) }
  }
  const path = relative(ROOT, resolve(dirname(file), specifier))
  return { folder: path.split('/')[0] as string }
}

function violations(folder: string, allowed: { folders: string[]; packages: string[] }) {
  const bad: string[] = []
  for (const file of sources(folder)) {
    for (const specifier of importsOf(file)) {
      const t = target(file, specifier)
      const ok =
        'folder' in t
          ? t.folder === folder || allowed.folders.includes(t.folder)
          : allowed.packages.includes(t.pkg) || t.pkg.startsWith('node:') || t.pkg.startsWith('bun')
      if (!ok) bad.push(`${relative(ROOT, file)} imports ${specifier}`)
    }
  }
  return bad
}

describe('architecture', () => {
  test('architecture - protocol/ imports nothing of the project, only valibot and msgpackr', () => {
    expect(violations('protocol', { folders: [], packages: ['valibot', 'msgpackr'] })).toEqual([])
  })

  test('architecture - actors/ import only protocol/, never Elysia, Drizzle or NATS', () => {
    expect(violations('actors', { folders: ['protocol'], packages: [] })).toEqual([])
  })

  test('architecture - db/ builds on protocol/ and the actor ports, never on server/ or client/', () => {
    const bad = violations('db', {
      folders: ['protocol', 'actors'],
      packages: ['drizzle-orm', 'drizzle-kit', 'postgres'],
    })
    expect(bad).toEqual([])
  })
})
