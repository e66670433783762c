// Every code sample of the product documents (seeds 000 and 004; seed 002 has none in code),
// run as written against the in-process sandbox of the packed package: the samples are kept
// verbatim in fixtures/doc-samples/ (checked against the documents when ../shared/seeds is
// there), and run with nothing but `VINR_SECRET_KEY` (and `VINR_WEBHOOK_SECRET`) set and the
// sandbox as the process's `fetch`, the way an unchanged app would run against it.
//
// Two things are the harness's, not the samples':
// - the documents' example ids (`cust_8Qa2`, `pay_3Nf91`, `setl_8KQ2vR1aJ`) are replaced by
//   ids of objects of the same kind that the harness created first;
// - a sample that continues its page (uses `vinr` without creating it) gets that page's first
//   two lines (`import { Vinr } …; const vinr = new Vinr(…)`) in front, as a reader would.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { transform } from 'esbuild';
import { consumerProject, removeProjects, repoRoot } from './lib/project.mjs';

const samples = join(repoRoot, 'tests/js/fixtures/doc-samples');
const sample = (name) => readFileSync(join(samples, name), 'utf8');
const PAGE_SETUP = sample('payout-schedule.mjs').split('\n').slice(0, 2).join('\n') + '\n';

let project;
let sandbox;
let ids;
/** The receiver of the webhook sample, set once its module is loaded. */
let route;
const recorded = [];
let fetchBefore;
before(async () => {
  project = consumerProject('doc-samples', { files: { 'sandbox.mjs': `export * from '@vinr/sdk/sandbox';\nexport { Vinr } from '@vinr/sdk';\n` } });
  const { createSandbox, Vinr } = await import(pathToFileURL(join(project, 'sandbox.mjs')).href);
  sandbox = createSandbox({ deliver: (request) => route.POST(request) });
  const setup = new Vinr({ sandbox });
  const customer = await setup.customers.create({ email: 'ada@example.com' });
  const card = await setup.paymentMethods.create({ type: 'card', card: { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' } });
  const payment = await setup.payments.create({ amount: 48_200, currency: 'EUR', customer: customer.id, paymentMethod: card.id });
  const endpoint = await setup.webhooks.create({ url: 'https://merchant.example/api/webhooks', enabledEvents: ['payout.paid'] });
  // What the samples see of the process: the key, the endpoint's secret, and fetch.
  process.env.VINR_SECRET_KEY = sandbox.keys.test.secretKey;
  process.env.VINR_WEBHOOK_SECRET = endpoint.secret;
  fetchBefore = globalThis.fetch;
  globalThis.fetch = sandbox.fetch;
  globalThis.ledger = { recordPayout: async (id, amount) => recorded.push({ id, amount }) };
  ids = { cust_8Qa2: customer.id, pay_3Nf91: payment.id, setl_8KQ2vR1aJ: undefined };
  route = (await runSample('webhook-route.ts', { typescript: true })).module;
  // The refund sample runs first (as in the dashboard guide); then a week of the sandbox clock
  // settles the payment and the refund, pays the settlement out and delivers `payout.paid`.
  await runSample('customers-and-refund.mjs');
  await setup.testHelpers.clock.advance({ seconds: 7 * 86_400 });
  await sandbox.settled();
  ids.setl_8KQ2vR1aJ = (await setup.settlements.list()).data[0].id;
});
after(() => {
  globalThis.fetch = fetchBefore;
  if (!process.env.KEEP_TEST_PROJECTS) removeProjects();
});

/** Runs a JS sample as a module of the consumer project; returns what it logged. */
async function runSample(name, { typescript = false } = {}) {
  let code = sample(name);
  for (const [placeholder, id] of Object.entries(ids)) if (id !== undefined) code = code.replaceAll(`'${placeholder}'`, `'${id}'`);
  if (!code.includes('new Vinr(')) code = PAGE_SETUP + code;
  if (typescript) code = (await transform(code, { loader: 'ts', format: 'esm' })).code;
  const file = join(project, `${name.replace(/\.\w+$/, '')}-${Date.now()}.mjs`);
  writeFileSync(file, code);
  const logged = [];
  const log = console.log;
  console.log = (...args) => logged.push(args);
  try {
    return { module: await import(pathToFileURL(file).href), logged };
  } finally {
    console.log = log;
  }
}

test('the fixtures are the documents’ samples, verbatim', { skip: !existsSync(join(repoRoot, '../shared/seeds')) && 'no ../shared/seeds here' }, () => {
  const seeds = join(repoRoot, '../shared/seeds');
  const documents = readdirSync(seeds)
    .filter((f) => f.endsWith('.txt'))
    .map((f) => readFileSync(join(seeds, f), 'utf8'))
    .join('\n');
  const squash = (text) => text.replace(/\s+/g, ' ').trim();
  for (const name of readdirSync(samples)) {
    assert.ok(squash(documents).includes(squash(sample(name))), `${name} is not in the documents as written`);
  }
});

test('dashboard guide: retrieve a customer, refund €10.00 of a payment (run in setup)', async () => {
  const refunds = await (await sandbox.fetch(`/v1/refunds?payment=${ids.pay_3Nf91}`, { headers: { authorization: `Bearer ${process.env.VINR_SECRET_KEY}` } })).json();
  assert.deepEqual(refunds.data.map((r) => [r.amount, r.currency]), [[1000, 'EUR']]);
});

test('settlement guide: the payout schedule prints as documented', async () => {
  const { logged } = await runSample('payout-schedule.mjs');
  assert.deepEqual(logged, [[{ interval: 'daily', delayDays: 2, anchor: null }]]);
});

test('settlement guide: a settlement’s summary', async () => {
  const { logged } = await runSample('settlement-summary.mjs');
  const [[summary]] = logged;
  assert.equal(summary.currency, 'EUR');
  assert.equal(summary.grossPayments, 48_200);
  assert.equal(summary.refunds, -1000);
  assert.ok(summary.fees < 0);
  assert.equal(summary.net, summary.grossPayments + summary.refunds + summary.disputes + summary.fees);
});

test('settlement guide: for await over the balance entries', async () => {
  const { logged } = await runSample('settlement-entries.mjs');
  assert.deepEqual(
    logged.map(([type, source, amount]) => [type, source.slice(0, source.indexOf('_') + 1), Math.sign(amount)]),
    [
      ['payment', 'pay_', 1],
      ['fee', 'pay_', -1],
      ['refund', 're_', -1],
    ],
  );
});

test('settlement guide: the reserve (none on a new sandbox account)', async () => {
  const { logged } = await runSample('reserve.mjs');
  assert.deepEqual(logged, [[null]]);
});

test('settlement guide: the statement request with X-Api-Key', async () => {
  // The sample is a shell command; in-process, its request goes through the sandbox's fetch
  // exactly as curl would send it (over HTTP it runs as curl, with the local server).
  const command = sample('statement.sh');
  const url = command.match(/curl (\S+)/)[1].replace('setl_8KQ2vR1aJ', ids.setl_8KQ2vR1aJ);
  const [, name, value] = command.match(/-H "([^:]+): \$(\w+)"/);
  const answer = await sandbox.fetch(url, { headers: { [name]: process.env[value] } });
  assert.equal(answer.status, 200);
  const link = await answer.json();
  assert.deepEqual(Object.keys(link).sort(), ['expiresAt', 'format', 'url']);
  const file = await sandbox.fetch(link.url);
  assert.equal(file.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.match(await file.text(), new RegExp(ids.pay_3Nf91));
});

test('settlement guide: the webhook route verifies payout.paid deliveries', async () => {
  const payouts = await (await sandbox.fetch('/v1/payouts', { headers: { authorization: `Bearer ${process.env.VINR_SECRET_KEY}` } })).json();
  const paid = payouts.data.filter((p) => p.status === 'paid');
  assert.ok(paid.length >= 1, 'a payout was paid');
  assert.deepEqual(recorded, paid.map((p) => ({ id: p.id, amount: p.amount })));
});
