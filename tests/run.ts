/**
 * The whole test suite, as `npm test` and `.ci/run` run it: the type check, the client build
 * with its size budgets, then every `*.test.ts` under tests/ with `bun test`. Ends with the line
 * CI reads: `N passed, N failed`.
 *
 * Without arguments the tests run in three steps, to keep CI well under its time limit on two
 * cores: first the functional tests (server, security, integrations, db...) on SQLite side by
 * side with the Postgres run of the protocol suite (in CI), each its own `bun test` process with
 * its own databases, ports and temporary files; then the cluster, fault and bench tests alone
 * (several processes and real timeouts each: they keep the machine to themselves); then the
 * browser tests alone (Chromium is the heaviest). With arguments: one `bun test` of those.
 */
import { spawn, spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'

const root = new URL('..', import.meta.url).pathname
let passed = 0
let failed = 0
/**
 * The tests that failed, each with the last lines bun printed before it (the error and where it
 * was thrown), repeated before the summary so a log cut to its tail still shows why.
 */
const failures: string[] = []
/** Lines of context kept per failure, and failures shown with context. */
const FAILURE_CONTEXT_LINES = 12
const FAILURES_WITH_CONTEXT = 6

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

/** As run(), without blocking: the output is kept and printed by the caller, whole, in order. */
function runQuiet(
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    })
    const chunks: Buffer[] = []
    child.stdout.on('data', (c: Buffer) => chunks.push(c))
    child.stderr.on('data', (c: Buffer) => chunks.push(c))
    child.on('error', (error) => chunks.push(Buffer.from(`${error.message}\n`)))
    child.on('close', (code) =>
      resolve({ code: code ?? 1, output: Buffer.concat(chunks).toString('utf8') }),
    )
  })
}

/**
 * What bun printed for the failed test at `lines[at]`: its `error:` lines (the message, however
 * long the output after it) and the last lines before the verdict (the expectation and the stack).
 */
function failureContext(lines: string[], at: number): string[] {
  let from = at
  while (from > 0 && at - from < 400 && !/^\((pass|fail|skip|todo)\) /.test(lines[from - 1]!))
    from--
  const tailFrom = Math.max(from, at - FAILURE_CONTEXT_LINES)
  const errors = lines
    .slice(from, tailFrom)
    .filter((l) => l.startsWith('error:'))
    .slice(0, 3)
  return [...errors, ...(errors.length ? ['...'] : []), ...lines.slice(tailFrom, at)]
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
  const lines = result.output.split('\n')
  const seen = new Set<string>()
  lines.forEach((line, i) => {
    // bun repeats every failed test's line in its closing summary: report each once.
    if (!line.startsWith('(fail) ') || seen.has(line)) return
    seen.add(line)
    failures.push(
      [
        ...(failures.length < FAILURES_WITH_CONTEXT ? failureContext(lines, i) : []).map(
          (l) => `${label}  | ${l.slice(0, 300)}`,
        ),
        `${label}${line}`,
      ].join('\n'),
    )
  })
  passed += Number(pass?.[1] ?? 0)
  failed += Number(fail?.[1] ?? 0)
  // A crash outside any test (an unhandled error between tests) fails the run too.
  if (result.code !== 0 && Number(fail?.[1] ?? 0) === 0) failed++
}

/**
 * How long each step took and its slowest files (the sum of their tests' times as bun printed
 * them, hooks excluded), so the run's time can be kept well under CI's limit.
 */
function timing(step: string, startedAt: number, outputs: string[]): void {
  const files = new Map<string, number>()
  for (const output of outputs) {
    let file = ''
    for (const line of output.split('\n')) {
      const head = /^(tests\/\S+\.test\.ts):$/.exec(line)
      if (head) file = head[1]!
      const took = /^\((?:pass|fail)\) .* \[([\d.]+)(m?s)\]$/.exec(line)
      if (took && file)
        files.set(file, (files.get(file) ?? 0) + Number(took[1]) * (took[2] === 's' ? 1000 : 1))
    }
  }
  const slowest = [...files]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([file, ms]) => `${file.replace(/^tests\//, '')} ${Math.round(ms / 1000)} s`)
  say(
    `== ${step} took ${Math.round((performance.now() - startedAt) / 1000)} s${slowest.length ? `; slowest files: ${slowest.join(', ')}` : ''}`,
  )
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
// bunfig.toml's test timeout is not applied by this bun version; pass it explicitly.
const bunTest = (paths: string[]) => ['test', '--timeout', '20000', ...paths]

// The protocol suite once more on Postgres (a fresh database per server): always in CI.
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
  'tests/attachments/faults.test.ts',
  'tests/attachments/limits.test.ts',
  'tests/help/api.test.ts',
  'tests/help/images.test.ts',
]
const withPostgres = process.env.CI === 'true' || process.env.PARLEY_TEST_BOTH_DBS === '1'

if (filter.length) {
  say(`== bun test ${filter.join(' ')}`)
  const startedAt = performance.now()
  const only = run(process.execPath, bunTest(filter))
  count(only)
  timing('bun test', startedAt, [only.output])
} else {
  /** Several processes and real timeouts each: run with nothing else. */
  const alone = ['tests/cluster', 'tests/faults', 'tests/bench']
  const browser = ['tests/browser']
  const functional = readdirSync(`${root}tests`, { withFileTypes: true })
    .filter((e) => (e.isDirectory() ? e.name !== 'helpers' : e.name.endsWith('.test.ts')))
    .map((e) => `tests/${e.name}`)
    .filter((path) => !alone.includes(path) && !browser.includes(path))
    .sort()
  say(
    `== bun test ${functional.join(' ')}${withPostgres ? ', beside the Postgres run (printed after it)' : ''}`,
  )
  let startedAt = performance.now()
  const [sqlite, postgresRun] = await Promise.all([
    runQuiet(process.execPath, bunTest(functional)),
    withPostgres
      ? runQuiet(process.execPath, bunTest(onPostgres), { PARLEY_TEST_DB: 'postgres' })
      : null,
  ])
  process.stdout.write(sqlite.output)
  count(sqlite)
  if (postgresRun) {
    say(`== bun test ${onPostgres.join(' ')} (PARLEY_TEST_DB=postgres)`)
    process.stdout.write(postgresRun.output)
    count(postgresRun, '[postgres] ')
  }
  timing('functional', startedAt, [sqlite.output, postgresRun?.output ?? ''])
  say(`== bun test ${alone.join(' ')}`)
  startedAt = performance.now()
  const aloneRun = run(process.execPath, bunTest(alone))
  count(aloneRun)
  timing('cluster, faults and bench', startedAt, [aloneRun.output])
  say(`== bun test ${browser.join(' ')}`)
  startedAt = performance.now()
  const browserRun = run(process.execPath, bunTest(browser))
  count(browserRun)
  timing('browser', startedAt, [browserRun.output])
}

if (failures.length) {
  say('== failed')
  for (const line of failures) say(line)
}
say(`${passed} passed, ${failed} failed`)
// No process.exit: it could cut off what stdout still has to write to the pipe.
process.exitCode = failed === 0 ? 0 : 1
