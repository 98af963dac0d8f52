/**
 * Message markdown (C8): CommonMark with GFM autolinks and strikethrough, parsed by marked's
 * lexer (never its HTML renderer) into a small tree that ui/Markdown.tsx renders as DOM nodes.
 * The tree is closed: nothing in it is markup, so raw HTML in a message is just its text.
 *
 * Safe by construction: a link keeps its target only when `safeHref` passes it (http, https,
 * mailto; entities decoded first, so `jav&#x61;script:` is judged as what it means); any other
 * link or image is its label as text. An image is a link, never an <img>. Headings are bold
 * paragraphs (no h1 in a chat bubble). Bidi controls show as markers in all text, code too;
 * an autolink's mixed-script host shows in punycode (rich-text.ts).
 *
 * Loaded as a lazy chunk: marked is most of the widget's weight otherwise.
 */
import { Lexer, type Token, type Tokens } from 'marked'
import { linkText } from './link-text.ts'
import { linkify, safeHref, showControls } from './rich-text.ts'

/** Inline content of a message. */
export type RichInline =
  | { kind: 'text'; text: string }
  | { kind: 'strong' | 'em' | 'del'; children: RichInline[] }
  | { kind: 'code'; text: string }
  | { kind: 'link'; href: string; children: RichInline[] }
  | { kind: 'br' }

/** Block content of a message: `plain` is a tight list item's text, without a paragraph. */
export type RichBlock =
  | { kind: 'paragraph' | 'plain'; children: RichInline[] }
  | { kind: 'codeblock'; text: string }
  | { kind: 'quote'; children: RichBlock[] }
  | { kind: 'list'; ordered: boolean; start: number; items: RichBlock[][] }
  | { kind: 'rule' }

const OPTIONS = { gfm: true, breaks: true } as const

/** The message's markdown as a safe tree. */
export function markdownTree(text: string): RichBlock[] {
  return blocks(new Lexer(OPTIONS).lex(text))
}

function blocks(tokens: Token[]): RichBlock[] {
  return tokens.flatMap((t) => block(t) ?? [])
}

function block(token: Token): RichBlock | null {
  const t = token as Tokens.Generic
  switch (token.type) {
    case 'space':
      return null
    case 'paragraph':
      return { kind: 'paragraph', children: inlines(token.tokens) }
    case 'text':
      return { kind: 'plain', children: t.tokens ? inlines(t.tokens) : textOf(token.text) }
    case 'heading':
      return { kind: 'paragraph', children: [{ kind: 'strong', children: inlines(token.tokens) }] }
    case 'code':
      return { kind: 'codeblock', text: showControls(token.text) }
    case 'blockquote':
      return { kind: 'quote', children: blocks(token.tokens ?? []) }
    case 'list':
      return {
        kind: 'list',
        ordered: token.ordered,
        start: typeof token.start === 'number' ? token.start : 1,
        items: (token.items as Tokens.ListItem[]).map((item) => blocks(item.tokens)),
      }
    case 'checkbox':
      return { kind: 'plain', children: textOf(token.checked ? '☑ ' : '☐ ') }
    case 'hr':
      return { kind: 'rule' }
    default:
      // Raw HTML, tables, link definitions and anything newer: shown as written.
      return { kind: 'paragraph', children: textOf(t.raw.replace(/\n+$/, '')) }
  }
}

/** `inLink`: inside a link's label, where no URL becomes a link of its own. */
function inlines(tokens: Token[] | undefined, inLink = false): RichInline[] {
  return (tokens ?? []).flatMap((t) => inline(t, inLink))
}

function inline(token: Token, inLink: boolean): RichInline[] {
  const t = token as Tokens.Generic
  switch (token.type) {
    case 'text':
      if (t.tokens) return inlines(t.tokens, inLink)
      return inLink ? textOf(decodeEntities(token.text)) : linkified(decodeEntities(token.text))
    case 'escape':
      return textOf(token.text)
    case 'strong':
    case 'em':
    case 'del':
      return [{ kind: token.type, children: inlines(token.tokens, inLink) }]
    case 'codespan':
      return [{ kind: 'code', text: showControls(token.text) }]
    case 'br':
      return [{ kind: 'br' }]
    case 'link':
      return link(token.href, token.autolink ? null : inlines(token.tokens, true), token.text)
    case 'image':
      return link(token.href, textOf(decodeEntities(token.text || token.href)), token.text)
    default:
      // Inline HTML (`<b>`, `<img onerror=…>`) and anything unknown: its source, as text.
      return textOf(t.raw)
  }
}

/**
 * A link when its target is safe, else its label as text. `label` null: an autolink, whose
 * label is the address itself (host in punycode when it mixes scripts).
 */
function link(rawHref: string, label: RichInline[] | null, text: string): RichInline[] {
  const href = safeHref(decodeEntities(rawHref).trim())
  if (!label) {
    return href ? [{ kind: 'link', href, children: textOf(linkText(text, href)) }] : textOf(text)
  }
  return href ? [{ kind: 'link', href, children: label }] : label
}

/**
 * Text with the http(s) URLs GFM's autolinks leave out (an internationalised host such as
 * `пример.рф`) made links, a mixed-script host shown in punycode.
 */
function linkified(text: string): RichInline[] {
  return linkify(text, (raw, href) => ({ kind: 'link', text: linkText(raw, href), href })).map(
    (t) =>
      t.kind === 'link'
        ? { kind: 'link', href: t.href, children: [{ kind: 'text', text: t.text }] }
        : t,
  )
}

function textOf(text: string): RichInline[] {
  return text ? [{ kind: 'text', text: showControls(text) }] : []
}

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
}

/**
 * Character references marked leaves in text and link targets: numeric ones and the few
 * named ones people type. Others stay as written.
 */
export function decodeEntities(text: string): string {
  return text.replace(
    /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(\w+));/g,
    (whole, dec, hex, name) => {
      if (name !== undefined) return NAMED[name] ?? whole
      const code = dec !== undefined ? Number(dec) : parseInt(hex, 16)
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)
        ? String.fromCodePoint(code)
        : '\ufffd'
    },
  )
}
