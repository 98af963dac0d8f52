/**
 * The panel's Russian is complete and consistent (issue 16): every English key the sources pass
 * to `t()`, `tn()` or `msg()` has a translation with the same placeholders, no translation is
 * stale, and no visible English is left unwrapped in a component (text between tags, and the
 * attributes people read or hear: aria-label, title, placeholder, alt, label).
 */
import { describe, expect, test } from 'bun:test'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'
import { PARTS, RU } from '../../client/panel/i18n/ru.ts'

const ROOT = join(import.meta.dir, '../..')
const PANEL = join(ROOT, 'client/panel')

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name)
    if (e.isDirectory()) return e.name === 'i18n' ? [] : sources(path)
    return /\.tsx?$/.test(e.name) && e.name !== 'i18n.ts' ? [path] : []
  })
}

/** Attributes whose text people read or hear. */
const READ_ATTRIBUTES = new Set([
  'aria-label',
  'aria-description',
  'aria-roledescription',
  'aria-placeholder',
  'aria-valuetext',
  'title',
  'placeholder',
  'alt',
  'label',
])
/** Words that are the same in both languages (names, units, codes). */
const SAME_IN_BOTH = new Set(['Parley', 'Markdown', 'GeoIP', 'HH:MM', 'JSON', 'HTML', 'URL', 'ID'])
/** Translations may keep these Latin words (product names, technical terms). */
const LATIN_OK =
  /^(?:[^a-z]*|.*\b(?:Parley|Markdown|GeoIP|JavaScript|HTML|CSS|URL|ID|E-mail|e-mail|IANA|SDK|Enter|Shift|Esc|Tab|Ctrl|Alt|Cmd|Space|Home|End)\b.*)$/

interface Found {
  singular: Map<string, string>
  plural: Map<string, { one: string; where: string }>
  unwrapped: string[]
  dynamicMsg: string[]
}

function literal(node: ts.Node | undefined): string | undefined {
  if (!node) return undefined
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text
  return undefined
}

const hasWords = (text: string) => /[A-Za-z]{2,}/.test(text) && !SAME_IN_BOTH.has(text.trim())

function scan(): Found {
  const found: Found = { singular: new Map(), plural: new Map(), unwrapped: [], dynamicMsg: [] }
  for (const file of sources(PANEL)) {
    const text = readFileSync(file, 'utf8')
    const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind)
    const rel = relative(ROOT, file)
    const where = (node: ts.Node) =>
      `${rel}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`
    // The i18n functions as this file imports them (a local `msg` variable is something else).
    const imported = new Map<string, string>()
    for (const statement of sf.statements) {
      if (
        ts.isImportDeclaration(statement) &&
        /\/i18n\.ts$/.test((statement.moduleSpecifier as ts.StringLiteral).text) &&
        statement.importClause?.namedBindings &&
        ts.isNamedImports(statement.importClause.namedBindings)
      ) {
        for (const el of statement.importClause.namedBindings.elements) {
          imported.set(el.name.text, (el.propertyName ?? el.name).text)
        }
      }
    }
    const visit = (node: ts.Node) => {
      if (
        ts.isCallExpression(node) &&
        ts.isIdentifier(node.expression) &&
        imported.has(node.expression.text)
      ) {
        const name = imported.get(node.expression.text)
        if (name === 't' || name === 'msg') {
          const key = literal(node.arguments[0])
          if (key !== undefined) found.singular.set(key, where(node))
          else if (name === 'msg') found.dynamicMsg.push(where(node))
        } else if (name === 'tx') {
          const context = literal(node.arguments[0])
          const text = literal(node.arguments[1])
          if (context === undefined || text === undefined) found.dynamicMsg.push(where(node))
          else found.singular.set(`${context}|${text}`, where(node))
        } else if (name === 'tn') {
          const one = literal(node.arguments[1])
          const other = literal(node.arguments[2])
          if (one === undefined || other === undefined) found.dynamicMsg.push(where(node))
          else found.plural.set(other, { one, where: where(node) })
        }
      }
      if (kind === ts.ScriptKind.TSX) {
        if (ts.isJsxText(node) && hasWords(node.text)) {
          found.unwrapped.push(`${where(node)} text "${node.text.trim()}"`)
        }
        if (
          ts.isJsxAttribute(node) &&
          READ_ATTRIBUTES.has(node.name.getText(sf)) &&
          node.initializer
        ) {
          const init = node.initializer
          const value = ts.isStringLiteral(init)
            ? init.text
            : ts.isJsxExpression(init)
              ? literal(init.expression)
              : undefined
          if (value !== undefined && hasWords(value)) {
            found.unwrapped.push(`${where(node)} ${node.name.getText(sf)}="${value}"`)
          }
        }
        // {'Some words'} as a child.
        if (ts.isJsxExpression(node) && ts.isJsxElement(node.parent)) {
          const value = literal(node.expression)
          if (value !== undefined && hasWords(value)) {
            found.unwrapped.push(`${where(node)} text {'${value}'}`)
          }
        }
      }
      ts.forEachChild(node, visit)
    }
    visit(sf)
  }
  return found
}

const placeholders = (text: string) => [...new Set(text.match(/\{\w+\}/g) ?? [])].sort()

describe('panel i18n', () => {
  const found = scan()

  test('panel i18n - no visible English is left unwrapped in a component', () => {
    expect(found.unwrapped).toEqual([])
  })

  test('panel i18n - msg(), tx() and tn() take literal keys (the dictionary is read from them)', () => {
    expect(found.dynamicMsg).toEqual([])
  })

  test('panel i18n - every key has a Russian translation with the same placeholders', () => {
    const problems: string[] = []
    for (const [key, where] of found.singular) {
      const entry = RU[key]
      if (typeof entry !== 'string' || entry.trim() === '') {
        problems.push(`${where} missing: "${key}"`)
        continue
      }
      // A `tx` key is `context|text`: the text is what the placeholders come from.
      if (placeholders(entry).join() !== placeholders(key.slice(key.indexOf('|') + 1)).join()) {
        problems.push(`${where} placeholders differ: "${key}" -> "${entry}"`)
      }
      if (!/[а-яё]/i.test(entry) && !SAME_IN_BOTH.has(key) && !LATIN_OK.test(entry)) {
        problems.push(`${where} not Russian: "${key}" -> "${entry}"`)
      }
    }
    for (const [other, { one, where }] of found.plural) {
      const entry = RU[other]
      if (!Array.isArray(entry) || entry.length !== 3) {
        problems.push(`${where} missing plural [one, few, many]: "${other}"`)
        continue
      }
      const expected = placeholders(`${one} ${other}`).filter((p) => p !== '{n}')
      for (const form of entry as readonly string[]) {
        const got = placeholders(form).filter((p) => p !== '{n}')
        if (got.join() !== expected.join()) {
          problems.push(`${where} placeholders differ: "${other}" -> "${form}"`)
        }
      }
    }
    expect(problems).toEqual([])
  })

  test('panel i18n - the dictionary has no stale keys', () => {
    const used = new Set([...found.singular.keys(), ...found.plural.keys()])
    expect(Object.keys(RU).filter((key) => !used.has(key))).toEqual([])
  })

  test('panel i18n - a key two parts of the dictionary share has one translation', () => {
    const seen = new Map<string, string>()
    const differ: string[] = []
    for (const part of PARTS) {
      for (const [key, entry] of Object.entries(part)) {
        const text = JSON.stringify(entry)
        if (seen.has(key) && seen.get(key) !== text)
          differ.push(`"${key}": ${seen.get(key)} vs ${text}`)
        seen.set(key, text)
      }
    }
    expect(differ).toEqual([])
  })

  test('panel i18n - singular keys are strings and plural keys are forms, never mixed', () => {
    const mixed = [...found.plural.keys()].filter((key) => found.singular.has(key))
    expect(mixed).toEqual([])
  })
})
