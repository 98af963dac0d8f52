/**
 * An S3 API of the test's own: s3rver in this process, on a free loopback port, keeping its
 * objects in a temp folder that stop() removes. Bucket `parley`, keys S3RVER/S3RVER.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import type { Server } from 'node:http'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TestS3 {
  /** http://127.0.0.1:port */
  endpoint: string
  bucket: string
  accessKeyId: string
  secretAccessKey: string
  /** Closes the server (and its open connections) and removes its folder. */
  stop(): Promise<void>
}

/** The part of s3rver's API used here; the package ships no types. */
interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>
  close(): Promise<void>
  httpServer?: Server
}
type S3rverClass = new (options: {
  address: string
  port: number
  silent: boolean
  directory: string
  configureBuckets: { name: string; configs: string[] }[]
}) => S3rverInstance

// Loaded with require: an import of a package without types is an error under strict settings.
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass

export async function startS3(): Promise<TestS3> {
  const directory = mkdtempSync(join(tmpdir(), 'parley-s3-'))
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: 'parley', configs: [] }],
  })
  let port: number
  try {
    port = (await server.run()).port
  } catch (error) {
    rmSync(directory, { recursive: true, force: true })
    throw error
  }
  let stopped = false
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket: 'parley',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    async stop() {
      if (stopped) return
      stopped = true
      // Clients keep connections alive; close() alone would wait for them to go idle.
      server.httpServer?.closeAllConnections()
      await server.close().catch(() => undefined)
      rmSync(directory, { recursive: true, force: true })
    },
  }
}
