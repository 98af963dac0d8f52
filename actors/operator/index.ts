export * from './actor.ts'
export * from './commands.ts'
export * from './presence.ts'
