// The sandbox's clock over a month of money (issue 9): 10,000 payments captured on the first
// day (1 in 50 with the dispute card, 1 in 10 refunded in part), then 30 simulated days
// advanced one day at a time through `sandbox.fetch`: the dispute openings and deadlines,
// 30 daily settlement windows, the payouts on their TARGET business days, and every event
// delivered, signed, to a webhook endpoint served by an in-process handler. Prints the wall
// time of the 30 advances (until every delivery is done) against the goal of 1 s.
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

let delivered = 0;
const sandbox = createSandbox({
  clock: () => Date.parse('2026-04-15T10:30:00Z'),
  // An in-process receiver: it reads the body, as a real handler would, and answers 200.
  deliver: async (request) => {
    await request.text();
    delivered++;
    return new Response('ok');
  },
});
const sk = sandbox.keys.test.secretKey;
const pk = sandbox.keys.test.publishableKey;
async function send(method, path, body, key = sk) {
  const res = await sandbox.fetch(path, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}
const card = (number) => send('POST', '/v1/payment_methods', { type: 'card', card: { number, expMonth: 12, expYear: 2030, cvc: '123' } }, pk);

const visa = (await card('4242424242424242')).id;
const disputed = (await card('4000000000000259')).id;
for (let i = 0; i < PAYMENTS; i++) {
  const pay = await send('POST', '/v1/payments', { amount: 1000 + (i % 500), currency: 'EUR', paymentMethod: i % 50 === 0 ? disputed : visa });
  if (i % 10 === 1) await send('POST', '/v1/refunds', { payment: pay.id, amount: 300 });
}
await send('POST', '/v1/webhooks', { url: 'https://merchant.example/vinr', enabledEvents: ['*'] });

const start = performance.now();
for (let day = 0; day < DAYS; day++) await send('POST', '/v1/test_helpers/clock/advance', { seconds: 86_400 });
const advanced = performance.now();
await sandbox.settled();
const end = performance.now();

const list = async (path) => (await send('GET', `${path}?limit=100`)).data;
const settlements = await list('/v1/settlements');
const payouts = await list('/v1/payouts');
const entries = settlements.reduce((n, s) => n + s.entryCount, 0);
console.log(`\nadvancing ${DAYS} simulated days over ${fmt(PAYMENTS)} payments, Node ${process.version}`);
console.log(`  ${settlements.length} settlements (${fmt(entries)} entries), ${payouts.length} payouts, ${fmt(delivered)} webhook deliveries`);
console.log(`  the ${DAYS} advances:       ${fmt(advanced - start, 1).padStart(8)} ms`);
console.log(`  until delivered:        ${fmt(end - start, 1).padStart(8)} ms   goal 1,000 ms: ${fmt(1000 / (end - start), 2)}× the goal's speed`);
