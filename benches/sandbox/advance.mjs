// The sandbox's clock over a month of money (issue 9), through `sandbox.fetch`, with every
// event delivered, signed, to a webhook endpoint served by an in-process handler:
//   1. 10,000 payments captured on the first day (1 in 50 with the dispute card, 1 in 10
//      refunded in part), then 30 simulated days advanced one day at a time: the dispute
//      openings and deadlines, the settlement of 20,000 entries, the payout, the deliveries.
//      The wall time of the 30 advances, until every delivery is done, against the goal of 1 s.
//   2. The same 10,000 payments spread over the 30 days (334 a day, each day advanced): 30
//      settlements and their payouts on TARGET business days; the advances' share of the time.
// `node benches/sandbox/advance.mjs` after `bash scripts/build.sh` (scripts/bench-sandbox.sh
// runs it).
import { performance } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const { createSandbox } = await import(pathToFileURL(join(root, 'pkg/dist/sandbox-node.mjs')).href);

const PAYMENTS = Number(process.env.BENCH_ADVANCE_PAYMENTS ?? 10_000);
const DAYS = 30;

const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const DAY = 86_400;

/** A sandbox whose deliveries go to an in-process receiver that reads the body and says 200. */
function open() {
  const counter = { delivered: 0 };
  const sandbox = createSandbox({
    clock: () => Date.parse('2026-04-15T10:30:00Z'),
    deliver: async (request) => {
      await request.text();
      counter.delivered++;
      return new Response('ok');
    },
  });
  const sk = sandbox.keys.test.secretKey;
  const pk = sandbox.keys.test.publishableKey;
  const send = async (method, path, body, key = sk) => {
    const res = await sandbox.fetch(path, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const card = async (number) => (await send('POST', '/v1/payment_methods', { type: 'card', card: { number, expMonth: 12, expYear: 2030, cvc: '123' } }, pk)).id;
  return { sandbox, send, card, counter };
}

async function payments(run, from, to) {
  const { send } = run;
  for (let i = from; i < to; i++) {
    const pay = await send('POST', '/v1/payments', { amount: 1000 + (i % 500), currency: 'EUR', paymentMethod: i % 50 === 0 ? run.disputed : run.visa });
    if (i % 10 === 1) await send('POST', '/v1/refunds', { payment: pay.id, amount: 300 });
  }
}

async function totals(run) {
  const all = async (path) => {
    const out = [];
    let after = '';
    for (;;) {
      const page = await run.send('GET', `${path}?limit=100${after}`);
      out.push(...page.data);
      if (!page.hasMore) return out;
      after = `&startingAfter=${page.data.at(-1).id}`;
    }
  };
  const settlements = await all('/v1/settlements');
  const payouts = await all('/v1/payouts');
  const entries = settlements.reduce((n, s) => n + s.entryCount, 0);
  return `${settlements.length} settlements (${fmt(entries)} entries), ${payouts.length} payouts, ${fmt(run.counter.delivered)} webhook deliveries`;
}

console.log(`\nthe sandbox clock over 30 simulated days and ${fmt(PAYMENTS)} payments, Node ${process.version}`);

// 1. Payments first, then the month.
{
  const run = open();
  run.visa = await run.card('4242424242424242');
  run.disputed = await run.card('4000000000000259');
  await payments(run, 0, PAYMENTS);
  await run.send('POST', '/v1/webhooks', { url: 'https://merchant.example/vinr', enabledEvents: ['*'] });
  const start = performance.now();
  for (let day = 0; day < DAYS; day++) await run.send('POST', '/v1/test_helpers/clock/advance', { seconds: DAY });
  const advanced = performance.now();
  await run.sandbox.settled();
  const end = performance.now();
  console.log(`1. ${fmt(PAYMENTS)} payments on day 1, then 30 advances: ${await totals(run)}`);
  console.log(`   the 30 advances ${fmt(advanced - start, 1)} ms; until every delivery is done ${fmt(end - start, 1)} ms (goal 1,000 ms: ${fmt(1000 / (end - start), 2)}× faster)`);
}

// 2. A month of daily activity.
{
  const run = open();
  run.visa = await run.card('4242424242424242');
  run.disputed = await run.card('4000000000000259');
  await run.send('POST', '/v1/webhooks', { url: 'https://merchant.example/vinr', enabledEvents: ['*'] });
  let advancing = 0;
  const start = performance.now();
  const perDay = Math.ceil(PAYMENTS / DAYS);
  for (let day = 0; day < DAYS; day++) {
    await payments(run, day * perDay, Math.min(PAYMENTS, (day + 1) * perDay));
    const t = performance.now();
    await run.send('POST', '/v1/test_helpers/clock/advance', { seconds: DAY });
    advancing += performance.now() - t;
  }
  await run.sandbox.settled();
  const end = performance.now();
  console.log(`2. ${fmt(perDay)} payments a day for 30 days: ${await totals(run)}`);
  console.log(`   the whole month ${fmt(end - start, 1)} ms, of which the 30 advances ${fmt(advancing, 1)} ms`);
}
