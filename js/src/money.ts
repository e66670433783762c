/**
 * Currencies and amounts. Amounts are integers in the currency's minor units (JPY 0 decimals,
 * EUR 2, KWD 3); conversions to and from decimal text run in the Wasm core, never through a
 * float.
 */
import { requireString } from './checks.js';
import { callCore } from './core.js';

// Its home is checks.ts (no glue import, so the engine's entries can use it); still exported
// here for the modules that import it from money.
export { requireString };

/** An ISO 4217 currency as the SDK knows it. */
export interface CurrencyInfo {
  /** Upper-case ISO 4217 code, e.g. `EUR`. */
  readonly code: string;
  /** Number of minor-unit decimals: 2 for EUR, 0 for JPY, 3 for KWD. */
  readonly exponent: number;
}

export const money = {
  /** The currency for a code in any case; throws `VinrInvalidInputError` (`currency_unknown`). */
  currency(code: string): CurrencyInfo {
    return JSON.parse(callCore((c) => c.currencyInfo(requireString(code, 'currency')))) as CurrencyInfo;
  },

  /** Every currency the SDK supports, sorted by code. */
  currencies(): CurrencyInfo[] {
    return JSON.parse(callCore((c) => c.currencyList())) as CurrencyInfo[];
  },

  /** Minor units as major-unit text: `format(1050, 'EUR')` → `'10.50'`, `format(500, 'JPY')` → `'500'`. */
  format(amount: number, currency: string): string {
    return callCore((c) => c.formatAmount(amount, requireString(currency, 'currency')));
  },

  /**
   * Major-unit text to minor units: `parse('10.50', 'EUR')` → `1050`. More decimals than the
   * currency has is an error (`amount_too_precise`), never a silent rounding.
   */
  parse(text: string, currency: string): number {
    return callCore((c) => c.parseAmount(requireString(text, 'amount'), requireString(currency, 'currency')));
  },
} as const;

