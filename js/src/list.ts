/**
 * What a list method returns: the promise of its first page that is also an async iterator over
 * every item of every page.
 *
 * ```ts
 * const page = await vinr.payments.list({ limit: 20 });        // one page
 * for await (const payment of vinr.payments.list()) { … }       // every payment, paging by itself
 * await vinr.refunds.list().autoPagingToArray({ limit: 500 });  // at most 500
 * ```
 *
 * The next page is fetched only when the items of the current one are used up, so a `break`
 * out of `for await` stops without another request. Pages follow the cursor of the last item
 * (`startingAfter`); a list started with `endingBefore` pages the other way, towards newer
 * objects, and yields them oldest first, so the sequence moves away from the cursor either way.
 */
import type { List } from './api-types.js';
import { VinrConfigurationError } from './errors.js';
import type { ListPromise } from './resources.js';

export type ListQuery = Readonly<Record<string, unknown>>;

/** The most items `autoPagingToArray` collects: beyond it, iterate instead of buffering. */
export const AUTO_PAGING_MAX = 10_000;

/** `fetchPage(query)` requests one page; the first request starts at once, like any call. */
export function listPromise<T extends { id: string }>(query: ListQuery, fetchPage: (query: ListQuery) => Promise<List<T>>): ListPromise<T> {
  const first = fetchPage(query);
  const backwards = query['endingBefore'] !== undefined;

  async function* items(): AsyncGenerator<T, void, undefined> {
    let page = await first;
    for (;;) {
      const data = backwards ? [...page.data].reverse() : page.data;
      yield* data;
      const edge = backwards ? page.data[0] : page.data[page.data.length - 1];
      if (!page.hasMore || edge === undefined) return;
      page = await fetchPage({ ...query, ...(backwards ? { endingBefore: edge.id } : { startingAfter: edge.id }) });
    }
  }

  return Object.assign(first, {
    [Symbol.asyncIterator]: items,
    async autoPagingToArray(options: { limit: number }): Promise<T[]> {
      const limit = checkLimit(options);
      const collected: T[] = [];
      if (limit === 0) {
        await first;
        return collected;
      }
      for await (const item of items()) {
        collected.push(item);
        if (collected.length >= limit) break;
      }
      return collected;
    },
  });
}

function checkLimit(options: unknown): number {
  const limit = typeof options === 'object' && options !== null && 'limit' in options ? options.limit : undefined;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0 || limit > AUTO_PAGING_MAX) {
    throw new VinrConfigurationError(
      `autoPagingToArray needs { limit }: an integer from 0 to ${AUTO_PAGING_MAX}, the most items to collect (iterate with for await for more)`,
      { code: 'option_invalid', param: 'limit' },
    );
  }
  return limit;
}
