/**
 * Help-center articles (issue 21): an article's Markdown as safe HTML for the public site, with
 * its headings (for a table of contents) and its plain text (for search and excerpts).
 *
 * Safe by construction, as messages are (client/shared/markdown.ts): marked's Lexer only, never
 * its HTML renderer; this file writes every tag itself from a closed list and escapes every
 * text and attribute value. Raw HTML in an article is shown as its text. A link keeps its
 * target only when `safeHref` passes it (entities decoded first, so `jav&#x61;script:` is judged
 * as what it means); an image is an <img> only when the caller allows its source (the article's
 * own portal), else its alt text. Bidi controls show as markers (⟨RLO⟩) in all text.
 *
 * Bounded work: marked is not linear on hostile input (deep quotes and lists, long delimiter
 * runs), so nesting is capped at 20 before lexing, long inline runs are lexed in pieces, and
 * inline lexing has a time budget after which the rest is shown as written. Nothing throws: if
 * the lexer does, the article is shown as plain paragraphs.
 */
import { Lexer, type Token, type Tokens } from 'marked'
import { slugify, type HelpLanguage } from '../../protocol/help.ts'
import { linkText } from '../../client/shared/link-text.ts'
import { linkify, safeHref, showControls } from '../../client/shared/rich-text.ts'

/** A heading of the article, for its table of contents. */
export interface ArticleHeading {
  id: string
  level: 2 | 3 | 4
  text: string
}

/** What `renderArticle` returns. */
export interface RenderedArticle {
  /** Safe HTML: only the tags and attributes listed in ALLOWED_TAGS. */
  html: string
  headings: ArticleHeading[]
  /** The article's words without markup (code and images' alt included). */
  text: string
}

export interface RenderOptions {
  /**
   * The URL to show for an image's source, or null to show its alt text instead. The caller
   * allows only images of the article's own portal. A URL must be absolute http(s) or a
   * root-relative path (`/…`); anything else is treated as null.
   */
  image: (src: string) => string | null
  /** The language of the labels this file adds (scroll regions, image placeholders); en by default. */
  language?: HelpLanguage
}

/**
 * Tags and their attributes the output may hold, for tests and for a page's own checks: the
 * renderer never writes anything else.
 */
export const ALLOWED_TAGS: Readonly<Record<string, readonly string[]>> = {
  p: [],
  h2: ['id'],
  h3: ['id'],
  h4: ['id'],
  strong: [],
  em: [],
  del: [],
  code: ['class'],
  pre: [],
  div: ['class', 'tabindex', 'role', 'aria-label'],
  ul: [],
  ol: ['start'],
  li: [],
  blockquote: [],
  hr: [],
  br: [],
  table: [],
  thead: [],
  tbody: [],
  tr: [],
  th: ['style'],
  td: ['style'],
  a: ['href', 'rel', 'title'],
  img: ['src', 'alt', 'title', 'loading', 'decoding'],
}

/**
 * Ids the help pages use themselves (pages.ts); a heading never takes one, so the skip link
 * and form labels keep working.
 */
export const RESERVED_IDS: readonly string[] = [
  'main',
  'q',
  'search-label',
  'toc-title',
  'feedback-title',
  'comment',
  'related-title',
  'still-title',
]

/** Deepest nesting of lists, quotes and inline spans; deeper content is shown as text. */
const MAX_DEPTH = 20
/** Leading indentation kept, in columns (20 levels of two-space lists). */
const MAX_INDENT = 40
/** Longest inline run lexed at once; longer paragraphs are lexed in pieces. */
const INLINE_CHUNK = 2000
/** Time inline lexing may take per article, in ms, before the rest is shown as written. */
const INLINE_BUDGET_MS = 300

const LABELS = {
  en: { code: 'Code', table: 'Table', image: 'image' },
  ru: { code: 'Код', table: 'Таблица', image: 'изображение' },
} as const

interface Out {
  html: string
  text: string
}

interface Ctx {
  opts: RenderOptions
  labels: (typeof LABELS)[HelpLanguage]
  headings: ArticleHeading[]
  ids: Set<string>
  depth: number
}

/**
 * The article's Markdown as safe HTML, its headings and its plain text. Never throws; bounded
 * time on any input (see the file's note).
 */
export function renderArticle(markdown: string, opts: RenderOptions): RenderedArticle {
  const source = normalize(typeof markdown === 'string' ? markdown : String(markdown ?? ''))
  const ctx: Ctx = {
    opts,
    labels: LABELS[opts.language === 'ru' ? 'ru' : 'en'],
    headings: [],
    ids: new Set(RESERVED_IDS),
    depth: 0,
  }
  try {
    const out = blocks(lex(capDepth(source)), ctx)
    return { html: out.html, headings: ctx.headings, text: tidy(out.text) }
  } catch {
    return { ...plainArticle(source), headings: [] }
  }
}

/** Line ends as LF, NUL as U+FFFD (CommonMark), lone surrogates replaced. */
function normalize(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/\0/g, '\ufffd').toWellFormed()
}

/** The fallback: every blank-line-separated block a paragraph of its text. */
function plainArticle(source: string): { html: string; text: string } {
  const paragraphs = source
    .split(/\n[ \t]*\n/)
    .map((p) => showControls(p.trim()))
    .filter(Boolean)
  return {
    html: paragraphs.map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join(''),
    text: tidy(paragraphs.join('\n')),
  }
}

function tidy(text: string): string {
  return text
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

// ---------------------------------------------------------------------------------------------
// Lexing, bounded

const CONTAINER_MARKER = /^[ \t]*(?:>|[-+*](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))/
const FENCE = /^ *(`{3,}|~{3,})/

/**
 * The source with nesting capped before marked sees it: at most MAX_INDENT columns of leading
 * indentation and MAX_DEPTH quote or list markers at a line's start (the next one escaped, so
 * the rest is text). Lines inside top-level fenced code are left alone.
 */
function capDepth(source: string): string {
  const out: string[] = []
  let fence: string | null = null
  let run = 0
  for (const raw of source.split('\n')) {
    const opener = FENCE.exec(raw)
    if (fence) {
      if (opener && opener[1]?.[0] === fence[0] && (opener[1]?.length ?? 0) >= fence.length) {
        fence = null
      }
      out.push(raw)
      continue
    }
    if (opener && opener[1]) {
      fence = opener[1]
      run = 0
      out.push(raw)
      continue
    }
    for (const line of splitLong(raw).map(capLine)) {
      if (!line.trim()) run = 0
      else if (run + line.length > MAX_RUN && !LIST_ITEM.test(line)) {
        // A paragraph break, inside the same quote when the line is quoted.
        out.push(QUOTE_PREFIX.exec(line)?.[0] ?? '')
        run = 0
      }
      run += line.length + 1
      out.push(line)
    }
  }
  return out.join('\n')
}

/**
 * Longest run of lines without a blank one (about a page). Longer paragraphs and quotes are
 * broken in paragraphs: the JavaScriptCore regex engine under Bun is some 50 times slower on
 * marked's block rules once one match passes a few thousand characters.
 */
const MAX_RUN = 3000
const LIST_ITEM = /^[ \t]*(?:[-+*]|\d{1,9}[.)])[ \t]/
const QUOTE_PREFIX = /^ {0,3}(?:>[ \t]?)+/

/** A line longer than MAX_RUN as several, cut at spaces where it can be. */
function splitLong(line: string): string[] {
  if (line.length <= MAX_RUN) return [line]
  const out: string[] = []
  let rest = line
  while (rest.length > MAX_RUN) {
    let cut = rest.lastIndexOf(' ', MAX_RUN)
    if (cut < MAX_RUN / 2) cut = MAX_RUN
    out.push(rest.slice(0, cut))
    rest = rest.slice(cut)
  }
  out.push(rest)
  return out
}

function capLine(input: string): string {
  let line = input
  let i = 0
  let column = 0
  while (i < line.length && (line[i] === ' ' || line[i] === '\t')) {
    column += line[i] === '\t' ? 4 - (column % 4) : 1
    i++
  }
  if (column > MAX_INDENT) line = ' '.repeat(MAX_INDENT) + line.slice(i)
  let at = 0
  for (let count = 0; count < MAX_DEPTH; count++) {
    const m = CONTAINER_MARKER.exec(line.slice(at, at + 40))
    if (!m) return line
    at += m[0].length
  }
  const rest = line.slice(at)
  if (!CONTAINER_MARKER.test(rest)) return line
  return line.slice(0, at) + rest.replace(/^([ \t]*)(\d*)([>+*.)-])/, '$1$2\\$3')
}

/**
 * marked's `lex`, with each inline run lexed in pieces of at most INLINE_CHUNK characters
 * (split at a line end or space) under a time budget; a piece that throws or comes after the
 * budget is one text token of its source.
 */
function lex(source: string): Token[] {
  const lexer = new Lexer({ gfm: true, breaks: false })
  const tokens = lexer.blockTokens(source, lexer.tokens)
  const deadline = performance.now() + INLINE_BUDGET_MS
  for (const entry of lexer.inlineQueue) {
    for (const piece of pieces(entry.src)) {
      const before = entry.tokens.length
      if (performance.now() < deadline) {
        try {
          lexer.state.inRawBlock = false
          lexer.inlineTokens(piece, entry.tokens)
          continue
        } catch {
          entry.tokens.length = before
        }
      }
      entry.tokens.push({ type: 'text', raw: piece, text: piece } satisfies Tokens.Text)
    }
  }
  lexer.inlineQueue = []
  return tokens
}

function pieces(src: string): string[] {
  if (src.length <= INLINE_CHUNK) return [src]
  const out: string[] = []
  let rest = src
  while (rest.length > INLINE_CHUNK) {
    const window = rest.slice(0, INLINE_CHUNK)
    let cut = window.lastIndexOf('\n')
    if (cut < INLINE_CHUNK / 2) cut = window.lastIndexOf(' ')
    if (cut < INLINE_CHUNK / 2) cut = INLINE_CHUNK
    else cut += 1
    out.push(rest.slice(0, cut))
    rest = rest.slice(cut)
  }
  if (rest) out.push(rest)
  return out
}

// ---------------------------------------------------------------------------------------------
// Blocks

function blocks(tokens: Token[] | undefined, ctx: Ctx): Out {
  let html = ''
  const text: string[] = []
  for (const token of tokens ?? []) {
    const out = block(token, ctx)
    html += out.html
    if (out.text) text.push(out.text)
  }
  return { html, text: text.join('\n') }
}

const NONE: Out = { html: '', text: '' }

function block(token: Token, ctx: Ctx): Out {
  const t = token as Tokens.Generic
  switch (token.type) {
    case 'space':
    case 'def':
      return NONE
    case 'paragraph':
      return wrap('p', inlines(token.tokens, ctx))
    case 'text':
      // A tight list item's text, without a paragraph.
      return t.tokens ? inlines(t.tokens, ctx) : plain(decodeEntities(token.text))
    case 'heading':
      return heading(token as Tokens.Heading, ctx)
    case 'code':
      return codeBlock(token as Tokens.Code, ctx)
    case 'blockquote':
      return nested(token, ctx, () => wrap('blockquote', blocks(token.tokens, ctx)))
    case 'list':
      return nested(token, ctx, () => list(token as Tokens.List, ctx))
    case 'checkbox':
      return plain(token.checked ? '☑ ' : '☐ ')
    case 'hr':
      return { html: '<hr>', text: '' }
    case 'table':
      return nested(token, ctx, () => table(token as Tokens.Table, ctx))
    default: {
      // Raw HTML blocks and anything unknown: their source, as text.
      const raw = typeof t.raw === 'string' ? t.raw.replace(/\n+$/, '') : ''
      if (!raw.trim()) return NONE
      const text = showControls(raw)
      return { html: `<p>${escapeHtml(text).replace(/\n/g, '<br>')}</p>`, text }
    }
  }
}

/** A container one level deeper, or its words as text when that is past MAX_DEPTH. */
function nested(token: Token, ctx: Ctx, render: () => Out, inline = false): Out {
  if (ctx.depth >= MAX_DEPTH) {
    const text = showControls(plainOf([token]))
    if (!text) return NONE
    return { html: inline ? escapeHtml(text) : `<p>${escapeHtml(text)}</p>`, text }
  }
  ctx.depth++
  try {
    return render()
  } finally {
    ctx.depth--
  }
}

function heading(token: Tokens.Heading, ctx: Ctx): Out {
  const level = token.depth <= 2 ? 2 : token.depth === 3 ? 3 : 4
  const content = inlines(token.tokens, ctx)
  const text = content.text.replace(/\s+/g, ' ').trim()
  const base = slugify(text) || 'section'
  let id = base
  for (let n = 2; ctx.ids.has(id); n++) id = `${base}-${n}`
  ctx.ids.add(id)
  ctx.headings.push({ id, level, text })
  return { html: `<h${level} id="${escapeHtml(id)}">${content.html}</h${level}>`, text }
}

const LANGUAGE_TAG = /^[a-z0-9+#-]{1,20}$/i

function codeBlock(token: Tokens.Code, ctx: Ctx): Out {
  const language = (token.lang ?? '').trim().split(/\s+/)[0] ?? ''
  const text = showControls(token.text)
  const cls = LANGUAGE_TAG.test(language) ? ` class="language-${escapeHtml(language)}"` : ''
  const label = LANGUAGE_TAG.test(language) ? `${ctx.labels.code}: ${language}` : ctx.labels.code
  return {
    html: `${scrollBox(label)}<pre><code${cls}>${escapeHtml(text)}</code></pre></div>`,
    text,
  }
}

/** A box that scrolls sideways by itself, reachable by keyboard (axe: scrollable-region-focusable). */
function scrollBox(label: string): string {
  return `<div class="scroll" tabindex="0" role="region" aria-label="${escapeHtml(label)}">`
}

function list(token: Tokens.List, ctx: Ctx): Out {
  const start =
    typeof token.start === 'number' && Number.isSafeInteger(token.start) ? token.start : 1
  const open = token.ordered ? (start !== 1 ? `<ol start="${start}">` : '<ol>') : '<ul>'
  let html = open
  const text: string[] = []
  for (const item of token.items ?? []) {
    const out = blocks(item.tokens, ctx)
    html += `<li>${out.html}</li>`
    text.push(out.text)
  }
  html += token.ordered ? '</ol>' : '</ul>'
  return { html, text: text.join('\n') }
}

function table(token: Tokens.Table, ctx: Ctx): Out {
  const text: string[] = []
  const cell = (
    tag: 'th' | 'td',
    c: Tokens.TableCell,
    align: string | null | undefined,
  ): string => {
    const out = inlines(c.tokens, ctx)
    text.push(out.text)
    const style =
      align === 'left' || align === 'center' || align === 'right'
        ? ` style="text-align: ${align}"`
        : ''
    return `<${tag}${style}>${out.html}</${tag}>`
  }
  let html = `${scrollBox(ctx.labels.table)}<table><thead><tr>`
  token.header.forEach((c, i) => (html += cell('th', c, c.align ?? token.align[i])))
  html += '</tr></thead>'
  if (token.rows.length) {
    html += '<tbody>'
    for (const row of token.rows) {
      html += '<tr>'
      row.forEach((c, i) => (html += cell('td', c, c.align ?? token.align[i])))
      html += '</tr>'
    }
    html += '</tbody>'
  }
  html += '</table></div>'
  return { html, text: text.join(' ') }
}

// ---------------------------------------------------------------------------------------------
// Inline content

/** `inLink`: inside a link's label, where no URL becomes a link of its own. */
function inlines(tokens: Token[] | undefined, ctx: Ctx, inLink = false): Out {
  let html = ''
  let text = ''
  for (const token of tokens ?? []) {
    const out = inline(token, ctx, inLink)
    html += out.html
    text += out.text
  }
  return { html, text }
}

function inline(token: Token, ctx: Ctx, inLink: boolean): Out {
  const t = token as Tokens.Generic
  switch (token.type) {
    case 'text':
      if (t.tokens) return inlines(t.tokens, ctx, inLink)
      return inLink ? plain(decodeEntities(token.text)) : linkified(decodeEntities(token.text))
    case 'escape':
      return plain(token.text)
    case 'strong':
    case 'em':
    case 'del': {
      const tag = token.type
      return nested(token, ctx, () => wrap(tag, inlines(token.tokens, ctx, inLink)), true)
    }
    case 'codespan': {
      const text = showControls(token.text)
      return { html: `<code>${escapeHtml(text)}</code>`, text }
    }
    case 'br':
      return { html: '<br>', text: '\n' }
    case 'link':
      return nested(token, ctx, () => link(token as Tokens.Link, ctx), true)
    case 'image':
      return image(token as Tokens.Image, ctx)
    case 'checkbox':
      return plain(token.checked ? '☑ ' : '☐ ')
    default:
      // Inline HTML (`<b>`, `<img onerror=…>`) and anything unknown: its source, as text.
      return plain(typeof t.raw === 'string' ? t.raw : '')
  }
}

function link(token: Tokens.Link, ctx: Ctx): Out {
  const href = safeHref(decodeEntities(token.href ?? '').trim())
  if (token.autolink) {
    if (!href) return plain(token.text)
    const label = linkText(token.text, href)
    return { html: anchor(href, token.title, escapeHtml(label)), text: label }
  }
  const label = inlines(token.tokens, ctx, true)
  return href ? { html: anchor(href, token.title, label.html), text: label.text } : label
}

function anchor(href: string, title: string | null | undefined, labelHtml: string): string {
  const rel = /^https?:/i.test(href) ? ' rel="nofollow noopener noreferrer"' : ''
  const t = title ? ` title="${escapeHtml(showControls(decodeEntities(title)))}"` : ''
  return `<a href="${escapeHtml(href)}"${rel}${t}>${labelHtml}</a>`
}

function image(token: Tokens.Image, ctx: Ctx): Out {
  const alt = showControls(decodeEntities(token.text ?? ''))
    .replace(/\s+/g, ' ')
    .trim()
  let url: string | null = null
  try {
    url = acceptedImage(ctx.opts.image(decodeEntities(token.href ?? '').trim()))
  } catch {
    url = null
  }
  if (!url) return plain(alt ? `[${ctx.labels.image}: ${alt}]` : `[${ctx.labels.image}]`)
  const title = token.title
    ? ` title="${escapeHtml(showControls(decodeEntities(token.title)))}"`
    : ''
  return {
    html: `<img src="${escapeHtml(url)}" alt="${escapeHtml(alt)}"${title} loading="lazy" decoding="async">`,
    text: alt,
  }
}

/** The caller's image URL when it is absolute http(s) or root-relative; anything else null. */
function acceptedImage(url: unknown): string | null {
  if (typeof url !== 'string' || !url || /[\0-\x20\x7f]/.test(url)) return null
  if (/^\/(?![/\\])/.test(url)) return url
  return /^https?:\/\//i.test(url) ? safeHref(url) : null
}

/**
 * Text with the http(s) URLs GFM's autolinks leave out (an internationalised host such as
 * `пример.рф`) made links, a mixed-script host shown in punycode; as in messages.
 */
function linkified(text: string): Out {
  let html = ''
  let plainText = ''
  for (const t of linkify(text, (raw, href) => ({
    kind: 'link',
    text: linkText(raw, href),
    href,
  }))) {
    plainText += t.text
    html += t.kind === 'link' ? anchor(t.href, null, escapeHtml(t.text)) : escapeHtml(t.text)
  }
  return { html, text: plainText }
}

function plain(text: string): Out {
  if (!text) return NONE
  const shown = showControls(text)
  return { html: escapeHtml(shown), text: shown }
}

function wrap(tag: string, out: Out): Out {
  return { html: `<${tag}>${out.html}</${tag}>`, text: out.text }
}

/**
 * The words of tokens, without recursion (a flattened, too-deep container may be deep beyond
 * the stack's reach).
 */
function plainOf(tokens: Token[]): string {
  const parts: string[] = []
  const stack: Token[] = [...tokens].reverse()
  while (stack.length) {
    const token = stack.pop() as Tokens.Generic
    const children: Token[] = []
    if (token.type === 'list') {
      for (const item of (token.items ?? []) as Tokens.ListItem[]) children.push(...item.tokens)
    } else if (token.type === 'table') {
      for (const c of (token.header ?? []) as Tokens.TableCell[]) children.push(...c.tokens)
      for (const row of (token.rows ?? []) as Tokens.TableCell[][]) {
        for (const c of row) children.push(...c.tokens)
      }
    } else if (token.type === 'image') {
      parts.push(decodeEntities(String(token.text ?? '')))
    } else if (Array.isArray(token.tokens)) {
      children.push(...token.tokens)
    } else if (token.type === 'html' || token.type === 'escape' || token.type === 'text') {
      parts.push(token.type === 'text' ? decodeEntities(String(token.text)) : String(token.text))
    } else if (token.type === 'code' || token.type === 'codespan') {
      parts.push(String(token.text))
    }
    if (['paragraph', 'heading', 'list_item', 'code'].includes(token.type)) parts.push(' ')
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as Token)
  }
  return parts.join('').replace(/\s+/g, ' ').trim()
}

// ---------------------------------------------------------------------------------------------
// Text helpers

/** Text safe in HTML content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  copy: '©',
  reg: '®',
  trade: '™',
  mdash: '—',
  ndash: '–',
  hellip: '…',
  laquo: '«',
  raquo: '»',
  ldquo: '“',
  rdquo: '”',
  lsquo: '‘',
  rsquo: '’',
  bdquo: '„',
  larr: '←',
  rarr: '→',
  uarr: '↑',
  darr: '↓',
  times: '×',
  deg: '°',
  euro: '€',
  middot: '·',
  shy: '\u00ad',
}

/**
 * Character references marked leaves in text and link targets: numeric ones and common named
 * ones. Others stay as written.
 */
function decodeEntities(text: string): string {
  return text.replace(
    /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(\w+));/g,
    (whole, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
      if (name !== undefined) return NAMED[name] ?? whole
      const code = dec !== undefined ? Number(dec) : parseInt(hex ?? '', 16)
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)
        ? String.fromCodePoint(code)
        : '\ufffd'
    },
  )
}
