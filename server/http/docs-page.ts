/**
 * The API's browsable page (`GET /api/docs`), rendered on the server from the OpenAPI
 * document: a contents list by tag, each operation a `<details>` with its parameters, body and
 * answers, then the named schemas. No script, no font, nothing fetched from elsewhere: Parley
 * runs offline, and the page's policy (openapi.ts) allows only its own inline stylesheet, by
 * hash. Everything from the document is HTML-escaped.
 */
import { createHash } from 'node:crypto'
import type { OpenApiDocument, Operation } from './openapi.ts'

/** Light and dark by the reader's setting; one column on a phone, contents beside on a desk. */
const STYLE = `
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1f2937; --muted: #4b5563;
  --line: #d1d5db; --code: #f3f4f6; --link: #1d4ed8; --focus: #b45309; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #111827; --fg: #e5e7eb; --muted: #9ca3af; --line: #374151; --code: #1f2937;
    --link: #93c5fd; --focus: #fbbf24; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 16px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; }
a { color: var(--link); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -9999px; }
.skip:focus { left: 8px; top: 8px; background: var(--bg); padding: 8px; z-index: 1; }
header, main, nav, footer { padding: 16px; }
header { border-bottom: 1px solid var(--line); }
h1 { margin: 0 0 8px; font-size: 1.75rem; }
h2 { margin: 32px 0 8px; font-size: 1.4rem; border-bottom: 1px solid var(--line); }
h4 { margin: 16px 0 4px; font-size: 1rem; }
.muted, .version { color: var(--muted); }
.version { font-size: 1rem; font-weight: normal; }
nav ul { list-style: none; padding: 0; margin: 0; columns: 2 10rem; }
nav li { margin: 2px 0; }
details { border: 1px solid var(--line); border-radius: 8px; margin: 8px 0; }
summary { cursor: pointer; padding: 8px 12px; }
summary h3 { display: inline; font-size: 1rem; font-weight: normal; overflow-wrap: anywhere; }
details > div { padding: 0 12px 12px; border-top: 1px solid var(--line); }
.method { display: inline-block; min-width: 4.5em; text-align: center; border-radius: 4px;
  padding: 0 6px; margin-right: 6px; color: #ffffff; font: bold 0.8rem/1.6 ui-monospace, monospace; }
.get { background: #1d4ed8; } .post { background: #047857; } .put { background: #b45309; }
.patch { background: #6d28d9; } .delete { background: #b91c1c; } .other { background: #374151; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.875rem; }
code { background: var(--code); border-radius: 4px; padding: 0 3px; overflow-wrap: anywhere; }
/* Long lines wrap: a box that scrolls sideways would need a tab stop of its own. */
pre { background: var(--code); border-radius: 6px; padding: 8px 12px; margin: 4px 0;
  white-space: pre-wrap; overflow-wrap: anywhere; }
pre code { padding: 0; }
dd { margin: 0 0 8px 16px; }
footer { border-top: 1px solid var(--line); color: var(--muted); }
@media (min-width: 960px) {
  .layout { display: grid; grid-template-columns: 16rem minmax(0, 1fr); }
  nav { position: sticky; top: 0; align-self: start; max-height: 100vh; overflow-y: auto; }
  nav ul { columns: 1; }
}
`

/** For the page's Content-Security-Policy: the one style it may apply. */
export const DOCS_STYLE_HASH = `sha256-${createHash('sha256').update(STYLE).digest('base64')}`

const METHOD_ORDER = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'trace']

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  )
}

/** Plain text with `code` spans, escaped. */
function inline(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>')
}

/** Plain text with `code` spans and blank-line paragraphs, escaped. */
function prose(text: string | undefined): string {
  if (!text) return ''
  return text
    .split(/\n\s*\n/)
    .map((p) => `<p>${inline(p)}</p>`)
    .join('\n')
}

/** A schema, pretty-printed, with its references to named schemas as links. */
function schemaBlock(schema: unknown): string {
  const text = escapeHtml(JSON.stringify(schema ?? {}, null, 2))
  const linked = text.replace(
    /&quot;#\/components\/schemas\/([A-Za-z0-9_.-]+)&quot;/g,
    '&quot;<a href="#schema-$1">#/components/schemas/$1</a>&quot;',
  )
  return `<pre><code>${linked}</code></pre>`
}

function content(media: Record<string, unknown> | undefined): string {
  if (!media) return ''
  return Object.entries(media)
    .map(([type, entry]) => {
      const schema = (entry as { schema?: unknown } | undefined)?.schema
      return `<p class="muted"><code>${escapeHtml(type)}</code></p>${schema ? schemaBlock(schema) : ''}`
    })
    .join('\n')
}

/** One entry per parameter: a list reads on a phone where a four-column table would not. */
function parameters(op: Operation): string {
  if (!op.parameters?.length) return ''
  const items = op.parameters
    .map(
      (p) =>
        `<dt><code>${escapeHtml(p.name)}</code> <span class="muted">in ${escapeHtml(p.in)}, ` +
        `${p.required ? 'required' : 'optional'}</span></dt><dd>${schemaBlock(p.schema)}</dd>`,
    )
    .join('\n')
  return `<h4>Parameters</h4><dl>${items}</dl>`
}

function operation(method: string, path: string, op: Operation): string {
  const kind = ['get', 'post', 'put', 'patch', 'delete'].includes(method) ? method : 'other'
  const body = op.requestBody
    ? `<h4>Request body</h4>${prose(op.requestBody.description)}${content(op.requestBody.content)}`
    : ''
  const responses = Object.entries(op.responses)
    .map(
      ([status, r]) => `<h5>${escapeHtml(status)}</h5>${prose(r.description)}${content(r.content)}`,
    )
    .join('\n')
  return `<details id="op-${escapeHtml(op.operationId)}">
<summary><h3><span class="method ${kind}">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code> ${escapeHtml(op.summary ?? '')}</h3></summary>
<div>
${prose(op.description)}
<p class="muted">Operation id: <code>${escapeHtml(op.operationId)}</code></p>
${parameters(op)}
${body}
<h4>Responses</h4>
${responses}
</div>
</details>`
}

/** The whole page for `doc`, linking to its JSON at `jsonPath`. */
export function docsPage(doc: OpenApiDocument, jsonPath: string): string {
  const byTag = new Map<string, Array<[string, string, Operation]>>(
    doc.tags.map((t) => [t.name, []]),
  )
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const tag = op.tags?.[0] ?? 'other'
      const list = byTag.get(tag) ?? []
      list.push([method, path, op])
      byTag.set(tag, list)
    }
  }
  const order = (m: string) => METHOD_ORDER.indexOf(m)
  const sections = [...byTag]
    .filter(([, ops]) => ops.length > 0)
    .map(([tag, ops]) => {
      const about = doc.tags.find((t) => t.name === tag)?.description
      const items = ops
        .sort(([ma, pa], [mb, pb]) => pa.localeCompare(pb) || order(ma) - order(mb))
        .map(([method, path, op]) => operation(method, path, op))
        .join('\n')
      return `<section aria-labelledby="tag-${escapeHtml(tag)}">
<h2 id="tag-${escapeHtml(tag)}">${escapeHtml(tag)}</h2>
${prose(about)}
${items}
</section>`
    })
  const contents = [...byTag]
    .filter(([, ops]) => ops.length > 0)
    .map(
      ([tag, ops]) =>
        `<li><a href="#tag-${escapeHtml(tag)}">${escapeHtml(tag)}</a> <span class="muted">(${ops.length})</span></li>`,
    )
    .join('\n')
  const schemas = Object.entries(doc.components.schemas)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([name, schema]) =>
        `<details id="schema-${escapeHtml(name)}"><summary><h3>${escapeHtml(name)}</h3></summary><div>${schemaBlock(schema)}</div></details>`,
    )
    .join('\n')
  const auth = Object.entries(doc.components.securitySchemes)
    .map(
      ([name, s]) =>
        `<li><code>${escapeHtml(name)}</code>: ${inline((s as { description?: string }).description ?? '')}</li>`,
    )
    .join('\n')
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(doc.info.title)} API</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<a class="skip" href="#main">Skip to the operations</a>
<header>
<h1>${escapeHtml(doc.info.title)} API <span class="version">${escapeHtml(doc.info.version)} · OpenAPI ${escapeHtml(doc.openapi)}</span></h1>
${prose(doc.info.description)}
<p><a href="${escapeHtml(jsonPath)}">The OpenAPI document (JSON)</a></p>
<p>Every operation takes <code>Authorization: Bearer &lt;token&gt;</code> unless it says otherwise:</p>
<ul>${auth}</ul>
<p>Errors answer <code>{ "error": { "code", "message", "retryable", "retryAfterMs"? } }</code> (<a href="#schema-Error">Error</a>).</p>
</header>
<div class="layout">
<nav aria-label="Contents">
<h2>Contents</h2>
<ul>
${contents}
<li><a href="#schemas">Schemas</a></li>
</ul>
</nav>
<main id="main">
${sections.join('\n')}
<section aria-labelledby="schemas">
<h2 id="schemas">Schemas</h2>
${schemas}
</section>
</main>
</div>
<footer><p>Generated from this server's routes.</p></footer>
</body>
</html>
`
}
