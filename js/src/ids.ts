/** VINR object ids: a prefix naming the object type and a base62 random part (`pay_3Nf9…`). */
import { callCore } from './core.js';
import { requireString } from './checks.js';
import type { RandomFill } from './random.js';

export { cryptoRandom, type RandomFill } from './random.js';

/** The prefixes of VINR object ids. */
export type IdPrefix = 'pay' | 're' | 'dp' | 'cust' | 'setl' | 'po' | 'we' | 'evt' | 'pm' | 'req' | 'be' | 'acct' | 'key' | 'mbr' | 'whd';

export function createIds(random: RandomFill) {
  return {
    /** A new id with `prefix`, e.g. `generate('pay')` → `'pay_4Vq…'` (24 base62 characters). */
    generate(prefix: IdPrefix): string {
      return callCore((c) => c.generateId(requireString(prefix, 'prefix'), random));
    },
    /** The prefix of a well-formed id; throws `VinrInvalidInputError` naming `id` otherwise. */
    prefixOf(id: string): IdPrefix {
      return callCore((c) => c.idPrefix(requireString(id, 'id'), 'id')) as IdPrefix;
    },
  } as const;
}

export type Ids = ReturnType<typeof createIds>;
