/**
 * Child processes for multi-process tests (cluster nodes, nats-server, nginx): spawned with
 * captured output, registered by PID, and stopped by PID. Whatever a test forgets, or leaves
 * behind when it fails, is killed at process exit or on SIGINT / SIGTERM, with its children.
 * Every wait here is bounded.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'

/** How a process ended: its exit code, or the signal that ended it. */
export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
}

/** A spawned process: PID, captured output, and a promise of its exit. */
export interface Tracked {
  label: string
  pid: number
  child: ChildProcess
  exited: Promise<Exit>
  /** Set once it has exited. */
  exit: Exit | null
  /** The captured stdout and stderr, interleaved, the last MAX_LOG_CHARS characters. */
  output(): string
}

const MAX_LOG_CHARS = 256 * 1024
const live = new Map<number, Tracked>()
const tempDirs = new Set<string>()

/**
 * Spawns `cmd` with exactly `env` (nothing inherited), stdin closed, output captured. With
 * PARLEY_TEST_ECHO=1 the output is also printed, each line prefixed with the label.
 */
export function spawnTracked(
  label: string,
  cmd: string,
  args: string[],
  opts: { env: Record<string, string>; cwd?: string },
): Tracked {
  installExitHooks()
  const child = spawn(cmd, args, {
    env: opts.env,
    cwd: opts.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  const echo = process.env.PARLEY_TEST_ECHO === '1'
  const append = (chunk: Buffer) => {
    const text = chunk.toString('utf8')
    log = (log + text).slice(-MAX_LOG_CHARS)
    if (echo) for (const line of text.split('\n')) if (line) console.log(`[${label}] ${line}`)
  }
  child.stdout?.on('data', append)
  child.stderr?.on('data', append)
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }))
    child.once('error', (error) => {
      append(Buffer.from(`spawn failed: ${error.message}\n`))
      resolve({ code: null, signal: null })
    })
  })
  if (child.pid === undefined) {
    throw new Error(`${label}: could not spawn ${cmd}`)
  }
  const tracked: Tracked = {
    label,
    pid: child.pid,
    child,
    exited,
    exit: null,
    output: () => log,
  }
  live.set(child.pid, tracked)
  void exited.then((exit) => {
    tracked.exit = exit
    live.delete(tracked.pid)
  })
  return tracked
}

/**
 * Sends `signal` (SIGCONT too, so that a paused process handles it), waits up to `timeoutMs`
 * for the exit, then kills the process and its children. Resolves with how it ended.
 */
export async function stopTracked(
  t: Tracked,
  opts: { signal?: NodeJS.Signals; timeoutMs?: number } = {},
): Promise<Exit> {
  if (t.exit) return t.exit
  signal(t.pid, opts.signal ?? 'SIGTERM')
  signal(t.pid, 'SIGCONT')
  const exit = await withTimeout(t.exited, opts.timeoutMs ?? 10_000)
  if (exit) return exit
  killTree(t.pid)
  return (await withTimeout(t.exited, 5_000)) ?? { code: null, signal: 'SIGKILL' }
}

/** Sends a signal by PID; false when the process is gone. */
export function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig)
    return true
  } catch {
    return false
  }
}

/** True while a process with this PID exists (a zombie counts until it is reaped). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return error instanceof Error && 'code' in error && error.code === 'EPERM'
  }
}

/** PIDs of every tracked process that has not exited yet. */
export function livePids(): number[] {
  return [...live.keys()]
}

/** SIGKILLs a process and its descendants (e.g. nginx workers, which outlive a killed master). */
export function killTree(pid: number): void {
  for (const child of childPids(pid)) killTree(child)
  signal(pid, 'SIGKILL')
}

/** Direct children of `pid`, read from /proc (empty where /proc is unavailable). */
export function childPids(pid: number): number[] {
  const children: number[] = []
  let entries: string[] = []
  try {
    entries = readdirSync('/proc')
  } catch {
    return children
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue
    try {
      // The command name in parentheses may hold spaces; the parent PID follows the state.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid === pid) children.push(Number(entry))
    } catch {
      // exited meanwhile
    }
  }
  return children
}

/** Registers a temp folder to remove at exit if nobody removed it before. */
export function trackTempDir(dir: string): string {
  tempDirs.add(dir)
  return dir
}

/** Removes a temp folder now. */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
  tempDirs.delete(dir)
}

/** Kills every tracked process still running, with its children, and removes tracked folders. */
export function killLeftovers(): void {
  for (const pid of live.keys()) killTree(pid)
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
  tempDirs.clear()
}

let hooked = false
function installExitHooks(): void {
  if (hooked) return
  hooked = true
  process.on('exit', killLeftovers)
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      killLeftovers()
      process.exit(sig === 'SIGINT' ? 130 : 143)
    })
  }
}

/** A TCP port that was free on 127.0.0.1 a moment ago (bound to port 0, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))))
    })
  })
}

/** The value, or null when it does not settle within `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)))
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Calls `check` every `intervalMs` until it returns true, for at most `timeoutMs`; throws with
 * `what` (and the last error `check` threw) when time runs out, or at once when `abort` says why.
 */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean> | boolean,
  opts: { timeoutMs?: number; intervalMs?: number; abort?: () => string | null } = {},
): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000)
  let last = ''
  for (;;) {
    const reason = opts.abort?.()
    if (reason) throw new Error(`${what}: ${reason}`)
    try {
      if (await check()) return
      last = ''
    } catch (error) {
      last = error instanceof Error ? error.message : String(error)
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `${what}: timed out after ${opts.timeoutMs ?? 10_000} ms${last ? ` (${last})` : ''}`,
      )
    }
    await Bun.sleep(opts.intervalMs ?? 100)
  }
}

/** True when a TCP connection to 127.0.0.1:port opens within `timeoutMs` (it is closed again). */
export function canConnect(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    let done = false
    const finish = (ok: boolean) => {
      if (done) return
      done = true
      clearTimeout(timer)
      resolve(ok)
    }
    const timer = setTimeout(() => finish(false), timeoutMs)
    Bun.connect({
      hostname: '127.0.0.1',
      port,
      socket: {
        open: (socket) => {
          finish(true)
          socket.end()
        },
        data: () => {},
        error: () => finish(false),
        connectError: () => finish(false),
      },
    }).catch(() => finish(false))
  })
}

/** The environment a child gets from this process: only what any program needs to run. */
export function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {}
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'LC_ALL', 'TZ', 'CI']) {
    const value = process.env[key]
    if (value !== undefined) env[key] = value
  }
  return env
}

/** The last `lines` lines of a log, for error messages. */
export function tail(text: string, lines = 40): string {
  return text.split('\n').slice(-lines).join('\n')
}
