/** Actors and the ports they talk through. Never imports Elysia, Drizzle or NATS. */
export * from './runtime/index.ts'
export * from './conversation/index.ts'
export * from './operator/index.ts'
export * from './inbox/index.ts'
export * from './bus.ts'
export * from './ports.ts'
