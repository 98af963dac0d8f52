export * from './service.ts'
export * from './visitor-tokens.ts'
export * from './account.ts'
export * from './revocation.ts'
export { FirstRunSetup, type FirstAdmin } from './setup.ts'
export { HashGate, type HashGateOptions } from './hash-gate.ts'
export {
  LoginThrottle,
  subnetOf,
  takeFromBucket,
  takeShared,
  throttleKey,
  takeToken,
  type LoginLimits,
  type Refusal,
  type ThrottleRecord,
  type ThrottleStore,
} from './throttle.ts'
export { KvThrottleStore, MemoryThrottleStore } from './throttle-stores.ts'
