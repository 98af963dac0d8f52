export * from './actor.ts'
export * from './clock.ts'
export * from './log.ts'
export * from './registry.ts'
