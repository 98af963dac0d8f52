/**
 * `npm run build`: builds widget, loader and panel with vite into dist/, prints every file's
 * gzipped size and fails when a budget is exceeded (loader <= 2 KB, widget first load <= 35 KB,
 * all widget JS + CSS with lazy chunks <= 56 KB, panel first load <= 72.3 KB and all panel JS +
 * CSS with its lazy pages <= 129.1 KB, gzipped). Writes .gz
 * twins of text assets for the server to send to browsers that accept them.
 *
 * On-demand chunks have budgets of their own and stay out of "whole widget" / "whole panel":
 * the markdown renderer (marked, fetched the first time a message looks like markdown), the
 * emoji picker and `:shortcode:` completion (first click or first `:xx`), and the emoji data
 * (names, tags, shortcodes; English, plus Russian names for a Russian UI). A visitor who never
 * meets them never pays for them, and counting ~100 KB of emoji names into "whole widget" would
 * hide every other change in that total. The panel's Russian strings are the same kind: only a
 * Russian UI fetches them. So is the panel's analytics dashboard (issue 19: its page, its CSS
 * and the uPlot charts library, <= 40 KB): only admins and supervisors who open it fetch it.
 * So is an inbox's automation rules editor (issue 20, <= 16 KB), fetched with its settings, and
 * its custom attributes' section (issue 20, <= 10 KB), its SLA policies' section (issue 20,
 * <= 10 KB) and its proactive messages' section (issue 20, <= 10 KB, its Russian inside). So is
 * the Notifications dialog's Web Push section (issue 20, <= 8 KB, its Russian inside). The
 * widget's proactive messages (issue 20, <= 6 KB) are fetched only by a page whose inbox runs
 * campaigns. The service worker (panel/sw.js, issue 20, <= 3 KB) is no part of the page at
 * all: the panel registers it, the browser runs it on its own. The widget's help center (issue
 * 21, <= 6 KB: its search, suggestions and article view, its CSS and Russian inside) is fetched
 * only by a page whose inbox's help center has a published article.
 * `--if-stale`: do nothing when dist/ was built from the current sources (`npm start` uses it).
 *
 * Builds into a scratch folder and swaps it in at the end, so a running server never serves a
 * half-written dist/.
 */
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { gzipSync } from 'node:zlib'
import { DIST, isDistFresh, ROOT, sourceHash, stampFile } from './build-stamp.ts'

const KB = 1024
const BUDGETS = [
  {
    name: 'loader (widget/loader.js)',
    limit: 2 * KB,
    match: (f: string) => f === 'widget/loader.js',
  },
  {
    // What a page pays before the visitor does anything: the loader, the frame page and every
    // script and stylesheet that page names (its entry, and any chunk it preloads). The chat
    // window itself is a lazy chunk (fetched when the visitor points at the launcher), as are
    // the cards shown later (rating, details, home, the request form).
    name: 'widget first load (loader + frame page and its files)',
    limit: 35 * KB,
    match: (f: string) => f === 'widget/loader.js' || firstLoad.has(f),
  },
  {
    name: 'whole widget (widget/**/*.js + *.css)',
    limit: 56 * KB,
    match: (f: string) => f.startsWith('widget/') && /\.(js|css)$/.test(f) && !onDemand(f),
  },
  {
    // What an operator's browser fetches to show the inbox: the panel page and every file it
    // names. The admin pages, the canned replies' page, search results and the first-run form
    // are lazy chunks, fetched when first opened. 72 KB since issue 20's SLA badge: a list row
    // shows the time to its conversation's next deadline (the rest of the SLA is lazy); 72.25 KB
    // since issue 21's help center: the composer's "Insert article link" button and the lazy
    // import of its search (~100 B; the search and the settings' section are on demand); 72.3 KB
    // since a list refreshed by feed changes keeps the pages read past its first (~40 B: a busy
    // inbox kept a long list from ever loading its end).
    name: 'panel first load (index.html and its files)',
    limit: 72.3 * KB,
    match: (f: string) => panelFirstLoad.has(f),
  },
  {
    // Everything an admin could ever open, lazy chunks included (on-demand ones aside). 124 KB
    // since issue 20's following, rule naming and label analytics (the editors are on demand);
    // 126 KB since issue 20's custom attributes: the sidebar's editor, the list's filter and the
    // thread's lines (~2.5 KB, lazy, with the visitor sidebar; their admin section is on demand);
    // 128 KB since issue 20's SLA: the list's badge (first load) and the thread's state, control,
    // lines and breach alert (~1.7 KB, lazy, in the same chunk; the policies' section is on demand);
    // 128.1 KB since issue 20's campaigns: the settings' lazy import of their section and a slot
    // for its frequency form in the settings' list card (~75 B; the section is on demand);
    // 128.3 KB since issue 20's team e-mail target: a fifth kind in the webhooks page's form (its
    // address field) and list (~130 B, lazy, with the admin pages); 128.6 KB since issue 20's
    // pending status: the thread's "Mark pending" and its focus hand-over, the bulk bar's, the
    // filter's option, the pill's colour and the thread's lines (~250 B, first load); 128.75 KB
    // since issue 20: supervisors' settings (their Settings tab, their inboxes read in the
    // settings' chunk, their headings; the steps' "kept" kinds: ~170 B, most of it lazy); 129 KB
    // since issue 21's help center: the composer's article-link button and the settings' lazy
    // import of its section (~150 B; the section, the editor and the search are on demand);
    // 129.05 KB since the list's refresh keeps the pages read past its first (~40 B, first load);
    // 129.1 KB since the feed's `resync` frame after a cluster link drop (~25 B, first load).
    name: 'whole panel (panel/**/*.js + *.css)',
    limit: 129.1 * KB,
    match: (f: string) => f.startsWith('panel/') && /\.(js|css)$/.test(f) && !onDemand(f),
  },
  ...(['widget', 'panel'] as const).flatMap((app) => [
    {
      name: `${app} markdown, on demand (Markdown-*)`,
      limit: 20 * KB,
      match: (f: string) => f.startsWith(`${app}/`) && ON_DEMAND.markdown.test(f),
    },
    {
      name: `${app} emoji picker, on demand (Emoji-*)`,
      limit: 12 * KB,
      match: (f: string) => f.startsWith(`${app}/`) && ON_DEMAND.emoji.test(f),
    },
    {
      name: `${app} emoji data, on demand (emoji-*)`,
      limit: 120 * KB,
      match: (f: string) => f.startsWith(`${app}/`) && ON_DEMAND.emojiData.test(f),
    },
  ]),
  {
    // A proactive message in the widget (client/widget/campaign/, issue 20, M6: the bubble, the
    // thread's intro and the watch for one due, its CSS and words): only for inboxes running some.
    name: 'widget proactive messages, on demand (Campaign-*)',
    limit: 6 * KB,
    match: (f: string) => ON_DEMAND.widgetCampaign.test(f),
  },
  {
    // The help center in the widget (client/widget/help/, issue 21: the home view's search, the
    // suggestions above a new conversation's composer, the article view, its CSS and Russian):
    // only for inboxes whose help center has a published article.
    name: 'widget help center, on demand (Help-*)',
    limit: 6 * KB,
    match: (f: string) => ON_DEMAND.widgetHelp.test(f),
  },
  {
    // The analytics dashboard (client/panel/components/Analytics.tsx and the uPlot charts it
    // draws with, CSS included): fetched when an admin or a supervisor first opens it.
    name: 'panel analytics dashboard, on demand (Analytics-*)',
    limit: 40 * KB,
    match: (f: string) => f.startsWith('panel/') && ON_DEMAND.analytics.test(f),
  },
  {
    // An inbox's automation rules (client/panel/components/Rules.tsx, its editor and its CSS,
    // issue 20): fetched when an admin or a supervisor first opens an inbox's settings.
    name: 'panel automation rules, on demand (Rules-*)',
    limit: 16 * KB,
    match: (f: string) => f.startsWith('panel/') && ON_DEMAND.rules.test(f),
  },
  {
    // An inbox's custom attributes' admin section (client/panel/components/Attributes.tsx and
    // its form, issue 20): fetched when an admin or a supervisor first opens an inbox's settings.
    name: 'panel custom attributes, on demand (Attributes-*)',
    limit: 10 * KB,
    match: (f: string) => f.startsWith('panel/') && ON_DEMAND.attributes.test(f),
  },
  {
    // An inbox's SLA policies' admin section (client/panel/components/SlaPolicies.tsx and its
    // form, issue 20): fetched when an admin or a supervisor first opens an inbox's settings.
    name: 'panel SLA policies, on demand (SlaPolicies-*)',
    limit: 10 * KB,
    match: (f: string) => f.startsWith('panel/') && ON_DEMAND.sla.test(f),
  },
  {
    // An inbox's proactive messages' admin section (client/panel/components/Campaigns.tsx, its
    // form, its CSS and its Russian, issue 20): fetched when an admin or a supervisor first
    // opens an inbox's settings.
    name: 'panel proactive messages, on demand (Campaigns-*)',
    limit: 10 * KB,
    match: (f: string) => f.startsWith('panel/') && ON_DEMAND.campaigns.test(f),
  },
  {
    // Web Push on this browser (client/panel/components/Push.tsx, its CSS and its Russian,
    // issue 20): fetched when an operator first opens the Notifications dialog.
    name: 'panel push section, on demand (Push-*)',
    limit: 8 * KB,
    match: (f: string) => f.startsWith('panel/') && ON_DEMAND.push.test(f),
  },
  {
    // The help center's panel parts (issue 21): its settings' section and article editor
    // (client/panel/components/Help.tsx, HelpEditor.tsx, their CSS and Russian inside),
    // fetched when an admin or a supervisor opens the settings; the composer's article search
    // (HelpLink.tsx), fetched on the first press of its button.
    name: 'panel help center, on demand (Help-*, HelpLink-*)',
    limit: 12 * KB,
    match: (f: string) => ON_DEMAND.help.test(f),
  },
  {
    // The service worker (client/panel/sw.ts, issue 20): registered by the panel, run by the
    // browser on its own, when a push comes or a notification is clicked.
    name: 'panel service worker (panel/sw.js)',
    limit: 3 * KB,
    match: (f: string) => ON_DEMAND.serviceWorker.test(f),
  },
  {
    // The panel's Russian strings (client/panel/i18n/ru.ts): fetched before the first render by
    // a Russian UI only, so an English one never pays for them. 24.1 KB since issue 20's
    // pending status (its words in the thread, the filter, the bulk bar: ~60 B).
    name: 'panel Russian strings, per language (ru-*)',
    limit: 24.1 * KB,
    match: (f: string) => ON_DEMAND.panelRussian.test(f),
  },
]
/** The frame page and the files it names, read from the built frame.html (set after building). */
let firstLoad = new Set<string>()
/** The panel page and the files it names (set after building). */
let panelFirstLoad = new Set<string>()

function filesOfPage(dir: string, page: string): Set<string> {
  const html = readFileSync(join(dir, page), 'utf8')
  const folder = page.slice(0, page.lastIndexOf('/') + 1)
  const named = [...html.matchAll(/\s(?:src|href)="\.\/([^"]+)"/g)].map((m) => folder + m[1])
  return new Set([page, ...named])
}
const COMPRESSIBLE = /\.(js|css|html|svg|json|webmanifest)$/

/** Chunks fetched on first use (see the header), by the name vite gives them. */
const ON_DEMAND = {
  markdown: /\/assets\/Markdown-[^/]+\.(js|css)$/,
  emoji: /\/assets\/Emoji-[^/]+\.(js|css)$/,
  emojiData: /\/assets\/_?emoji-(en|ru)-[^/]+\.js$/,
  panelRussian: /^panel\/assets\/ru-[^/]+\.js$/,
  analytics: /\/assets\/Analytics-[^/]+\.(js|css)$/,
  rules: /\/assets\/Rules-[^/]+\.(js|css)$/,
  attributes: /\/assets\/Attributes-[^/]+\.(js|css)$/,
  sla: /\/assets\/SlaPolicies-[^/]+\.(js|css)$/,
  campaigns: /\/assets\/Campaigns-[^/]+\.(js|css)$/,
  push: /\/assets\/Push-[^/]+\.(js|css)$/,
  help: /^panel\/assets\/Help(Link)?-[^/]+\.(js|css)$/,
  widgetCampaign: /^widget\/assets\/Campaign-[^/]+\.(js|css)$/,
  widgetHelp: /^widget\/assets\/Help-[^/]+\.(js|css)$/,
  // Not a chunk of the page: the browser's own (see the header).
  serviceWorker: /^panel\/sw\.js$/,
}

function onDemand(file: string): boolean {
  return Object.values(ON_DEMAND).some((pattern) => pattern.test(file))
}

if (process.argv.includes('--if-stale') && isDistFresh()) {
  console.log('client: dist/ is up to date')
  process.exit(0)
}

// Loaded only when building: a deployment with a fresh dist/ needs no dev dependencies to start.
const { build } = await import('vite')
const { CLIENT_TARGETS, clientConfig } = await import('../vite.config.ts')
const hash = sourceHash()
const scratch = join(ROOT, 'node_modules', '.cache', `parley-dist-${process.pid}`)
rmSync(scratch, { recursive: true, force: true })
try {
  for (const target of CLIENT_TARGETS) await build(clientConfig(target, scratch))
  const files = listFiles(scratch)
  const sizes = files.map((file) => {
    const bytes = readFileSync(join(scratch, file))
    const gz = gzipSync(bytes, { level: 9 })
    if (COMPRESSIBLE.test(file)) writeFileSync(join(scratch, `${file}.gz`), gz)
    return { file, raw: bytes.length, gzip: gz.length }
  })
  writeFileSync(stampFile(scratch), `${hash}\n`)
  firstLoad = filesOfPage(scratch, 'widget/frame.html')
  panelFirstLoad = filesOfPage(scratch, 'panel/index.html')
  const failures = report(sizes)
  for (const f of failures) console.error(`client: budget exceeded: ${f}`)
  // PARLEY_BUDGETS=warn (work in progress, never CI): over budget still builds, and says so.
  const warnOnly = process.env.PARLEY_BUDGETS === 'warn' && process.env.CI !== 'true'
  if (failures.length === 0 || warnOnly) swapIn()
  if (failures.length > 0 && !warnOnly) process.exitCode = 1
} finally {
  rmSync(scratch, { recursive: true, force: true })
}

function swapIn() {
  const old = `${DIST}.old-${process.pid}`
  try {
    renameSync(DIST, old)
  } catch {
    // no previous dist/
  }
  renameSync(scratch, DIST)
  rmSync(old, { recursive: true, force: true })
  console.log(`client: built into ${relative(ROOT, DIST)}/`)
}

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? listFiles(path, base) : [relative(base, path)]
  })
}

function report(sizes: Array<{ file: string; raw: number; gzip: number }>): string[] {
  const fmt = (n: number) => `${(n / KB).toFixed(2)} KB`.padStart(10)
  console.log(`${'file'.padEnd(44)}${'raw'.padStart(10)}${'gzip'.padStart(10)}`)
  for (const s of sizes.sort((a, b) => a.file.localeCompare(b.file))) {
    console.log(`${s.file.padEnd(44)}${fmt(s.raw)}${fmt(s.gzip)}`)
  }
  const failures: string[] = []
  for (const budget of BUDGETS) {
    const total = sizes.filter((s) => budget.match(s.file)).reduce((n, s) => n + s.gzip, 0)
    const ok = total <= budget.limit
    console.log(
      `${budget.name.padEnd(56)}${fmt(total)} gzip of ${fmt(budget.limit)}  ${ok ? 'ok' : 'OVER'}`,
    )
    if (!ok) failures.push(`${budget.name}: ${total} > ${budget.limit} bytes`)
  }
  return failures
}
