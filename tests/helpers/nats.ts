/**
 * A nats-server of the test's own (Debian's binary, JetStream on, loopback only, a free port),
 * which the test can stop, kill and restart on the same port and store folder.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  baseEnv,
  freePort,
  removeTempDir,
  spawnTracked,
  stopTracked,
  tail,
  trackTempDir,
  waitUntil,
  signal as sendSignal,
  type Exit,
  type Tracked,
} from './processes.ts'

/** A program by name on PATH, else in /usr/sbin (root's tools are not on everyone's PATH). */
export function findBinary(name: string): string | null {
  const found = Bun.which(name) ?? `/usr/sbin/${name}`
  return existsSync(found) ? found : null
}

export interface NatsServer {
  /** nats://127.0.0.1:port */
  url: string
  port: number
  /** The JetStream store folder, kept across restarts. */
  storeDir: string
  /** The PID of the current process (a new one after restart). */
  readonly pid: number
  readonly running: boolean
  /** SIGTERM, then waits for the exit (SIGKILL after a bound). */
  stop(): Promise<Exit>
  /** Sends a signal (SIGKILL by default); with a terminating one, resolves once it has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>
  /** Stops it if running, then starts it again on the same port and store folder. */
  restart(): Promise<void>
  /** Resolves once the port answers with a NATS INFO line; bounded. */
  waitReady(timeoutMs?: number): Promise<void>
  logs(): string
  /** Stops it and removes its store folder if this helper created it. */
  dispose(): Promise<void>
}

const TERMINATING = new Set<NodeJS.Signals>(['SIGKILL', 'SIGTERM', 'SIGINT', 'SIGQUIT'])

export async function startNats(
  opts: { storeDir?: string; port?: number; wait?: boolean } = {},
): Promise<NatsServer> {
  const binary = findBinary('nats-server')
  if (!binary) throw new Error('nats-server is not installed (apt-get install nats-server)')
  const port = opts.port ?? (await freePort())
  const ownDir = opts.storeDir === undefined
  const storeDir = opts.storeDir ?? trackTempDir(mkdtempSync(join(tmpdir(), 'parley-nats-')))
  const args = ['-js', '-sd', storeDir, '-a', '127.0.0.1', '-p', String(port)]
  let history = ''
  let proc: Tracked = spawn()

  function spawn(): Tracked {
    return spawnTracked(`nats:${port}`, binary as string, args, { env: baseEnv() })
  }

  const nats: NatsServer = {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    get pid() {
      return proc.pid
    },
    get running() {
      return proc.exit === null
    },
    stop: () => stopTracked(proc, { timeoutMs: 5_000 }),
    async kill(sig = 'SIGKILL') {
      sendSignal(proc.pid, sig)
      if (TERMINATING.has(sig)) await stopTracked(proc, { signal: sig, timeoutMs: 5_000 })
      // A stop signal lands asynchronously: a request sent right after kill() returns could
      // still be answered. Wait until the kernel shows the process stopped (or running again).
      if (sig === 'SIGSTOP' || sig === 'SIGCONT') {
        const stopped = sig === 'SIGSTOP'
        await waitUntil(
          `nats-server ${stopped ? 'stopped' : 'running'}`,
          () => isStopped(proc.pid) === stopped,
          {
            timeoutMs: 5_000,
            intervalMs: 5,
          },
        )
      }
    },
    async restart() {
      if (proc.exit === null) await nats.stop()
      history += proc.output()
      proc = spawn()
      await nats.waitReady()
    },
    waitReady: (timeoutMs = 10_000) =>
      waitUntil(`nats-server on port ${port}`, () => answersInfo(port), {
        timeoutMs,
        abort: () =>
          proc.exit ? `exited (${JSON.stringify(proc.exit)}):\n${tail(proc.output())}` : null,
      }),
    logs: () => history + proc.output(),
    async dispose() {
      await nats.stop()
      if (ownDir) removeTempDir(storeDir)
    },
  }
  if (opts.wait !== false) {
    try {
      await nats.waitReady()
    } catch (error) {
      await nats.dispose()
      throw error
    }
  }
  return nats
}

/** True when the server on this port greets a new connection with `INFO {...}` within a second. */
function answersInfo(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    let done = false
    let received = ''
    const finish = (ok: boolean) => {
      if (done) return
      done = true
      clearTimeout(timer)
      resolve(ok)
    }
    const timer = setTimeout(() => finish(false), 1000)
    Bun.connect({
      hostname: '127.0.0.1',
      port,
      socket: {
        data(socket, data) {
          received += data.toString()
          if (received.includes('\r\n')) {
            // Settle first: end() runs the close handler at once.
            finish(received.startsWith('INFO {'))
            socket.end()
          }
        },
        close: () => finish(false),
        error: () => finish(false),
        connectError: () => finish(false),
      },
    }).catch(() => finish(false))
  })
}

/** Whether /proc shows the process stopped by a signal (state T). */
function isStopped(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'T'
  } catch {
    return false
  }
}
