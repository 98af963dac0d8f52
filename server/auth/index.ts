export * from './service.ts'
export * from './visitor-tokens.ts'
