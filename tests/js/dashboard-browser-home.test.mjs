// The sandbox dashboard (issue 11) in a real browser, home (b): examples/browser-dashboard built
// into a static folder, served by a plain file server on 127.0.0.1, running the whole sandbox in
// the page (the engine's Wasm, state in IndexedDB). Debian's Chromium, headless, through
// playwright-core. The same scenarios as home (a) (lib/dashboard-scenarios.mjs), with a seed
// that runs in the page through the clients the example puts on `globalThis.vinr`; then what
// only this home has: state that survives a reload and a closed tab, "Reset sandbox", and one
// tab at a time. Each test gets a browser context of its own, so a new IndexedDB and sandbox.
// Screenshots: tests/js/.tmp/dashboard-shots/browser-home/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from './lib/browser.mjs';
import { auditScreens, makeSeed, scenarios, screensToAudit, settled, watchConsole } from './lib/dashboard-scenarios.mjs';
import { settingsScenarios } from './lib/dashboard-settings-scenarios.mjs';
import { repoRoot, run } from './lib/project.mjs';
import { serveDirectory } from './lib/static-server.mjs';
import { startReceiver } from './lib/webhook-receiver.mjs';

const example = join(repoRoot, 'examples/browser-dashboard');
const SHOTS = join(repoRoot, 'tests/js/.tmp/dashboard-shots/browser-home');

let files;
let browser;
let receiver;

before(async () => {
  await run(process.execPath, [join(example, 'build.mjs')]);
  files = await serveDirectory(join(example, 'dist'));
  browser = await launchChromium();
  receiver = await startReceiver();
});

after(async () => {
  await browser?.close();
  await files?.close();
  await receiver?.close();
});

/**
 * One scenario's home: a browser context (its own IndexedDB) and the one page in it that owns
 * the sandbox. `open` shows a route in that page, loading it again (so every open also starts
 * the sandbox from what it stored, as home (a)'s new page loads from the server); `seed` runs
 * in the page, creating the page at Home first when there is none yet.
 */
async function browserHome({ bypassCSP = false } = {}) {
  const context = await browser.newContext({ bypassCSP });
  let page;
  const errors = [];

  async function newPage({ width, height, route }) {
    const created = await context.newPage();
    // One list for the context's pages: an error on a page closed since is still reported.
    watchConsole(created, errors);
    await created.setViewportSize({ width, height });
    await created.goto(`${files.url}#/${route}`);
    return created;
  }

  async function open({ width = 1280, height = 900, route = 'payments' } = {}) {
    if (page === undefined || page.isClosed()) {
      page = await newPage({ width, height, route });
    } else {
      await page.setViewportSize({ width, height });
      await page.evaluate((r) => (location.hash = r), `#/${route}`);
      await page.reload();
    }
    await mounted(page);
    await settled(page);
    return page;
  }

  async function current() {
    if (page === undefined || page.isClosed()) {
      page = await newPage({ width: 1280, height: 900, route: 'home' });
      await mounted(page);
    }
    return page;
  }

  const seed = makeSeed({
    async run(fn, mode, ...args) {
      const p = await current();
      return p.evaluate(`(${fn})(globalThis.vinr[${JSON.stringify(mode)}], ...${JSON.stringify(args)})`);
    },
    async raw(method, path, body, auth) {
      const p = await current();
      return p.evaluate(
        async ({ method, path, body, auth }) => {
          const { sandbox } = globalThis.vinr;
          const secretKey = auth.secretKey ?? sandbox.keys[auth.mode].secretKey;
          const headers = { authorization: `Bearer ${secretKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
          const response = await sandbox.fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
          return { status: response.status, body: await response.json() };
        },
        { method, path, body, auth },
      );
    },
  });

  return { context, open, seed, current, close: () => context.close() };
}

/** The example has mounted the dashboard (or written why it could not). */
const mounted = (page) => page.waitForFunction(() => document.querySelector('#app .boot') === null, null, { timeout: 30_000 });

/** Runs `body(home)` in a home of its own, closed afterwards whatever happens. */
async function inBrowserHome(body, options) {
  const home = await browserHome(options);
  try {
    await body(home);
  } finally {
    await home.close();
  }
}

describe('home (b): the dashboard with the sandbox in the page', () => {
  test('the example builds into a static folder: the page, its bundle and source map, the SDK beside it', () => {
    const dist = join(example, 'dist');
    for (const file of ['index.html', 'app.mjs', 'app.mjs.map', 'sdk/inline.mjs', 'sdk/sandbox-inline.mjs']) {
      assert.ok(existsSync(join(dist, file)), `dist/${file}`);
    }
  });

  for (const [name, scenario] of Object.entries({ ...scenarios, ...settingsScenarios })) {
    test(name, () => inBrowserHome(({ open, seed }) => scenario({ open, seed, receiver })));
  }

  test('the state survives a reload and a closed tab, in IndexedDB', () =>
    inBrowserHome(async ({ open, seed }) => {
      const payment = await seed.payment({ mode: 'test', amount: 4_242, email: 'stays@example.com' });
      const shows = (page) => page.waitForFunction((id) => document.querySelector('[data-testid=payments-table]')?.textContent.includes(id), payment.id);
      let page = await open();
      await shows(page);
      assert.ok((await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name))).includes('vinr-dashboard'));
      await page.reload();
      await mounted(page);
      await shows(page);
      await page.close();
      // A new tab of the same browser profile, after the only one was closed.
      page = await open({ route: `payments/${payment.id}` });
      assert.match(await page.textContent('main'), /stays@example\.com/);
      assert.equal((await seed.retrieve('payments', payment.id)).amount, 4_242);
    }));

  test('"Reset sandbox" asks first, then starts a new account with none of the old objects', () =>
    inBrowserHome(async ({ open, seed }) => {
      const payment = await seed.payment({ mode: 'test', amount: 1_500 });
      const page = await open();
      await page.waitForSelector(`[data-testid=payments-table] code.id:has-text("${payment.id}")`);
      const keyBefore = await page.evaluate(() => globalThis.vinr.sandbox.keys.test.secretKey);
      await page.click('button:has-text("Reset sandbox")');
      const dialog = page.locator('dialog[open]');
      await dialog.waitFor();
      assert.match(await dialog.textContent(), /cannot be undone|irreversible|deletes/i);
      // Cancelling keeps everything.
      await dialog.locator('button:not(.danger)').first().click();
      assert.equal(await page.locator('dialog[open]').count(), 0);
      assert.equal(await page.evaluate(() => globalThis.vinr.sandbox.keys.test.secretKey), keyBefore);
      await page.click('button:has-text("Reset sandbox")');
      await Promise.all([page.waitForEvent('load'), page.locator('dialog[open] button.danger').click()]);
      await mounted(page);
      await settled(page);
      assert.notEqual(await page.evaluate(() => globalThis.vinr.sandbox.keys.test.secretKey), keyBefore, 'a new account, with new keys');
      assert.equal(await page.locator(`code.id:has-text("${payment.id}")`).count(), 0);
      assert.equal((await seed.api('GET', `/v1/payments/${payment.id}`)).status, 404);
      assert.deepEqual(page.consoleErrors([/status of 404/]), []);
    }));

  test('a second tab is told the sandbox is open in another one, and gets it once that tab closes', () =>
    inBrowserHome(async ({ context, open }) => {
      const first = await open();
      const second = await context.newPage();
      await second.goto(files.url);
      await mounted(second);
      assert.match(await second.locator('#app').innerText(), /open in another tab/);
      await first.close();
      await second.reload();
      await mounted(second);
      await settled(second);
      assert.doesNotMatch(await second.locator('#app').innerText(), /another tab|could not start/);
    }));

  test('every screen: axe-core finds no serious or critical violation; screenshots at 1280 and 390 px', () =>
    inBrowserHome(
      async ({ open, seed }) => {
        const routes = await screensToAudit(seed, receiver);
        await auditScreens({ open, routes, shots: SHOTS });
      },
      // axe is injected as an inline script, which the page's CSP (rightly) forbids.
      { bypassCSP: true },
    ));
});
