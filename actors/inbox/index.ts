export * from './actor.ts'
export * from './commands.ts'
