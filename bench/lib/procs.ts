/**
 * Processes the bench starts: each pinned to the server core when taskset is available, waited
 * for until ready (bounded), and stopped by its PID (SIGTERM, then SIGKILL after a grace).
 */
import { spawnSync, type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const ROOT = new URL('../..', import.meta.url).pathname
export const BUN = process.execPath

/** Cores: the server gets `server`, this process (the load client) `client`. */
export interface Pinning {
  enabled: boolean
  server: number
  client: number
}

export function detectPinning(wanted: boolean): Pinning {
  const cores = navigator.hardwareConcurrency
  const enabled =
    wanted && cores >= 2 && spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0
  return { enabled, server: 0, client: cores >= 2 ? 1 : 0 }
}

/** Pins every thread of this process (the load client) to the client core. */
export function pinSelf(pin: Pinning): void {
  if (!pin.enabled) return
  spawnSync('taskset', ['-a', '-cp', String(pin.client), String(process.pid)], { stdio: 'ignore' })
}

/** A started process and its collected output (the tail, for error messages). */
export interface Proc {
  name: string
  child: ChildProcess
  pid: number
  output(): string
  exited: Promise<number | null>
}

const started = new Set<Proc>()

export function startProcess(
  name: string,
  cmd: string[],
  opts: { env?: Record<string, string>; pin: Pinning; core?: 'server' | 'client' },
): Proc {
  const core = opts.core === 'client' ? opts.pin.client : opts.pin.server
  const argv = opts.pin.enabled ? ['taskset', '-c', String(core), ...cmd] : cmd
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let tail = ''
  const keep = (d: Buffer) => {
    tail = (tail + d.toString()).slice(-4000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  )
  if (child.pid === undefined) throw new Error(`${name}: could not start ${argv.join(' ')}`)
  const proc: Proc = { name, child, pid: child.pid, output: () => tail, exited }
  started.add(proc)
  void exited.then(() => started.delete(proc))
  return proc
}

/** SIGTERM by PID, SIGKILL after `graceMs`; resolves when the process is gone. */
export async function stopProcess(proc: Proc, graceMs = 5000): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return
  try {
    process.kill(proc.pid, 'SIGTERM')
  } catch {
    return
  }
  const timer = setTimeout(() => {
    try {
      process.kill(proc.pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }, graceMs)
  await proc.exited
  clearTimeout(timer)
}

/** Stops whatever is still running (the run's finally, and on SIGINT). */
export async function stopAll(): Promise<void> {
  await Promise.all([...started].map((p) => stopProcess(p, 3000)))
}

/** Polls `url` until it answers 200, the process exits, or `timeoutMs` passes. */
export async function waitReady(proc: Proc, url: string, timeoutMs = 20_000, everyMs = 20) {
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    if (proc.child.exitCode !== null) {
      throw new Error(`${proc.name} exited (${proc.child.exitCode}):\n${proc.output()}`)
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) })
      if (res.status === 200) return
    } catch {
      // not listening yet
    }
    await Bun.sleep(everyMs)
  }
  throw new Error(`${proc.name} not ready at ${url} after ${timeoutMs} ms:\n${proc.output()}`)
}

/** A free TCP port on loopback (asks the OS, then releases it). */
export function freePort(): number {
  const srv = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
  const port = srv.port
  srv.stop(true)
  return port
}

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix))
  return {
    path,
    remove: () => {
      if (existsSync(path)) rmSync(path, { recursive: true, force: true })
    },
  }
}

/** A process's resident set, read from /proc (no cooperation needed). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)
  return kb ? Number(kb[1]) * 1024 : 0
}

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux). */
const CLOCK_TICKS = 100

/** CPU time a process (every thread) has used so far, ms, from /proc; 0 once it is gone. */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name, which may hold spaces: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS
  } catch {
    return 0
  }
}

/**
 * What the scheduler says of a process so far, every thread summed, from
 * /proc/PID/task/TID/schedstat: time spent runnable but waiting for a core (ms), and how many
 * times a thread was put on a core (each wake-up or preemption ends in one). Zeros once it is
 * gone. Over a window, per acked message, these tell queueing for a shared core and process
 * switches apart from CPU time.
 */
export function schedStats(pid: number): { waitMs: number; slices: number } {
  let waitNs = 0
  let slices = 0
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const [, wait, runs] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8')
          .trim()
          .split(' ')
        waitNs += Number(wait)
        slices += Number(runs)
      } catch {
        // The thread ended between the listing and the read.
      }
    }
  } catch {
    // The process is gone.
  }
  return { waitMs: waitNs / 1e6, slices }
}
