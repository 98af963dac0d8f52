/** The client's shared surface: protocol types, HTTP, the realtime transport and its channels. */
export * from './protocol.ts'
export { asParleyError, disconnected, fromWire, isDisconnected } from './errors.ts'
export { httpJson, type HttpOptions } from './http.ts'
export { newId } from './ids.ts'
export { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts'
export { assertNever, Emitter } from './emitter.ts'
export * from './channel.ts'
export { browserChannels, readinessProbe } from './browser-channels.ts'
export * from './transport.ts'
export {
  looksLikeMarkdown,
  parseRichText,
  safeHref,
  showControls,
  type RichToken,
} from './rich-text.ts'
export { beep, unlockAudio } from './sound.ts'
export { typingSender, type TypingSender } from './typing.ts'
