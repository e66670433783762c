/**
 * `@vinr/sdk/sandbox`: the VINR API, simulated in-process and stateful, on the engine's Wasm
 * build (shared with `@vinr/sdk/settlement`; the main `@vinr/sdk` entry never loads it).
 *
 * ```ts
 * import { createSandbox } from '@vinr/sdk/sandbox';
 * const sandbox = createSandbox();
 * const res = await sandbox.fetch('/v1/payments?limit=10', {
 *   headers: { authorization: `Bearer ${sandbox.keys.test.secretKey}` },
 * });
 * ```
 *
 * Every runtime entry (`entry/sandbox-*.ts`) re-exports this module after providing the Wasm.
 * The error classes are this entry's own copies: across `@vinr/sdk` and `@vinr/sdk/sandbox`,
 * match on `e.name` or `e.code` rather than `instanceof`.
 */
export { createSandbox, type Sandbox, type SandboxKeys, type SandboxKeyPair } from './sandbox.js';
export type { SandboxDeliver, SandboxOptions, SandboxRateLimit } from './options.js';
export { memoryStorage, type MemoryStorage, type SandboxStorage, type SandboxStorageContents } from './storage.js';
export { indexedDb, type IndexedDbFactory, type IndexedDbLocks, type IndexedDbOptions, type IndexedDbStats, type IndexedDbStorage } from './indexeddb.js';
export type { RandomFill } from '../random.js';
export {
  VinrError,
  VinrConfigurationError,
  VinrInvalidInputError,
  VinrInternalError,
  VinrNotInitializedError,
  VinrStorageError,
} from '../errors.js';
/** The API's wire types (objects, events, parameters), generated from the Rust structs. */
export type * from '../api-types.js';
