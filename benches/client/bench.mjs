// The API client's costs, in one run under Node:
// (a) start-up: a fresh `node` that imports @vinr/sdk, constructs a client and makes its first
//     call into the Wasm (`money.format`), against one that imports stripe and constructs its
//     client, each minus a bare `node -e ''` start; the median of BENCH_STARTS runs each;
// (b) `payments.create` + `payments.capture` through the client over the in-process sandbox,
//     against the same two requests sent by hand through `sandbox.fetch`: calls per second of
//     each, and the client's own overhead per call (argument checks, URL and headers, the
//     Idempotency-Key, events, parsing and error mapping).
//   node benches/client/bench.mjs
import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Vinr } from '@vinr/sdk';
import { createSandbox } from '@vinr/sdk/sandbox';

const STARTS = Number(process.env.BENCH_STARTS ?? 21);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const here = dirname(fileURLToPath(import.meta.url));

function startMs(code) {
  const times = [];
  for (let i = 0; i < STARTS; i++) {
    const t = process.hrtime.bigint();
    execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: here, stdio: 'ignore' });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

console.log(`@vinr/sdk client benchmark, Node ${process.version}, ${process.arch}`);
const bare = startMs('');
const vinrStart = startMs(
  "const { Vinr } = await import('@vinr/sdk'); const v = new Vinr({ secretKey: 'sk_test_4eC39HqLyjWDarjtT1zdp7dc' }); v.money.format(1050, 'EUR');",
);
const stripeStart = startMs("const { default: Stripe } = await import('stripe'); new Stripe('sk_test_4eC39HqLyjWDarjtT1zdp7dc');");
console.log(`\n(a) import + first call, median of ${STARTS} fresh processes, minus a bare node start (${bare.toFixed(1)} ms)`);
console.log(`  @vinr/sdk  import + new Vinr + money.format   ${(vinrStart - bare).toFixed(1).padStart(7)} ms`);
console.log(`  stripe     import + new Stripe                ${(stripeStart - bare).toFixed(1).padStart(7)} ms`);
console.log(`  ratio      stripe / @vinr/sdk                 ${((stripeStart - bare) / (vinrStart - bare)).toFixed(2).padStart(7)}×   (goal: @vinr/sdk ≤ 20 ms)`);

/** Payments created and captured per second by `flow`, best of ROUNDS rounds of SECONDS each. */
async function rate(flow) {
  let best = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const deadline = performance.now() + SECONDS * 1000;
    const start = performance.now();
    let n = 0;
    while (performance.now() < deadline) {
      for (let i = 0; i < 50; i++) await flow();
      n += 50;
    }
    best = Math.max(best, n / ((performance.now() - start) / 1000));
  }
  return best;
}

const sandbox = createSandbox();
const key = sandbox.keys.test.secretKey;
const vinr = new Vinr({ sandbox });
const card = await vinr.paymentMethods.create({ type: 'card', card: { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' } });
const params = { amount: 1050, currency: 'EUR', paymentMethod: card.id, capture: false };

const viaClient = async () => {
  const payment = await vinr.payments.create(params);
  await vinr.payments.capture(payment.id);
};
let n = 0;
const headers = (idempotencyKey) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': idempotencyKey });
const viaFetch = async () => {
  const created = await sandbox.fetch('https://sandbox.api.vinr.com/v1/payments', { method: 'POST', headers: headers(`raw-${n++}`), body: JSON.stringify(params) });
  const payment = await created.json();
  const captured = await sandbox.fetch(`https://sandbox.api.vinr.com/v1/payments/${payment.id}/capture`, { method: 'POST', headers: headers(`raw-${n++}`), body: '{}' });
  await captured.json();
};
await rate(viaClient); // warm-up of both paths
await rate(viaFetch);
const client = await rate(viaClient);
const raw = await rate(viaFetch);
const overheadUs = ((1 / client - 1 / raw) / 2) * 1e6;
console.log(`\n(b) payments.create + payments.capture over the in-process sandbox (best of ${ROUNDS} × ${SECONDS} s)`);
console.log(`  through the client        ${client.toFixed(0).padStart(7)} flows/s  (${(client * 2).toFixed(0)} calls/s)`);
console.log(`  raw sandbox.fetch         ${raw.toFixed(0).padStart(7)} flows/s  (${(raw * 2).toFixed(0)} calls/s)`);
console.log(`  client / raw              ${(client / raw).toFixed(2).padStart(7)}×`);
console.log(`  the client's own overhead ${overheadUs.toFixed(1).padStart(7)} µs per call`);
