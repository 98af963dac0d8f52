/**
 * The whole test suite, as `npm test` and `.ci/run` run it: the type check, the client build
 * with its size budgets, then every `*.test.ts` under tests/ with `bun test`. Ends with the line CI reads: `N passed, N failed`.
 */
import { spawnSync } from 'node:child_process'

const root = new URL('..', import.meta.url).pathname
let passed = 0
let failed = 0
/** The names of the tests that failed, repeated before the summary so a cut log still shows them. */
const failures: string[] = []

/**
 * Every line goes through process.stdout, in order: console.log writes beside the stream's own
 * queue, so the summary line could land in the middle of a large test output still being
 * written to a pipe (CI then found no summary line).
 */
function say(line: string): void {
  process.stdout.write(`${line}\n`)
}

function run(
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
): { code: number; output: string } {
  const result = spawnSync(cmd, args, {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  })
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`
  process.stdout.write(output)
  return { code: result.status ?? 1, output }
}

/** Adds a bun test run's pass and fail counts to the totals. */
function count(result: { code: number; output: string }, label = ''): void {
  const pass = /^\s*(\d+) pass$/m.exec(result.output)
  const fail = /^\s*(\d+) fail$/m.exec(result.output)
  if (!pass && !fail) {
    say('bun test printed no summary')
    failed++
    return
  }
  for (const line of result.output.split('\n'))
    if (line.startsWith('(fail) ')) failures.push(`${label}${line}`)
  passed += Number(pass?.[1] ?? 0)
  failed += Number(fail?.[1] ?? 0)
  // A crash outside any test (an unhandled error between tests) fails the run too.
  if (result.code !== 0 && Number(fail?.[1] ?? 0) === 0) failed++
}

say('== typecheck (tsc --noEmit)')
const tsc = run(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '--noEmit', '-p', '.'])
if (tsc.code === 0) passed++
else failed++

say('== client build (size budgets)')
const build = run(process.execPath, [`${root}client/build.ts`, '--if-stale'])
if (build.code === 0) passed++
else failed++

const filter = process.argv.slice(2)
say(`== bun test ${filter.join(' ')}`)
// bunfig.toml's test timeout is not applied by this bun version; pass it explicitly.
const tests = run(process.execPath, [
  'test',
  '--timeout',
  '20000',
  ...(filter.length ? filter : ['tests/']),
])
count(tests)

// The protocol suite once more on Postgres (a fresh database per server): always in CI.
if (process.env.CI === 'true' || process.env.PARLEY_TEST_BOTH_DBS === '1') {
  const onPostgres = [
    'tests/server',
    'tests/security',
    'tests/integrations/webhooks.test.ts',
    'tests/integrations/api-tokens.test.ts',
    'tests/integrations/telegram.test.ts',
    'tests/integrations/mail.test.ts',
    'tests/integrations/password-reset.test.ts',
    'tests/integrations/digests.test.ts',
    'tests/integrations/transcripts.test.ts',
    'tests/integrations/mail-channel.test.ts',
    'tests/integrations/telegram-channel.test.ts',
    'tests/analytics/history.test.ts',
    'tests/analytics/api.test.ts',
    'tests/analytics/presence.test.ts',
    'tests/analytics/regions.test.ts',
    'tests/attachments/api.test.ts',
    'tests/attachments/limits.test.ts',
    'tests/attachments/faults.test.ts',
  ]
  say(`== bun test ${onPostgres.join(' ')} (PARLEY_TEST_DB=postgres)`)
  count(
    run(process.execPath, ['test', '--timeout', '20000', ...onPostgres], {
      PARLEY_TEST_DB: 'postgres',
    }),
    '[postgres] ',
  )
}

if (failures.length) {
  say('== failed')
  for (const line of failures) say(line)
}
say(`${passed} passed, ${failed} failed`)
// No process.exit: it could cut off what stdout still has to write to the pipe.
process.exitCode = failed === 0 ? 0 : 1
