// Every code sample of the product documents (seeds 000 and 004; seed 002 has none in code),
// run as written, twice: against the in-process sandbox of the packed package (the sandbox as
// the process's `fetch`), and over HTTP against `vinr sandbox` with only `VINR_SECRET_KEY` and
// `VINR_API_BASE` set (and `VINR_WEBHOOK_SECRET`), the way an unchanged app runs against either.
// The samples are kept verbatim in fixtures/doc-samples/ (checked against the documents when
// ../shared/seeds is there).
//
// Two things are the harness's, not the samples':
// - the documents' example ids (`cust_8Qa2`, `pay_3Nf91`, `setl_8KQ2vR1aJ`) are replaced by
//   ids of objects of the same kind that the harness created first;
// - a sample that continues its page (uses `vinr` without creating it) gets that page's first
//   two lines (`import { Vinr } …; const vinr = new Vinr(…)`) in front, as a reader would;
// - over HTTP, the statement's `curl` goes to `VINR_API_BASE` instead of https://api.vinr.com/v1.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { transform } from 'esbuild';
import { consumerProject, removeProjects, repoRoot, run } from './lib/project.mjs';
import { startVinrSandbox } from './lib/vinr-cli.mjs';

const samples = join(repoRoot, 'tests/js/fixtures/doc-samples');
const sample = (name) => readFileSync(join(samples, name), 'utf8');
const PAGE_SETUP = sample('payout-schedule.mjs').split('\n').slice(0, 2).join('\n') + '\n';

let project;
before(() => {
  project = consumerProject('doc-samples', { files: { 'sandbox.mjs': `export * from '@vinr/sdk/sandbox';\nexport { Vinr } from '@vinr/sdk';\n` } });
});
after(() => {
  if (!process.env.KEEP_TEST_PROJECTS) removeProjects();
});

/** Runs a JS sample as a module of the consumer project, ids replaced; returns what it logged. */
async function runSample(name, ids, { typescript = false } = {}) {
  let code = sample(name);
  for (const [placeholder, id] of Object.entries(ids)) if (id !== undefined) code = code.replaceAll(`'${placeholder}'`, `'${id}'`);
  if (!code.includes('new Vinr(')) code = PAGE_SETUP + code;
  if (typescript) code = (await transform(code, { loader: 'ts', format: 'esm' })).code;
  const file = join(project, `${name.replace(/\.\w+$/, '')}-${process.hrtime.bigint()}.mjs`);
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

/**
 * How the samples reach the API, in-process or over HTTP:
 *   open(deliver)  → { vinr (the harness's own client), apiFetch(path, init), endpointUrl,
 *                      settled(), statement(command, ids), close() }
 * `deliver(request)` is the webhook route the sandbox's deliveries must reach.
 */
const transports = {
  'in-process (sandbox.fetch as the process fetch)': async (deliver) => {
    const { createSandbox, Vinr } = await import(pathToFileURL(join(project, 'sandbox.mjs')).href);
    const sandbox = createSandbox({ deliver });
    const fetchBefore = globalThis.fetch;
    globalThis.fetch = sandbox.fetch;
    process.env.VINR_SECRET_KEY = sandbox.keys.test.secretKey;
    delete process.env.VINR_API_BASE;
    const apiFetch = (path, init = {}) =>
      sandbox.fetch(`/v1${path}`, { ...init, headers: { authorization: `Bearer ${process.env.VINR_SECRET_KEY}`, ...init.headers } });
    return {
      vinr: new Vinr({ sandbox }),
      apiFetch,
      endpointUrl: 'https://merchant.example/api/webhooks',
      settled: () => sandbox.settled(),
      async statement(command, ids) {
        // In-process, the request goes through the sandbox's fetch exactly as curl sends it.
        const url = command.match(/curl (\S+)/)[1].replace('setl_8KQ2vR1aJ', ids.setl_8KQ2vR1aJ);
        const [, name, value] = command.match(/-H "([^:]+): \$(\w+)"/);
        const link = await (await sandbox.fetch(url, { headers: { [name]: process.env[value] } })).json();
        return { link, file: await (await sandbox.fetch(link.url)).text() };
      },
      close: () => {
        globalThis.fetch = fetchBefore;
      },
    };
  },
  'over HTTP (vinr sandbox, VINR_API_BASE)': async (deliver) => {
    const { Vinr } = await import(pathToFileURL(join(project, 'sandbox.mjs')).href);
    const server = await startVinrSandbox(project, ['--memory', '--quiet']);
    process.env.VINR_SECRET_KEY = server.key;
    process.env.VINR_API_BASE = server.apiBase;
    // The app's webhook route, behind a real HTTP server, as the deliveries reach it.
    const receiver = createServer(async (req, res) => {
      const chunks = [];
      for await (const chunk of req) chunks.push(chunk);
      const answer = await deliver(new Request(`http://127.0.0.1${req.url}`, { method: 'POST', headers: req.headers, body: Buffer.concat(chunks) }));
      res.writeHead(answer.status).end(await answer.text());
    });
    await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const vinr = new Vinr({ secretKey: server.key });
    const apiFetch = (path, init = {}) => fetch(`${server.apiBase}${path}`, { ...init, headers: { authorization: `Bearer ${server.key}`, ...init.headers } });
    return {
      vinr,
      apiFetch,
      endpointUrl: `http://127.0.0.1:${receiver.address().port}/api/webhooks`,
      // Over HTTP there is no sandbox.settled(): wait (bounded) until the delivery log has no
      // delivery still waiting for its first answer.
      async settled() {
        const deadline = Date.now() + 15_000;
        for (;;) {
          const endpoints = (await vinr.webhooks.list()).data;
          const deliveries = (await Promise.all(endpoints.map((e) => vinr.webhooks.listDeliveries(e.id, { limit: 100 })))).flatMap((p) => p.data);
          if (deliveries.length > 0 && deliveries.every((d) => d.attempts.length > 0)) return;
          if (Date.now() > deadline) throw new Error(`deliveries still pending: ${JSON.stringify(deliveries)}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      },
      async statement(command, ids) {
        const line = command.split('\n').filter((l) => !l.startsWith('#')).join('\n').replace('setl_8KQ2vR1aJ', ids.setl_8KQ2vR1aJ);
        const local = line.replace('https://api.vinr.com/v1', server.apiBase);
        const link = JSON.parse(await run('bash', ['-c', `set -euo pipefail\n${local}`], { env: process.env }));
        return { link, file: await run('curl', ['-sS', '--fail-with-body', link.url]) };
      },
      async close() {
        receiver.close();
        delete process.env.VINR_API_BASE;
        await server.stop();
      },
    };
  },
};

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

for (const [name, open] of Object.entries(transports)) {
  describe(name, () => {
    let api;
    let ids;
    /** The receiver of the webhook sample, set once its module is loaded. */
    let route;
    const recorded = [];
    before(async () => {
      api = await open((request) => route.POST(request));
      const setup = api.vinr;
      const customer = await setup.customers.create({ email: 'ada@example.com' });
      const card = await setup.paymentMethods.create({ type: 'card', card: { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' } });
      const payment = await setup.payments.create({ amount: 48_200, currency: 'EUR', customer: customer.id, paymentMethod: card.id });
      const endpoint = await setup.webhooks.create({ url: api.endpointUrl, enabledEvents: ['payout.paid'] });
      // What the samples see of the process: the key (and the base URL), the endpoint's secret.
      process.env.VINR_WEBHOOK_SECRET = endpoint.secret;
      globalThis.ledger = { recordPayout: async (id, amount) => recorded.push({ id, amount }) };
      ids = { cust_8Qa2: customer.id, pay_3Nf91: payment.id, setl_8KQ2vR1aJ: undefined };
      route = (await runSample('webhook-route.ts', ids, { typescript: true })).module;
      // The refund sample runs first (as in the dashboard guide); then a week of the sandbox
      // clock settles the payment and the refund, pays the settlement out and delivers
      // `payout.paid`.
      await runSample('customers-and-refund.mjs', ids);
      await setup.testHelpers.clock.advance({ seconds: 7 * 86_400 });
      await api.settled();
      ids.setl_8KQ2vR1aJ = (await setup.settlements.list()).data[0].id;
    });
    after(() => api?.close());

  test('dashboard guide: retrieve a customer, refund €10.00 of a payment (run in setup)', async () => {
    const refunds = await (await api.apiFetch(`/refunds?payment=${ids.pay_3Nf91}`)).json();
    assert.deepEqual(refunds.data.map((r) => [r.amount, r.currency]), [[1000, 'EUR']]);
  });

  test('settlement guide: the payout schedule prints as documented', async () => {
    const { logged } = await runSample('payout-schedule.mjs', ids);
    assert.deepEqual(logged, [[{ interval: 'daily', delayDays: 2, anchor: null }]]);
  });

  test('settlement guide: a settlement’s summary', async () => {
    const { logged } = await runSample('settlement-summary.mjs', ids);
    const [[summary]] = logged;
    assert.equal(summary.currency, 'EUR');
    assert.equal(summary.grossPayments, 48_200);
    assert.equal(summary.refunds, -1000);
    assert.ok(summary.fees < 0);
    assert.equal(summary.net, summary.grossPayments + summary.refunds + summary.disputes + summary.fees);
  });

  test('settlement guide: for await over the balance entries', async () => {
    const { logged } = await runSample('settlement-entries.mjs', ids);
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
    const { logged } = await runSample('reserve.mjs', ids);
    assert.deepEqual(logged, [[null]]);
  });

  test('settlement guide: the statement request with X-Api-Key', async () => {
    const { link, file } = await api.statement(sample('statement.sh'), ids);
    assert.deepEqual(Object.keys(link).sort(), ['expiresAt', 'format', 'url']);
    assert.match(file, new RegExp(ids.pay_3Nf91));
  });

  test('settlement guide: the webhook route verifies payout.paid deliveries', async () => {
    const payouts = await (await api.apiFetch('/payouts')).json();
    const paid = payouts.data.filter((p) => p.status === 'paid');
    assert.ok(paid.length >= 1, 'a payout was paid');
    assert.deepEqual(recorded, paid.map((p) => ({ id: p.id, amount: p.amount })));
  });
  });
}
