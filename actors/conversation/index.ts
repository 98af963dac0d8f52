export * from './access.ts'
export * from './actor.ts'
export * from './commands.ts'
export { forVisitor } from './rules.ts'
