// The dashboard's browser scenarios (issue 11), written against `open` and `seed`, so the same
// scenarios run against each home: (a) `vinr sandbox` (tests/js/dashboard.test.mjs) and (b) the
// sandbox in the page (tests/js/browser-dashboard.test.mjs). Each scenario gets:
//   open({ route?, width?, height?, bypassCSP? }) → a Playwright page showing the dashboard at
//     `#/route`, with `page.consoleErrors(allow)`. Home (a) opens a new page (its own context)
//     each time; home (b) shows the one page of the scenario's context, whose sandbox the seed
//     also uses (one tab at a time owns the in-browser sandbox).
//   seed: test data made, and checked, the way the home allows: for (a) the SDK client over
//     HTTP against the same server, for (b) the SDK client in the page on the page's sandbox.
//     seed.payment({ mode, amount, number?, email? }) → Payment      (EUR, captured)
//     seed.dispute(paymentId) → Dispute                              (test mode)
//     seed.retrieve(kind, id, mode?) → object                        (kind: 'payments' | 'disputes' | …)
//     seed.keyStatus(secretKey) → HTTP status of GET /v1/account with that key
//     seed.api(method, path, body?, mode?) → { status, body }        (with the mode's Owner key)
//   receiver: a local webhook receiver ({ url, count(), bodies(), waitFor(n) }).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const axeSource = createRequire(import.meta.url)('axe-core').source;

/**
 * A new page (its own context: sessionStorage starts empty) that records console errors and
 * page errors (see `watchConsole`).
 */
export async function openDashboard(browser, url, { width = 1280, height = 900, route = 'payments', bypassCSP = false } = {}) {
  const page = await browser.newPage({ viewport: { width, height }, bypassCSP });
  watchConsole(page);
  await page.goto(`${url}/#/${route}`);
  await settled(page);
  return page;
}

/**
 * Records `page`'s console errors and page errors into `errors` (pages may share one list) and
 * gives it `page.consoleErrors(allow)`: those not matching a pattern of `allow`, the errors a
 * scenario expects (a forced 403).
 */
export function watchConsole(page, errors = []) {
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.consoleErrors = (allow = []) => errors.filter((e) => !allow.some((re) => re.test(e)));
}

/** The screen has its heading and nothing is loading. */
export async function settled(page) {
  await page.waitForFunction(() => document.querySelector('main h1') !== null && document.querySelector('main [role=status]') === null, null, {
    timeout: 15_000,
  });
}

/** Opens `route` in the page (a hash change) and waits until its screen has loaded. */
export async function go(page, route) {
  await page.evaluate((r) => {
    location.hash = r;
  }, `#/${route}`);
  await page.waitForFunction((r) => document.querySelector('main')?.dataset.route === r, route);
  await settled(page);
}

async function viewAs(page, role) {
  await page.selectOption('#view-as', role);
  await settled(page);
}

export function noConsoleErrors(page, allow) {
  assert.deepEqual(page.consoleErrors(allow), [], 'no console errors');
}

/**
 * Polls `check` (async, truthy when done) for up to `timeout` ms. For a change the UI makes
 * without showing anything new, or that happens after the page's part (a delivery's outcome):
 * the seed cannot see the page's requests (in home (b) there are none), only the API.
 */
export async function eventually(check, what, timeout = 10_000) {
  const end = Date.now() + timeout;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The scenarios' `seed`, made of what a home can do: `run(fn, mode, ...args)` calls
 * `fn(vinr, ...args)` with that mode's Owner client and resolves with its result, and
 * `raw(method, path, body, auth)` makes one API request with `auth` = `{ secretKey }` or
 * `{ mode }` (that mode's Owner key) and resolves with `{ status, body }`. Home (a) runs them in
 * Node, home (b) in the page (`fn` must then use nothing but its arguments).
 */
export function makeSeed({ run, raw }) {
  return {
    payment: (options) => run(makePayment, options.mode, options),
    dispute: (paymentId) => run((vinr, id) => vinr.testHelpers.payments.dispute(id, { reason: 'product_not_received' }), 'test', paymentId),
    retrieve: (kind, id, mode = 'test') => run((vinr, k, i) => vinr[k].retrieve(i), mode, kind, id),
    keyStatus: async (secretKey) => (await raw('GET', '/v1/account', undefined, { secretKey })).status,
    api: (method, path, body, mode = 'test') => raw(method, path, body, { mode }),
  };
}

/** A captured EUR payment with a new card (a customer too when `email` is given). */
async function makePayment(vinr, { mode, amount, number = '4242424242424242', email }) {
  const card = mode === 'live' && number.startsWith('4242') ? '5555555555554444' : number;
  const method = await vinr.paymentMethods.create({ type: 'card', card: { number: card, expMonth: 12, expYear: 2034, cvc: card.startsWith('3') ? '1234' : '123' } });
  const customer = email === undefined ? undefined : await vinr.customers.create({ email, name: 'Test Customer' });
  return vinr.payments.create({ amount, currency: 'EUR', paymentMethod: method.id, ...(customer ? { customer: customer.id } : {}), description: 'Dashboard test order' });
}

export const scenarios = {
  async 'search a payment by last four'({ open, seed }) {
    const amex = await seed.payment({ mode: 'test', amount: 3100, number: '378282246310005', email: 'grace@example.com' });
    const other = await seed.payment({ mode: 'test', amount: 1200 });
    const page = await open();
    await page.fill('#pay-search', '0005');
    await page.click('form[role=search] button[type=submit]');
    await page.waitForSelector('.chips');
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid=payments-table] tbody tr')];
      return rows.length > 0 && rows.every((r) => r.textContent.includes('0005'));
    });
    const text = await page.textContent('[data-testid=payments-table]');
    assert.ok(text.includes(amex.id), 'the amex payment is found');
    assert.ok(!text.includes(other.id), 'a payment with another card is not');
    // And by the customer's email.
    await page.fill('#pay-search', 'grace@example.com');
    await page.click('form[role=search] button[type=submit]');
    await page.waitForFunction((id) => document.querySelector('[data-testid=payments-table]')?.textContent.includes(id) && document.querySelectorAll('[data-testid=payments-table] tbody tr').length === 1, amex.id);
    noConsoleErrors(page);
    await page.close();
  },

  async 'partial refund, then full refund until exhausted'({ open, seed }) {
    const payment = await seed.payment({ mode: 'test', amount: 5000, email: 'refund.me@example.com' });
    const page = await open({ route: `payments/${payment.id}` });
    await page.fill(`#refund-amount-${payment.id}`, '10.00');
    await page.click('[data-testid=refund-button]');
    const dialog = page.locator('dialog[open]');
    await dialog.waitFor();
    const says = await dialog.textContent();
    assert.match(says, /EUR 10\.00/, 'the confirmation states the amount');
    assert.match(says, /refund\.me@example\.com/, 'and the customer');
    assert.match(says, /irreversible/, 'and that it cannot be undone');
    await dialog.locator('button.danger').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=amount-refunded]')?.textContent.includes('EUR 10.00'));
    // The rest: an empty amount refunds what remains.
    await page.click('[data-testid=refund-button]');
    await page.locator('dialog[open]').waitFor();
    assert.match(await page.locator('dialog[open]').textContent(), /EUR 40\.00/);
    await page.locator('dialog[open] button.danger').click();
    await page.waitForSelector('[data-testid=refund-exhausted]');
    assert.equal(await page.isDisabled('[data-testid=refund-button]'), true, 'the refund button is refused once exhausted');
    assert.equal(await page.locator('[data-testid=refund-list] li').count(), 2);
    assert.equal((await seed.retrieve('payments', payment.id)).amountRefunded, 5000);
    noConsoleErrors(page);
    await page.close();
  },

  async 'submit dispute evidence'({ open, seed }) {
    const payment = await seed.payment({ mode: 'test', amount: 7700 });
    const dispute = await seed.dispute(payment.id);
    const page = await open({ route: `payments/${payment.id}` });
    await page.waitForSelector('[data-testid=dispute]');
    assert.match(await page.textContent('[data-testid=dispute]'), /Respond by/);
    await page.fill('#evidence-text', 'Delivered on time; signed receipt attached.');
    await page.fill('#evidence-files', 'receipt.pdf, tracking.png');
    await page.click('button:has-text("Submit evidence…")');
    await page.locator('dialog[open]').waitFor();
    assert.match(await page.locator('dialog[open]').textContent(), /irreversible/);
    await page.locator('dialog[open] button.primary').click();
    await page.waitForSelector('[data-testid=evidence-submitted]');
    assert.equal(await page.locator('#evidence-text').count(), 0, 'the form is gone once submitted');
    const after = await seed.retrieve('disputes', dispute.id);
    assert.equal(after.evidence.text, 'Delivered on time; signed receipt attached.');
    assert.deepEqual(after.evidence.files, ['receipt.pdf', 'tracking.png']);
    noConsoleErrors(page);
    await page.close();
  },

  async 'a customer\'s record: lifetime volume, the stored card, and a refund started from it'({ open, seed }) {
    const email = `record.${Date.now().toString(36)}@example.com`;
    const payment = await seed.payment({ mode: 'test', amount: 9_900, email });
    const attached = await seed.api('POST', `/v1/customers/${payment.customer}/payment_methods`, { paymentMethod: payment.paymentMethod });
    assert.equal(attached.status, 200, JSON.stringify(attached.body));
    const page = await open({ route: 'customers' });
    await page.fill('#cust-email', email);
    await page.press('#cust-email', 'Enter');
    await page.click(`main a:has-text("${email}")`);
    await settled(page);
    assert.equal(await page.textContent('main h1'), email);
    const record = await page.textContent('main');
    assert.match(record, /EUR 99\.00/, 'the lifetime volume');
    assert.match(record, /•••• 4242[\s\S]*default/, 'the stored card, the default method');
    assert.ok(record.includes(payment.id) || (await page.locator(`a[href="#/payments/${payment.id}"]`).count()) === 1, 'the payment');
    await page.click('main table button:has-text("Refund…")');
    await page.fill(`#refund-amount-${payment.id}`, '9.90');
    await page.click('[data-testid=refund-button]');
    const dialog = page.locator('dialog[open]');
    await dialog.waitFor();
    assert.match(await dialog.textContent(), new RegExp(`EUR 9\\.90[\\s\\S]*${email.replace(/\./g, '\\.')}`), 'the amount and the customer');
    await dialog.locator('button.danger').click();
    await eventually(async () => (await seed.retrieve('payments', payment.id)).amountRefunded === 990, 'the API has the refund');
    noConsoleErrors(page);
    await page.close();
  },

  async 'switch mode and see none of the other mode\'s objects'({ open, seed }) {
    const test = await seed.payment({ mode: 'test', amount: 1111 });
    const live = await seed.payment({ mode: 'live', amount: 2222, number: '5555555555554444' });
    const page = await open();
    const ids = () => page.$$eval('[data-testid=payments-table] tbody code.id', (cells) => cells.map((c) => c.textContent));
    await page.waitForSelector('[data-testid=payments-table]');
    let shown = await ids();
    assert.ok(shown.includes(test.id) && !shown.includes(live.id));
    // By keyboard: the switch is a pair of buttons in the tab order.
    await page.focus('.mode-switch button:has-text("Live")');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.banner.live');
    await page.waitForFunction((id) => document.querySelector('[data-testid=payments-table]')?.textContent.includes(id), live.id);
    shown = await ids();
    assert.ok(!shown.includes(test.id), 'no sandbox payment in live mode');
    for (const id of shown) assert.equal((await seed.retrieve('payments', id, 'live')).livemode, true, `${id} is a live object`);
    assert.equal(await page.locator('.clock').count(), 0, 'no clock in live mode');
    // A test-mode payment's page, opened in live mode, is not found (objects never mix).
    await go(page, `payments/${test.id}`);
    await page.waitForSelector('main [role=alert]');
    assert.match(await page.textContent('main [role=alert]'), /404/);
    noConsoleErrors(page, [/status of 404/]);
    await page.close();
  },

  async 'view as Analyst: no refund button, and a forced refund gets the 403'({ open, seed }) {
    const payment = await seed.payment({ mode: 'test', amount: 3000 });
    const page = await open({ route: `payments/${payment.id}` });
    await page.waitForSelector('[data-testid=refund-button]');
    await viewAs(page, 'analyst');
    await page.waitForSelector('[data-testid=timeline]');
    assert.equal(await page.locator('[data-testid=refund-button]').count(), 0, 'an Analyst sees no refund button');
    assert.equal(await page.locator('.sidenav a:has-text("Events")').count(), 0, 'nor the events an Analyst cannot read');
    await page.check('text=Show actions this role cannot take');
    await page.click('[data-testid=refund-button]');
    await page.locator('dialog[open] button.danger').click();
    const alert = page.locator('dialog[open] [role=alert]');
    await alert.waitFor();
    const text = await alert.textContent();
    assert.match(text, /Not allowed for this role/);
    assert.match(text, /analyst role cannot issue refunds/i);
    assert.match(text, /Request id: req_/);
    assert.equal((await seed.retrieve('payments', payment.id)).amountRefunded, 0, 'nothing was refunded');
    noConsoleErrors(page, [/status of 403/]);
    await page.close();
  },

  async 'a "view as" key revoked elsewhere is replaced, and the screens load again'({ open, seed }) {
    const payment = await seed.payment({ mode: 'test', amount: 2_000 });
    const page = await open();
    await viewAs(page, 'developer');
    await page.waitForSelector(`[data-testid=payments-table] code.id:has-text("${payment.id}")`);
    // The newest Developer key the dashboard made is this page's (other pages made their own).
    const viewKeys = async () =>
      (await seed.api('GET', '/v1/api_keys?limit=100')).body.data.filter((k) => k.name === 'Dashboard: view as Developer' && k.status === 'active');
    const [inUse] = await viewKeys();
    assert.equal((await seed.api('DELETE', `/v1/api_keys/${inUse.id}`)).status, 200);
    // The next screen's load is refused with a 401; the dashboard makes a new key and loads again.
    await go(page, 'home');
    await go(page, 'payments');
    await page.waitForSelector(`[data-testid=payments-table] code.id:has-text("${payment.id}")`);
    assert.equal(await page.locator('main [role=alert]').count(), 0, 'no error left on the screen');
    const [replacement] = await viewKeys();
    assert.ok(replacement !== undefined && replacement.id !== inUse.id, 'a new Developer key');
    assert.equal(await page.inputValue('#view-as'), 'developer', 'still viewing as Developer');
    noConsoleErrors(page, [/status of 401/]);
    await page.close();
  },

  async 'roll a key and see the old one refused'({ open, seed }) {
    const page = await open({ route: 'settings/keys' });
    await page.selectOption('#key-role', 'developer');
    await page.fill('#key-name', 'CI server');
    await page.click('button:has-text("Create key")');
    await page.waitForSelector('[data-testid=revealed-secret] code.secret');
    const old = (await page.textContent('[data-testid=revealed-secret] code.secret')).trim();
    assert.equal(await seed.keyStatus(old), 200);
    await page.waitForSelector('[data-testid=keys-table] tr:has-text("CI server")');
    await page.click('[data-testid=keys-table] tr:has-text("CI server") button:has-text("Roll")');
    const dialog = page.locator('dialog[open]');
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /401/, 'the roll warns of the 401s');
    await dialog.locator('button.danger').click();
    await page.waitForFunction((o) => {
      const shown = document.querySelector('[data-testid=revealed-secret] code.secret')?.textContent.trim();
      return shown !== undefined && shown !== o;
    }, old);
    const rolled = (await page.textContent('[data-testid=revealed-secret] code.secret')).trim();
    assert.equal(await seed.keyStatus(old), 401, 'the old secret is refused at once');
    assert.equal(await seed.keyStatus(rolled), 200, 'the new one works');
    noConsoleErrors(page);
    await page.close();
  },

  async 'register a webhook and replay a delivery'({ open, seed, receiver }) {
    const page = await open({ route: 'settings/webhooks' });
    await page.fill('#wh-url', receiver.url);
    await page.click('button:has-text("Register endpoint")');
    await page.waitForSelector(`[data-testid=webhooks-table] a:has-text("${receiver.url}")`);
    const payment = await seed.payment({ mode: 'test', amount: 4321 });
    await page.click(`[data-testid=webhooks-table] a:has-text("${receiver.url}")`);
    await settled(page);
    await page.waitForSelector('[data-testid=deliveries-table] tbody tr');
    const first = page.locator('[data-testid=deliveries-table] tbody tr').first();
    const deliveryId = await first.getAttribute('data-delivery');
    const before = receiver.count();
    await first.locator('button:has-text("Replay")').click();
    await receiver.waitFor(before + 1);
    // The replay is an attempt of its own, recorded once the receiver has answered (just after
    // it counted the body): wait for the API to have it, then the delivery log shows it.
    const endpointId = (await page.evaluate(() => location.hash)).split('/').pop();
    const replayRecorded = async () => {
      const { body } = await seed.api('GET', `/v1/webhooks/${endpointId}/deliveries?limit=20`);
      return body.data.find((d) => d.id === deliveryId)?.attempts.some((a) => a.replay) === true;
    };
    await eventually(replayRecorded, 'the API records the replayed attempt');
    await page.click('button:has-text("Refresh")');
    await page.waitForFunction((id) => document.querySelector(`tr[data-delivery="${id}"] [data-testid=attempts]`)?.textContent.includes('replayed') === true, deliveryId);
    assert.ok(receiver.bodies().some((b) => b.includes(payment.id)), 'the receiver got the payment events');
    noConsoleErrors(page);
    await page.close();
  },

  async 'advance the clock and see a settlement and a payout appear'({ open, seed }) {
    await seed.payment({ mode: 'test', amount: 8800 });
    const page = await open({ route: 'settlements' });
    const count = (sel) => page.locator(`${sel} tbody tr`).count();
    const settlementsBefore = (await page.locator('[data-testid=settlements-table]').count()) === 0 ? 0 : await count('[data-testid=settlements-table]');
    const clockBefore = await page.textContent('[data-testid=clock-now]');
    await page.click('button[aria-label="Advance the clock 7 days"]');
    await page.waitForFunction((b) => document.querySelector('[data-testid=clock-now]')?.textContent !== b, clockBefore);
    await page.waitForSelector('[data-testid=settlements-table] tbody tr');
    await page.waitForSelector('[data-testid=payouts-table] tbody tr');
    assert.ok((await count('[data-testid=settlements-table]')) > settlementsBefore, 'a settlement appeared');
    assert.match(await page.textContent('[data-testid=payouts-table]'), /EUR \d/);
    // The settlement's statement downloads, in both formats, through the API's signed link.
    await page.click('[data-testid=settlements-table] tbody tr a');
    await settled(page);
    for (const format of ['CSV', 'PDF']) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(`button:has-text("Statement ${format}")`)]);
      assert.match(download.suggestedFilename(), new RegExp(`^setl_.*\\.${format.toLowerCase()}$`));
      assert.equal(await download.failure(), null);
    }
    // And the payments list exports as CSV.
    await go(page, 'payments');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('button:has-text("Export CSV")')]);
    assert.match(csv.suggestedFilename(), /^payments-test\.csv$/);
    noConsoleErrors(page);
    await page.close();
  },
};

/**
 * The screens `auditScreens` visits, each with something on it: a refunded payment with its
 * customer, a disputed one, a settlement (the clock moved 8 days) and a webhook endpoint.
 */
export async function screensToAudit(seed, receiver) {
  const payment = await seed.payment({ mode: 'test', amount: 12_500, email: 'shots@example.com' });
  await seed.api('POST', '/v1/refunds', { payment: payment.id, amount: 2_500 });
  const disputed = await seed.payment({ mode: 'test', amount: 6_000 });
  await seed.dispute(disputed.id);
  const ok = async (...call) => {
    const { status, body } = await seed.api(...call);
    assert.ok(status < 300, `${call[0]} ${call[1]}: ${status} ${JSON.stringify(body)}`);
    return body;
  };
  await ok('POST', '/v1/webhooks', { url: receiver.url, enabledEvents: ['payment.completed'], description: 'Screenshots' });
  await ok('POST', '/v1/test_helpers/clock/advance', { seconds: 8 * 86_400 });
  const [settlement] = (await ok('GET', '/v1/settlements?limit=1')).data;
  const [endpoint] = (await ok('GET', '/v1/webhooks?limit=1')).data;
  assert.ok(settlement !== undefined, 'a settlement to show');
  return [
    'home',
    'payments',
    `payments/${payment.id}`,
    `payments/${disputed.id}`,
    'events',
    'customers',
    `customers/${payment.customer}`,
    'settlements',
    `settlements/${settlement.id}`,
    'settings/team',
    'settings/keys',
    'settings/webhooks',
    `settings/webhooks/${endpoint.id}`,
    'settings/payouts',
    'settings/account',
  ];
}

/**
 * Every screen at 1280 and 390 px: axe-core finds no serious or critical violation, and a
 * screenshot of each is saved under `shots`. `routes` are the screens to visit (with ids of
 * objects the seed made).
 */
export async function auditScreens({ open, routes, shots }) {
  mkdirSync(shots, { recursive: true });
  const failures = [];
  for (const [width, height] of [[1280, 900], [390, 844]]) {
    // axe is injected as an inline script, which the dashboard's CSP (rightly) forbids.
    const page = await open({ width, height, route: routes[0], bypassCSP: true });
    await page.addScriptTag({ content: axeSource });
    for (const route of routes) {
      await go(page, route);
      const violations = await page.evaluate(async () => {
        const result = await globalThis.axe.run(document, { resultTypes: ['violations'] });
        return result.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
      });
      for (const v of violations) failures.push(`${route} @${width}px: ${v}`);
      const name = `${String(routes.indexOf(route) + 1).padStart(2, '0')}-${route.replace(/\/(pay|cust|setl|we)_[A-Za-z0-9]+/, '-$1').replace(/\//g, '-')}`;
      await page.screenshot({ path: join(shots, `${name}-${width}.png`), fullPage: true });
    }
    assert.deepEqual(page.consoleErrors(), [], `no console errors at ${width}px`);
    await page.close();
  }
  assert.deepEqual(failures, [], 'no serious or critical accessibility violations');
}
