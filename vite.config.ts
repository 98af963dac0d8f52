/**
 * The client build (issue 4). Four targets, built together by `client/build.ts`:
 * - widget: client/widget/frame.html -> dist/widget/ (the frame page and its hashed assets)
 * - loader: client/widget/loader.ts -> dist/widget/loader.js (one small IIFE, fixed name)
 * - panel:  client/panel/index.html -> dist/panel/, with the web app manifest and its icons
 *   as they are (dist/panel/manifest.webmanifest, dist/panel/icons/: fixed names, which the
 *   manifest and browsers' installed apps keep)
 * - sw:     client/panel/sw.ts -> dist/panel/sw.js (the service worker, issue 20: a fixed name,
 *   since a browser updates a registration from the same URL, and a classic script)
 * Each target is its own vite build so the widget never shares a chunk with the panel and its
 * size is exactly what a visitor downloads. `npx vite build --mode panel` builds one alone.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineConfig, type InlineConfig, type Plugin } from 'vite'
import solid from 'vite-plugin-solid'
import { emojiDataPlugin } from './client/emoji-data.ts'

export type ClientTarget = 'widget' | 'loader' | 'panel' | 'sw'
export const CLIENT_TARGETS: readonly ClientTarget[] = ['widget', 'loader', 'panel', 'sw']

const root = fileURLToPath(new URL('.', import.meta.url))

/**
 * The panel's modules shared by its entry and lazy pages (state, api, i18n, helpers, Solid) go
 * in one `common` chunk instead of a handful of small ones: each file compresses on its own, so
 * one file of them is ~1 KB less to fetch on first load. (The widget, whose lazy chunks share
 * less, is smaller without it.)
 */
const PANEL_CHUNKS = {
  groups: [
    {
      name: 'common',
      test: /client\/(panel|shared)\/[^/]+\.tsx?$|solid-js|preload-helper/,
      minShareCount: 2,
    },
  ],
}

/** The panel's files copied as they are, under client/panel/ and dist/panel/ alike. */
const PANEL_APP_FILES = [
  'manifest.webmanifest',
  'icons/icon.svg',
  'icons/icon-192.png',
  'icons/icon-512.png',
]

function panelAppFiles(): Plugin {
  return {
    name: 'parley-panel-app-files',
    generateBundle() {
      for (const fileName of PANEL_APP_FILES) {
        const source = readFileSync(`${root}client/panel/${fileName}`)
        this.emitFile({ type: 'asset', fileName, source })
      }
    },
  }
}

/** One script with a fixed name, nothing else (the loader, the service worker). */
function script(entry: string, outDir: string, fileName: string, name: string): InlineConfig {
  return {
    build: {
      outDir,
      emptyOutDir: false,
      minify: true,
      lib: { entry, formats: ['iife'], name, fileName: () => fileName },
    },
  }
}

/** The vite config of one target, writing under `outRoot` (dist/ by default). */
export function clientConfig(target: ClientTarget, outRoot = `${root}dist`): InlineConfig {
  const common: InlineConfig = { configFile: false, logLevel: 'warn', publicDir: false }
  if (target === 'loader') {
    const loader = `${root}client/widget/loader.ts`
    return { ...common, ...script(loader, `${outRoot}/widget`, 'loader.js', 'parleyLoader') }
  }
  if (target === 'sw') {
    const sw = `${root}client/panel/sw.ts`
    return { ...common, ...script(sw, `${outRoot}/panel`, 'sw.js', 'parleyServiceWorker') }
  }
  const page = target === 'widget' ? 'widget/frame.html' : 'panel/index.html'
  return {
    ...common,
    root: `${root}client/${target}`,
    // Relative asset URLs: the server may live under a path prefix behind a proxy.
    base: './',
    plugins: [solid(), emojiDataPlugin(), ...(target === 'panel' ? [panelAppFiles()] : [])],
    build: {
      outDir: `${outRoot}/${target}`,
      emptyOutDir: false,
      modulePreload: { polyfill: false },
      rolldownOptions: {
        input: `${root}client/${page}`,
        ...(target === 'panel' ? { output: { codeSplitting: PANEL_CHUNKS } } : {}),
      },
    },
  }
}

export default defineConfig(({ mode }) =>
  clientConfig(mode === 'panel' || mode === 'loader' || mode === 'sw' ? mode : 'widget'),
)
