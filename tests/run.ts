/**
 * The whole test suite, as `npm test` and `.ci/run` run it: the type check, the client build
 * with its size budgets, then every `*.test.ts` under tests/ with `bun test`. Ends with the line CI reads: `N passed, N failed`.
 */
import { spawnSync } from 'node:child_process'

const root = new URL('..', import.meta.url).pathname
let passed = 0
let failed = 0

function run(cmd: string, args: string[]): { code: number; output: string } {
  const result = spawnSync(cmd, args, {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: process.env,
  })
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`
  process.stdout.write(output)
  return { code: result.status ?? 1, output }
}

console.log('== typecheck (tsc --noEmit)')
const tsc = run(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '--noEmit', '-p', '.'])
if (tsc.code === 0) passed++
else failed++

console.log('== client build (size budgets)')
const build = run(process.execPath, [`${root}client/build.ts`, '--if-stale'])
if (build.code === 0) passed++
else failed++

const filter = process.argv.slice(2)
console.log(`== bun test ${filter.join(' ')}`)
// bunfig.toml's test timeout is not applied by this bun version; pass it explicitly.
const tests = run(process.execPath, [
  'test',
  '--timeout',
  '20000',
  ...(filter.length ? filter : ['tests/']),
])
const pass = /^\s*(\d+) pass$/m.exec(tests.output)
const fail = /^\s*(\d+) fail$/m.exec(tests.output)
if (!pass && !fail) {
  console.log('bun test printed no summary')
  failed++
} else {
  passed += Number(pass?.[1] ?? 0)
  failed += Number(fail?.[1] ?? 0)
  // A crash outside any test (an unhandled error between tests) fails the run too.
  if (tests.code !== 0 && Number(fail?.[1] ?? 0) === 0) failed++
}

console.log(`${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
