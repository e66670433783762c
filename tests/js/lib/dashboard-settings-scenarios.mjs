// Browser scenarios of the settings screens (Team, Payouts, Account) and of the events log,
// with the contract of lib/dashboard-scenarios.mjs: each is `async ({ open, seed, receiver })`,
// uses only `open` and `seed` (never a client or the server's URL), and checks what the UI did
// through `seed.api` / `seed.retrieve`, so that every home can run it.
//
// They share one sandbox with the other scenarios: team members and names are unique to each
// run, and what is one per mode (the account's name, currency and payout schedule) is put back
// as it was at the end, whether the scenario passed or not. Bank details cannot be removed
// through the API; a scenario only ever replaces them.
import assert from 'node:assert/strict';
import { eventually, go, noConsoleErrors, settled } from './dashboard-scenarios.mjs';

/** A name no other run of any scenario uses (the sandbox outlives one scenario). */
function unique(prefix) {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/** The API's answer, which must be a 200: its body. */
async function ok(answer) {
  const { status, body } = await answer;
  assert.equal(status, 200, `the API answered ${status}: ${JSON.stringify(body)}`);
  return body;
}

async function teamMember(seed, email, mode = 'test') {
  const list = await ok(seed.api('GET', '/v1/team/members?limit=100', undefined, mode));
  assert.equal(list.hasMore, false, 'the team fits in one page');
  return list.data.find((m) => m.email === email);
}

const account = (seed) => ok(seed.api('GET', '/v1/account'));

/** The schedule a change asks for: pending until the next window, or already in force. */
const requested = (a) => a.settlement.nextSchedule ?? a.settlement.schedule;

/** `PATCH /account` back to `before`'s name, currency and (requested) schedule. */
async function restoreAccount(seed, before) {
  const s = requested(before);
  const schedule = {
    interval: s.interval,
    delayDays: s.delayDays,
    ...(s.interval === 'weekly' ? { weeklyAnchor: s.anchor } : {}),
    ...(s.interval === 'monthly' ? { monthlyAnchor: s.anchor } : {}),
  };
  await ok(seed.api('PATCH', '/v1/account', { businessName: before.businessName, defaultCurrency: before.defaultCurrency, settlement: { schedule } }));
}

/** `restoreAccount`, then the page closed: in that order, as in home (b) the seed runs in the page. */
async function restoreAccountAndClose(seed, before, page) {
  try {
    await restoreAccount(seed, before);
  } finally {
    await page.close();
  }
}

/** The screen's error box (a 4xx of the API): its text, with the API's message and request id. */
async function apiError(page) {
  const alert = page.locator('main [role=alert]');
  await alert.waitFor();
  const text = await alert.textContent();
  assert.match(text, /Request id: req_/, 'the error quotes the request id');
  return text;
}

/**
 * Holds the page's requests of one method to a URL pattern until `release()`, which lets them go
 * on (as they are, and all later ones) and stops holding. Requests the page never sends over the
 * network (the sandbox in the page) are not seen.
 */
async function holdRequest(page, method, pattern) {
  const held = [];
  const handler = (route) => (route.request().method() === method ? held.push(route) : route.fallback());
  await page.route(pattern, handler);
  return {
    async release() {
      await Promise.all(held.map((route) => route.continue()));
      await page.unroute(pattern, handler);
    },
  };
}

/** The texts of a selector's matches. */
const texts = (page, selector) => page.$$eval(selector, (nodes) => nodes.map((n) => n.textContent.trim()));

export const settingsScenarios = {
  async 'team: invite, change the role, remove (per mode)'({ open, seed }) {
    const email = `${unique('member')}@example.com`;
    const row = `[data-testid=team-table] tbody tr:has-text("${email}")`;
    const roleSelect = `select[aria-label="Role of ${email}"]`;
    const page = await open({ route: 'settings/team' });
    await page.fill('#team-email', email);
    await page.selectOption('#team-role', 'developer');
    await page.click('form[aria-label="Invite a member"] button[type=submit]');
    await page.waitForSelector(row);
    assert.equal(await page.inputValue(roleSelect), 'developer', 'the list shows the role given');
    assert.equal(await page.inputValue('#team-email'), '', 'the form is ready for the next invite');
    const invited = await teamMember(seed, email);
    assert.equal(invited?.role, 'developer', 'the API lists the member with that role');
    assert.equal(invited.livemode, false);
    // Roles apply per mode: the sandbox's member is nobody in live mode.
    assert.equal(await teamMember(seed, email, 'live'), undefined, 'not a member in live mode');
    await page.click('.mode-switch button:has-text("Live")');
    await page.waitForSelector('.banner.live');
    await page.waitForFunction(() => document.querySelector('main h2')?.textContent.includes('live mode'));
    await settled(page);
    assert.equal(await page.locator(row).count(), 0, 'the live team does not list the sandbox member');
    await page.click('.mode-switch button:has-text("Sandbox")');
    await page.waitForSelector(row);
    // The same email again is refused, with the API's reason.
    await page.fill('#team-email', email.toUpperCase());
    await page.click('form[aria-label="Invite a member"] button[type=submit]');
    assert.match(await apiError(page), /already a member/);
    // A new role, from the member's row. While it is saved the select shows the role chosen, not
    // the stored one. Over HTTP (home a) the save is held until the select has been read, so the
    // read cannot race it; in home (b) no request leaves the page and nothing is held.
    const save = await holdRequest(page, 'PATCH', '**/v1/team/members/*');
    await page.selectOption(roleSelect, 'analyst');
    assert.equal(await page.inputValue(roleSelect), 'analyst', 'the select keeps the role being saved');
    await save.release();
    await eventually(async () => (await teamMember(seed, email))?.role === 'analyst', 'the API shows the new role');
    await page.waitForFunction(() => document.querySelector('main [role=alert]') === null);
    await page.waitForFunction((select) => document.querySelector(select)?.value === 'analyst', roleSelect);
    // Removal asks first; cancelling keeps the member.
    await page.click(`${row} button:has-text("Remove")`);
    const dialog = page.locator('dialog[open]');
    await dialog.waitFor();
    assert.match(await dialog.textContent(), new RegExp(`${email.replace(/[.]/g, '\\.')} loses access to sandbox mode`));
    await dialog.locator('button:has-text("Cancel")').click();
    await dialog.waitFor({ state: 'detached' });
    assert.ok(await teamMember(seed, email), 'cancel removes nobody');
    await page.click(`${row} button:has-text("Remove")`);
    await dialog.locator('button.danger').click();
    await page.waitForSelector(row, { state: 'detached' });
    assert.equal(await page.locator('dialog[open]').count(), 0, 'the dialog closes');
    assert.equal(await teamMember(seed, email), undefined, 'the API no longer lists the member');
    noConsoleErrors(page, [/status of 400/]);
    await page.close();
  },

  async 'payouts: weekly then monthly schedule, bank details, refused values change nothing'({ open, seed }) {
    const before = await account(seed);
    const page = await open({ route: 'settings/payouts' });
    try {
      const facts = () => page.textContent('dl.facts');
      // Weekly, windows from Friday, paid 3 business days after.
      await page.selectOption('#po-interval', 'weekly');
      await page.selectOption('#po-weekday', 'friday');
      await page.fill('#po-delay', '3');
      await page.click('button:has-text("Save schedule")');
      await page.waitForFunction(() => document.querySelector('dl.facts')?.textContent.includes('weekly (anchor friday), paid 3 business days'));
      assert.deepEqual(requested(await account(seed)), { interval: 'weekly', delayDays: 3, anchor: 'friday' });
      // Monthly on the 15th; an empty delay keeps the one asked for.
      await page.selectOption('#po-interval', 'monthly');
      assert.equal(await page.locator('#po-weekday').count(), 0, 'no weekday for a monthly schedule');
      await page.fill('#po-day', '15');
      await page.fill('#po-delay', '');
      await page.click('button:has-text("Save schedule")');
      await page.waitForFunction(() => document.querySelector('dl.facts')?.textContent.includes('monthly (anchor 15), paid 3 business days'));
      assert.deepEqual(requested(await account(seed)), { interval: 'monthly', delayDays: 3, anchor: 15 });
      // Opened again, the form starts from that schedule: a new delay alone keeps the interval.
      await go(page, 'settings/account');
      await go(page, 'settings/payouts');
      assert.equal(await page.inputValue('#po-interval'), 'monthly', 'the form shows the schedule asked for');
      assert.equal(await page.inputValue('#po-day'), '15');
      await page.fill('#po-delay', '4');
      await page.click('button:has-text("Save schedule")');
      await page.waitForFunction(() => document.querySelector('dl.facts')?.textContent.includes('monthly (anchor 15), paid 4 business days'));
      assert.deepEqual(requested(await account(seed)), { interval: 'monthly', delayDays: 4, anchor: 15 });
      // Bank details: spaces in the IBAN are fine; only the country and last four are shown.
      const holder = unique('Holder');
      await page.fill('#bank-holder', holder);
      await page.fill('#bank-iban', 'DE89 3704 0044 0532 0130 00');
      await page.click('button:has-text("Save bank account")');
      await page.waitForSelector(`main p:has-text("${holder} · DE ···· 3000")`);
      assert.deepEqual((await account(seed)).bankAccount, { accountHolderName: holder, country: 'DE', last4: '3000' });
      const saved = await account(seed);
      // A delay beyond the API's maximum: its message and request id, and the schedule stays.
      await page.fill('#po-delay', '46');
      await page.click('button:has-text("Save schedule")');
      assert.match(await apiError(page), /Error 400.*delayDays.*between 0 and 45/s);
      // A wrong check digit in the IBAN: refused the same way, the bank account stays.
      await page.fill('#bank-holder', 'Someone Else');
      await page.fill('#bank-iban', 'DE89370400440532013001');
      await page.click('button:has-text("Save bank account")');
      await page.waitForFunction(() => document.querySelector('main [role=alert]')?.textContent.includes('IBAN'));
      assert.match(await apiError(page), /Error 400.*IBAN is not valid/s);
      const after = await account(seed);
      assert.deepEqual(after.settlement, saved.settlement, 'the refused delay changed nothing');
      assert.deepEqual(after.bankAccount, saved.bankAccount, 'the refused IBAN changed nothing');
      assert.match(await facts(), /monthly \(anchor 15\), paid 4 business days/);
      assert.ok(await page.isVisible(`main p:has-text("${holder} · DE ···· 3000")`));
      noConsoleErrors(page, [/status of 400/]);
    } finally {
      await restoreAccountAndClose(seed, before, page);
    }
  },

  async 'account: business name and default currency'({ open, seed }) {
    const before = await account(seed);
    const name = unique('Scenario Shop');
    const currency = before.defaultCurrency === 'USD' ? 'GBP' : 'USD';
    const page = await open({ route: 'settings/account' });
    try {
      await page.fill('#acct-name', `  ${name} `);
      await page.fill('#acct-currency', currency.toLowerCase());
      await page.click('form[aria-label="Account settings"] button[type=submit]');
      await eventually(async () => (await account(seed)).businessName === name, 'the API has the new name');
      const changed = await account(seed);
      assert.equal(changed.defaultCurrency, currency, 'the currency, in upper case');
      assert.equal(changed.livemode, false);
      assert.notEqual((await ok(seed.api('GET', '/v1/account', undefined, 'live'))).businessName, name, 'live mode keeps its own name');
      // A new currency is the default of the other screens at once (no page reload).
      await go(page, 'home');
      assert.equal(await page.getAttribute('#home-currency', 'placeholder'), currency, 'the home screen uses the new default currency');
      // The screen opened again shows what the API keeps.
      await go(page, 'settings/account');
      assert.equal(await page.inputValue('#acct-name'), name);
      assert.equal(await page.inputValue('#acct-currency'), currency);
      // A currency the API does not know: its message and request id, nothing changes.
      await page.fill('#acct-name', `${name} 2`);
      await page.fill('#acct-currency', 'ZZZ');
      await page.click('form[aria-label="Account settings"] button[type=submit]');
      assert.match(await apiError(page), /Error 400.*unknown currency code 'ZZZ'/s);
      const after = await account(seed);
      assert.equal(after.businessName, name, 'the refused change left the name');
      assert.equal(after.defaultCurrency, currency);
      noConsoleErrors(page, [/status of 400/]);
    } finally {
      await restoreAccountAndClose(seed, before, page);
    }
  },

  async 'events: filter by type and by object, copy a payload'({ open, seed }) {
    const payment = await seed.payment({ mode: 'test', amount: 6150 });
    const other = await seed.payment({ mode: 'test', amount: 6160 });
    const refund = await ok(seed.api('POST', '/v1/refunds', { payment: payment.id, amount: 1150 }));
    const page = await open({ route: 'events' });
    const rows = '[data-testid=events] > li';
    /** The events shown, as `type id` (the id in the row is the event's object's). */
    const shown = () => texts(page, `${rows} summary`).then((s) => s.map((t) => t.split(/\s+/).slice(0, 2).join(' ')));
    const eventIds = () => page.$$eval(`${rows} .payload-bar .muted`, (nodes) => nodes.map((n) => n.textContent.replace('payload of ', '').trim()));
    const apply = async (type, object) => {
      await page.fill('#ev-type', type);
      await page.fill('#ev-object', object);
      await page.click('button:has-text("Apply")');
    };

    // By type: refund events only, this refund's among them (newest first).
    await apply('refund.created', '');
    await page.waitForFunction(
      ({ rows, id }) => {
        const items = [...document.querySelectorAll(`${rows} summary`)];
        return items.some((s) => s.textContent.includes(id)) && items.every((s) => s.querySelector('.event-type').textContent === 'refund.created');
      },
      { rows, id: refund.id },
    );
    assert.ok(!(await shown()).some((t) => t.includes(payment.id)), 'no payment event among refund events');

    // By object: every event of the payment (its refund's included), the same as the API's, and
    // none of the other payment.
    const api = await ok(seed.api('GET', `/v1/events?object=${payment.id}&limit=25`));
    const expected = api.data.map((e) => e.id);
    assert.ok(api.data.some((e) => e.type === 'refund.created') && api.data.some((e) => e.type === 'payment.created'));
    await apply('', payment.id);
    await page.waitForFunction(
      ({ rows, expected }) => {
        const ids = [...document.querySelectorAll(`${rows} .payload-bar .muted`)].map((n) => n.textContent.replace('payload of ', '').trim());
        return ids.length === expected.length && ids.every((id, i) => id === expected[i]);
      },
      { rows, expected },
    );
    assert.deepEqual(await eventIds(), expected, 'the events of the payment, as the API lists them');
    const objectShown = await shown();
    assert.ok(objectShown.includes(`payment.created ${payment.id}`));
    assert.ok(objectShown.includes(`refund.created ${refund.id}`));
    assert.ok(!objectShown.some((t) => t.includes(other.id)), 'nothing of the other payment');

    // Both: the one refund.created of this payment.
    await apply('refund.created', payment.id);
    await page.waitForFunction((rows) => document.querySelectorAll(rows).length === 1, rows);
    assert.deepEqual(await shown(), [`refund.created ${refund.id}`]);

    // A type the API does not know: its message (with the known types) and request id.
    await apply('nothing.happened', '');
    assert.match(await apiError(page), /Error 400.*unknown event type/s);
    await apply('refund.created', payment.id);
    await page.waitForFunction(() => document.querySelector('main [role=alert]') === null);
    await page.waitForFunction((rows) => document.querySelectorAll(rows).length === 1, rows);

    // The payload's copy button puts the event's JSON on the clipboard.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    const [eventId] = await eventIds();
    await page.click(`${rows} summary`);
    const copy = page.locator(`button[aria-label="Copy payload of ${eventId}"]`);
    await copy.click();
    await page.waitForFunction((id) => document.querySelector(`button[aria-label="Copy payload of ${id}"]`)?.textContent.trim() === 'Copied', eventId);
    const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText()));
    assert.equal(copied.id, eventId);
    assert.equal(copied.type, 'refund.created');
    assert.equal(copied.data.id, refund.id);
    assert.equal(copied.data.payment, payment.id);
    assert.deepEqual(copied, JSON.parse(await page.textContent(`${rows} pre`)), 'the payload shown is the one copied');
    noConsoleErrors(page, [/status of 400/]);
    await page.close();
  },
};
