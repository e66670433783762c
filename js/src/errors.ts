/**
 * The SDK's typed errors. Every error the SDK throws is a `VinrError`; catch a subclass to
 * handle one case. Messages never contain a secret key or webhook secret.
 */
import type { WebhookCoreErrorCode } from './webhook-facts.js';

/** What every SDK error carries. `code` is stable; `message` is for people. */
export class VinrError extends Error {
  /** A stable snake_case code, e.g. `invalid_option` or `unknown_currency`. */
  readonly code: string;
  /** The option, parameter or field at fault, when there is one. */
  readonly param: string | undefined;
  // Spelled out rather than taken from the constructor, which minifiers rename.
  override get name(): string {
    return 'VinrError';
  }

  constructor(message: string, options: { code: string; param?: string | undefined; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.param = options.param;
  }
}

/** The options given to `new Vinr(...)` (or another SDK call's options) are malformed. */
export class VinrConfigurationError extends VinrError {
  override get name(): string {
    return 'VinrConfigurationError';
  }
}

/** A value given to an SDK helper is invalid (an unknown currency, a malformed amount or id). */
export class VinrInvalidInputError extends VinrError {
  override get name(): string {
    return 'VinrInvalidInputError';
  }
}

/**
 * The Wasm core failed in a way that is a bug of the SDK (a Rust panic). The message is the
 * panic's. The SDK discards the affected instance and starts a fresh one on the next call.
 */
export class VinrInternalError extends VinrError {
  override get name(): string {
    return 'VinrInternalError';
  }
}

/** The Wasm core is not loaded yet: on runtimes that need it, `await init()` first. */
export class VinrNotInitializedError extends VinrError {
  override get name(): string {
    return 'VinrNotInitializedError';
  }
}

/**
 * The sandbox's storage adapter failed: `append` rejected a request's change records, or
 * `load` failed or returned contents the sandbox cannot restore. `cause` is the adapter's own
 * error. A request rejected with this error may or may not have taken effect (the adapter may
 * have stored its records before failing): like a dropped connection, retry it with the same
 * `Idempotency-Key`. The sandbox reloads itself from the adapter before serving the next request.
 */
export class VinrStorageError extends VinrError {
  override get name(): string {
    return 'VinrStorageError';
  }
}

/**
 * Why `webhooks.verify` (or `verifyStandard`) refused a delivery. Stable: match on these. The
 * core's codes (`WebhookCoreErrorCode`, generated from the Rust core), and two of the JS layer:
 * a payload that is not the raw body, and a verified body that is not a JSON object.
 */
export type SignatureVerificationErrorCode = WebhookCoreErrorCode | 'invalid_payload_type' | 'invalid_json';

/**
 * A webhook delivery failed verification: answer it with a 400 and do not act on it. `code` says
 * why; the message never contains a secret or an expected signature.
 */
export class SignatureVerificationError extends VinrError {
  declare readonly code: SignatureVerificationErrorCode;
  override get name(): string {
    return 'SignatureVerificationError';
  }
}

/**
 * Settlement input the engine refused (an unknown currency, a negative amount, a refund above
 * its payment, a malformed statement CSV, …). `param` names the field; a subclass of
 * `VinrInvalidInputError`, so code catching that catches this too.
 */
export class VinrSettlementError extends VinrInvalidInputError {
  override get name(): string {
    return 'VinrSettlementError';
  }
}

/** The message of anything thrown: an `Error`'s `message`, or the value as text. */
export function messageOf(e: unknown): string {
  return typeof e === 'object' && e !== null && 'message' in e ? String(e.message) : String(e);
}
