/** The protocol: shared by server, actors and client. Imports only valibot and msgpackr. */
export * from './errors.ts'
export * from './model.ts'
export * from './frames.ts'
export * from './codec.ts'
export * from './prescan.ts'
export * from './strings.ts'
export * from './visitor-label.ts'
export * from './origins.ts'
