/**
 * Argument checks shared by every entry. A module of its own, importing no glue, so that entries
 * on another Wasm build (the engine's) can use them without pulling in the client core's.
 */
import { VinrInvalidInputError } from './errors.js';

/**
 * Wasm string parameters would coerce anything; the SDK refuses instead, with its typed error
 * (`ErrorClass` lets a module throw its own subclass, e.g. `VinrSettlementError`).
 */
export function requireString(
  value: unknown,
  param: string,
  ErrorClass: typeof VinrInvalidInputError = VinrInvalidInputError,
): string {
  if (typeof value !== 'string') {
    throw new ErrorClass(`${param} must be a string, got ${value === null ? 'null' : typeof value}`, {
      code: 'parameter_invalid',
      param,
    });
  }
  return value;
}
