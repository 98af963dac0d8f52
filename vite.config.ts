/**
 * The client build (issue 4). Three targets, built together by `client/build.ts`:
 * - widget: client/widget/frame.html -> dist/widget/ (the frame page and its hashed assets)
 * - loader: client/widget/loader.ts -> dist/widget/loader.js (one small IIFE, fixed name)
 * - panel:  client/panel/index.html -> dist/panel/
 * Each target is its own vite build so the widget never shares a chunk with the panel and its
 * size is exactly what a visitor downloads. `npx vite build --mode panel` builds one alone.
 */
import { fileURLToPath } from 'node:url'
import { defineConfig, type InlineConfig } from 'vite'
import solid from 'vite-plugin-solid'
import { emojiDataPlugin } from './client/emoji-data.ts'

export type ClientTarget = 'widget' | 'loader' | 'panel'
export const CLIENT_TARGETS: readonly ClientTarget[] = ['widget', 'loader', 'panel']

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

/** The vite config of one target, writing under `outRoot` (dist/ by default). */
export function clientConfig(target: ClientTarget, outRoot = `${root}dist`): InlineConfig {
  const common: InlineConfig = { configFile: false, logLevel: 'warn', publicDir: false }
  if (target === 'loader') {
    return {
      ...common,
      build: {
        outDir: `${outRoot}/widget`,
        emptyOutDir: false,
        minify: true,
        lib: {
          entry: `${root}client/widget/loader.ts`,
          formats: ['iife'],
          name: 'parleyLoader',
          fileName: () => 'loader.js',
        },
      },
    }
  }
  const page = target === 'widget' ? 'widget/frame.html' : 'panel/index.html'
  return {
    ...common,
    root: `${root}client/${target}`,
    // Relative asset URLs: the server may live under a path prefix behind a proxy.
    base: './',
    plugins: [solid(), emojiDataPlugin()],
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
  clientConfig(mode === 'panel' || mode === 'loader' ? mode : 'widget'),
)
