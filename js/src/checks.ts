/**
 * Argument checks shared by every entry. A module of its own, importing no glue, so that entries
 * on another Wasm build (the engine's) can use them without pulling in the client core's.
 */
import { VinrConfigurationError, VinrInvalidInputError } from './errors.js';

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

/**
 * Refuses an option name outside `known` (a typo would otherwise be ignored silently).
 * `prefix` names a nested object's options, e.g. `'rateLimit.'`.
 */
export function checkKnownOptions(options: object, known: ReadonlySet<string>, prefix = ''): void {
  for (const name of Object.keys(options)) {
    if (!known.has(name)) {
      throw new VinrConfigurationError(
        `unknown option '${prefix}${name}'; known options${prefix ? ` of ${prefix.slice(0, -1)}` : ''}: ${[...known].join(', ')}`,
        { code: 'option_unknown', param: prefix + name },
      );
    }
  }
}

/** A storage adapter's `compactAfterBytes`: a whole number of bytes, or `Infinity` for never. */
export function checkCompactAfterBytes(value: number): number {
  if (!(Number.isSafeInteger(value) && value >= 0) && value !== Infinity) {
    throw new VinrConfigurationError('compactAfterBytes must be a whole number of bytes (0 or more), or Infinity to never compact', {
      code: 'option_invalid',
      param: 'compactAfterBytes',
    });
  }
  return value;
}
