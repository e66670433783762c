// `indexedDb(...)`, the sandbox's browser storage, in a real Chromium (Debian's, through
// playwright-core) against the packed package's browser sandbox entry: state across reloads and
// closed pages, clear(), compaction, one owner per database (Web Lock, and the owner token
// without it), an aborted transaction, and group commit. The page side is
// fixtures/sandbox-indexeddb-harness.mjs; every page of a test shares one browser context, so
// they share IndexedDB and Web Locks as tabs of one profile do.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { consumerProject, removeProjects } from './lib/project.mjs';
import { serveDirectory } from './lib/static-server.mjs';
import { launchChromium } from './lib/browser.mjs';

const indexHtml = `<!doctype html><meta charset="utf-8"><title>indexedDb</title>
<script type="importmap">{"imports":{"@vinr/sdk/sandbox":"./node_modules/@vinr/sdk/dist/sandbox-inline.mjs"}}</script>
<script type="module" src="./sandbox-indexeddb-harness.mjs"></script>`;

let dir;
let server;
let browser;
let context;
const pageErrors = [];

before(async () => {
  dir = consumerProject('sandbox-indexeddb', {
    fixtures: ['sandbox-indexeddb-harness.mjs'],
    files: { 'index.html': indexHtml },
  });
  server = await serveDirectory(dir);
  browser = await launchChromium();
  context = await browser.newContext();
});

after(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
  if (!process.env.KEEP_TEST_PROJECTS) removeProjects();
});

/** A new tab of the shared context, with the harness loaded. */
async function newPage() {
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));

  await loaded(page, () => page.goto(server.url));
  return page;
}

async function loaded(page, navigate) {
  await navigate();
  await page.waitForFunction(() => window.__probe?.result === 'ready', null, { timeout: 20_000 });
}

const reload = (page) => loaded(page, () => page.reload());

/** Calls `window.h[name](...args)` in the page. */
function h(page, name, ...args) {
  return page.evaluate(([n, a]) => window.h[n](...a), [name, args]);
}

async function open(page, name, options = {}, instrument = false) {
  const opened = await h(page, 'open', name, options, instrument);
  assert.equal(opened.error, undefined, `open ${name}: ${JSON.stringify(opened.error)}`);
  return opened.keys;
}

describe('indexedDb storage in Chromium', () => {
  test('state survives a reload and a closed-and-reopened page', async () => {
    const page = await newPage();
    const keys = await open(page, 'persist');
    assert.match(keys.test.secretKey, /^sk_test_/);
    for (const amount of [1000, 2500, 399]) await h(page, 'payNow', amount);
    const before = await h(page, 'state');
    assert.equal(before.payments.length, 3);

    await reload(page);
    assert.deepEqual(await open(page, 'persist'), keys, 'same keys after a reload');
    assert.deepEqual(await h(page, 'state'), before, 'same objects after a reload');
    await h(page, 'payNow', 777);
    const more = await h(page, 'state');
    await page.close();

    const again = await newPage();
    assert.deepEqual(await open(again, 'persist'), keys, 'same keys in a new page');
    assert.deepEqual(await h(again, 'state'), more, 'same objects in a new page');
    await again.close();
  });

  test('clear() deletes the database: the next sandbox is a new account', async () => {
    const page = await newPage();
    const keys = await open(page, 'cleared');
    await h(page, 'payNow', 1000);
    await h(page, 'clear');
    // The cleared adapter refuses to write: the sandbox's state is no longer stored anywhere.
    const refused = await h(page, 'payOrError', 500);
    assert.equal(refused.error?.name, 'VinrStorageError');
    await reload(page);
    const fresh = await open(page, 'cleared');
    assert.notEqual(fresh.test.secretKey, keys.test.secretKey, 'a new account');
    assert.deepEqual((await h(page, 'state')).payments, [], 'no payments');
    await page.close();
  });

  for (const withKeyRange of [true, false]) {
    test(`compaction replaces the batches with a snapshot; the state after a reload is the same${withKeyRange ? '' : ' (no IDBKeyRange global)'}`, async () => {
      const name = withKeyRange ? 'compacted' : 'compacted-by-key';
      const page = await newPage();
      if (!withKeyRange) await h(page, 'hideKeyRange');
      await open(page, name, { compactAfterBytes: 1 });
      for (let i = 0; i < 12; i++) await h(page, 'payNow', 100 + i);
      // The snapshot goes in the write queue behind the batches before it: once a later request
      // is stored, the compaction it followed is done.
      await h(page, 'payNow', 5000);
      const stats = await h(page, 'stats');
      assert.ok(stats.snapshots >= 1, `compacted: ${JSON.stringify(stats)}`);
      assert.equal(stats.failedCompactions, 0);
      const raw = await h(page, 'raw', name);
      assert.ok(raw.snapshot > 0, 'a snapshot is stored');
      assert.ok(raw.batches < 14, `the batches it covers are gone (${raw.batches} left of 14 writes)`);
      const before = await h(page, 'state');
      assert.equal(before.payments.length, 13);

      await reload(page);
      if (!withKeyRange) await h(page, 'hideKeyRange');
      await open(page, name, { compactAfterBytes: 1 });
      assert.deepEqual(await h(page, 'state'), before, 'the state after a reload equals before');
      for (let i = 0; i < 12; i++) await h(page, 'payNow', 42 + i);
      await reload(page);
      await open(page, name, { compactAfterBytes: 1 });
      const state = await h(page, 'state');
      assert.equal(state.payments.length, 25, 'and it goes on from there, through the next compaction');
      assert.ok((await h(page, 'raw', name)).batches < 14);
      await page.close();
    });
  }

  test('one page at a time: the Web Lock refuses a second page until the first closes', async () => {
    const first = await newPage();
    const keys = await open(first, 'locked');
    await h(first, 'payNow', 1000);

    const second = await newPage();
    const refused = await h(second, 'open', 'locked', { timeout: 0 });
    assert.equal(refused.error?.name, 'VinrStorageError');
    assert.equal(refused.error?.code, 'storage_load_failed');
    assert.equal(refused.error?.causeCode, 'storage_locked');

    // Waits for the lock; the first page's closing gives it.
    await h(second, 'openLater', 'locked', { timeout: 20_000 });
    await first.close();
    const opened = await h(second, 'opened');
    assert.deepEqual(opened.keys, keys, 'the second page opens the same account once the first closed');
    assert.equal((await h(second, 'state')).payments.length, 1);
    await second.close();
  });

  test('without Web Locks, the owner token fences the page that loaded first', async () => {
    const first = await newPage();
    await open(first, 'fenced', { locks: null });
    await h(first, 'payNow', 1000);
    const second = await newPage();
    await open(second, 'fenced', { locks: null });
    const stale = await h(first, 'payOrError', 2000);
    assert.equal(stale.error?.name, 'VinrStorageError', 'the first page can no longer write');
    assert.equal(stale.error?.causeCode, 'storage_locked');
    await h(second, 'payNow', 3000);
    assert.equal((await h(second, 'state')).payments.length, 2, "the second page's log is whole, the first page's write absent");
    await first.close();
    await second.close();
  });

  test('a clear() in another page closes this page\'s connection instead of blocking', async () => {
    const owner = await newPage();
    await open(owner, 'reset-elsewhere');
    await h(owner, 'payNow', 1000);
    const other = await newPage();
    // Resolves: the owner's adapter closes its connection on `versionchange`.
    await other.evaluate(() => window.h.clearOther('reset-elsewhere'));
    const after = await h(owner, 'payOrError', 500);
    assert.equal(after.error?.name, 'VinrStorageError');
    await owner.close();
    await other.close();
  });

  test('an aborted transaction rejects its requests with VinrStorageError and stores none of them', async () => {
    const page = await newPage();
    await open(page, 'aborted', {}, true);
    await h(page, 'payNow', 1000);
    await h(page, 'payNow', 2000);
    const before = await h(page, 'state');

    await h(page, 'abortWriteTransaction', 1);
    const failed = await h(page, 'payOrError', 3000);
    assert.equal(failed.error?.name, 'VinrStorageError');
    assert.equal(failed.error?.code, 'storage_append_failed');
    assert.deepEqual(await h(page, 'state'), before, 'reloaded from storage: the failed payment is not there');

    // A burst: the first request's batch goes alone, the other nine wait and go in the second
    // transaction together, which aborts: none of the nine is stored.
    await h(page, 'abortWriteTransaction', 3); // 1: the payment before the burst, 2: its first
    const burst = await h(page, 'payConcurrently', 10);
    const ok = burst.filter((r) => r.id !== undefined);
    assert.equal(ok.length, 1, JSON.stringify(burst));
    for (const r of burst.slice(1)) assert.equal(r.error?.name, 'VinrStorageError');
    const after = await h(page, 'state');
    assert.equal(after.payments.length, before.payments.length + 2, 'the payment before the burst and its first');

    await h(page, 'payNow', 4000);
    const final = await h(page, 'state');
    await reload(page);
    await open(page, 'aborted');
    assert.deepEqual(await h(page, 'state'), final, 'a reload finds the same consistent state');
    await page.close();
  });

  test('concurrent requests share transactions (group commit)', async () => {
    const page = await newPage();
    await open(page, 'grouped', {}, true);
    const before = await h(page, 'counts');
    const results = await h(page, 'payConcurrently', 30);
    assert.ok(results.every((r) => r.id !== undefined), JSON.stringify(results));
    const transactions = (await h(page, 'counts')).readwrite - before.readwrite;
    // 31 write requests (the payment method first).
    assert.ok(transactions < 31, `${transactions} transactions for 31 requests`);
    const stats = await h(page, 'stats');
    assert.ok(stats.transactions < stats.appends, JSON.stringify(stats));
    const state = await h(page, 'state');
    await reload(page);
    await open(page, 'grouped');
    assert.deepEqual(await h(page, 'state'), state);
    await page.close();
  });

  test('options are checked', async () => {
    const page = await newPage();
    const errors = await h(page, 'configErrors');
    assert.deepEqual(errors.unknown, { name: 'VinrConfigurationError', code: 'option_unknown', param: 'bogus' });
    assert.deepEqual(errors.badTimeout, { name: 'VinrConfigurationError', code: 'option_invalid', param: 'timeout' });
    assert.deepEqual(errors.badName, { name: 'VinrConfigurationError', code: 'option_invalid', param: 'name' });
    await page.close();
    assert.deepEqual(pageErrors, [], 'no uncaught page errors');
  });
});

test('Node: the sandbox entry loads, and indexedDb() says there is no IndexedDB', async () => {
  const sdk = await import(pathToFileURL(join(dir, 'node_modules/@vinr/sdk/dist/sandbox-node.mjs')).href);
  assert.throws(() => sdk.indexedDb('x'), { name: 'VinrConfigurationError', code: 'indexeddb_unavailable' });
});
