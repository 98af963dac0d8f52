/**
 * deploy/nginx.conf for tests: rendered for a port and a list of upstream addresses, and run
 * unprivileged by Debian's nginx in a temp prefix folder (pid, temp files inside it).
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findBinary } from './nats.ts'
import {
  baseEnv,
  canConnect,
  freePort,
  removeTempDir,
  spawnTracked,
  stopTracked,
  tail,
  trackTempDir,
  waitUntil,
  type Exit,
} from './processes.ts'

export const NGINX_CONF = new URL('../../deploy/nginx.conf', import.meta.url).pathname

/**
 * deploy/nginx.conf listening on `listen` with `upstreams` (host:port) in every upstream
 * block, each server keeping the parameters (max_fails, fail_timeout) the file gives.
 */
export function renderNginxConf(opts: { listen: number | string; upstreams: string[] }): string {
  if (opts.upstreams.length === 0) throw new Error('nginx needs at least one upstream')
  const conf = readFileSync(NGINX_CONF, 'utf8')
  const blocks = /^([ \t]*)# parley:upstreams begin\n([\s\S]*?)^[ \t]*# parley:upstreams end$/gm
  let rendered = conf.replace(blocks, (_all, indent: string, body: string) => {
    const params = /server \S+ ([^;]*);/.exec(body)?.[1] ?? ''
    const servers = opts.upstreams.map((a) => `${indent}server ${a}${params ? ` ${params}` : ''};`)
    return [
      `${indent}# parley:upstreams begin`,
      ...servers,
      `${indent}# parley:upstreams end`,
    ].join('\n')
  })
  rendered = rendered.replace(
    /^([ \t]*# parley:listen\n[ \t]*)listen [^;]+;/m,
    (_all, head: string) => `${head}listen 127.0.0.1:${opts.listen};`,
  )
  if (rendered === conf || !rendered.includes(`listen 127.0.0.1:${opts.listen};`)) {
    throw new Error(`${NGINX_CONF}: the parley: markers are missing`)
  }
  return rendered
}

export interface Nginx {
  /** http://127.0.0.1:port */
  url: string
  port: number
  pid: number
  /** The prefix folder: nginx.conf, nginx.pid, the *_temp folders. */
  prefix: string
  /** Fast shutdown (SIGTERM), waits for the exit; SIGKILL (workers too) after a bound. */
  stop(): Promise<Exit>
  /** The error log (captured stderr) and the access log (with the upstream of each request). */
  logs(): string
}

/** Starts nginx on a free port (or `port`) in front of `upstreams`; resolves once it accepts. */
export async function startNginx(opts: { upstreams: string[]; port?: number }): Promise<Nginx> {
  const binary = findBinary('nginx')
  if (!binary) throw new Error('nginx is not installed (apt-get install nginx-light)')
  const port = opts.port ?? (await freePort())
  const prefix = trackTempDir(mkdtempSync(join(tmpdir(), 'parley-nginx-')))
  // As root, the workers run as nobody and must reach the temp folders (nginx creates them).
  chmodSync(prefix, 0o755)
  const conf = join(prefix, 'nginx.conf')
  writeFileSync(conf, renderNginxConf({ listen: port, upstreams: opts.upstreams }))
  const args = ['-p', `${prefix}/`, '-c', conf, '-e', 'stderr', '-g', 'daemon off;']
  const proc = spawnTracked(`nginx:${port}`, binary, args, { env: baseEnv() })
  const nginx: Nginx = {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: proc.pid,
    prefix,
    async stop() {
      const exit = await stopTracked(proc, { timeoutMs: 5_000 })
      removeTempDir(prefix)
      return exit
    },
    logs: () => `${proc.output()}${readIfExists(join(prefix, 'access.log'))}`,
  }
  try {
    await waitUntil(`nginx on port ${port}`, () => canConnect(port), {
      timeoutMs: 10_000,
      abort: () =>
        proc.exit ? `exited (${JSON.stringify(proc.exit)}):\n${tail(proc.output())}` : null,
    })
  } catch (error) {
    await nginx.stop()
    throw error
  }
  return nginx
}

function readIfExists(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : ''
}
