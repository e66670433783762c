// Webhook verification throughput: @vinr/sdk (the `webhooks` edge entry and the full client,
// both from pkg/) against stripe's constructEvent (Node crypto), stripe's constructEventAsync with
// its SubtleCrypto provider, and standardwebhooks' Webhook.verify, at 0.5, 2.6 and 16 KB. Every
// contender verifies a valid delivery and parses the JSON body, as a receiver does. Each row's
// ratio is to stripe's constructEvent (its constructEventAsync in Deno, which has no sync path).
// In Node, @vinr/sdk's entries take the HMAC from node:crypto (js/src/node-hmac.ts); in Deno
// they load the inline entry and use the Wasm core's. Runs unchanged in Node and Deno:
//   node benches/webhooks/bench.mjs
//   deno run -A --node-modules-dir=manual benches/webhooks/bench.mjs
// BENCH_SECONDS (default 1) sets the time per measurement; the best of BENCH_ROUNDS (default 3)
// interleaved rounds is kept, which damps noise from other work on the machine.
import { verify, generateTestHeader } from '@vinr/sdk/webhooks';
import { Vinr } from '@vinr/sdk';
import Stripe from 'stripe';
import { Webhook } from 'standardwebhooks';

const env = (name) => globalThis.process?.env?.[name] ?? globalThis.Deno?.env.get(name);
const SECONDS = Number(env('BENCH_SECONDS') ?? 1);
const ROUNDS = Number(env('BENCH_ROUNDS') ?? 3);
const runtime = globalThis.Deno ? `Deno ${Deno.version.deno}` : globalThis.Bun ? `Bun ${Bun.version}` : `Node ${process.version}`;

const SECRET = 'whsec_dmluciB3ZWJob29rIGV4YW1wbGUgc2VjcmV0IDIwMjY=';
const stripe = new Stripe('sk_test_bench');
const subtle = Stripe.createSubtleCryptoProvider();
// stripe's worker build (Deno) has no sync path: constructEvent needs Node crypto, which it
// refuses to create outside Node. That row is then left out.
let nodeCrypto;
try {
  nodeCrypto = Stripe.createNodeCryptoProvider();
} catch {
  nodeCrypto = undefined;
}
const standard = new Webhook(SECRET);
const vinr = new Vinr({ webhookSecret: SECRET });

/**
 * A realistic event, padded with line items to `bytes` of JSON. ASCII only: a non-ASCII body
 * slows the peers' string-to-UTF-8 step more than ours, and the comparison should not lean on it.
 */
function eventBody(bytes) {
  const event = {
    id: 'evt_1NbQ4rT8kVzL2mXc9pR5sA7d',
    object: 'event',
    type: 'payment.completed',
    createdAt: '2026-04-15T10:30:00Z',
    livemode: false,
    data: { id: 'pay_3Nf9qW2eLx8ZtY6uB1vM4kHj', object: 'payment', amount: 1050, currency: 'EUR', status: 'completed', metadata: { order: 'A-10023' }, items: [] },
  };
  const size = () => new TextEncoder().encode(JSON.stringify(event)).length;
  for (let i = 0; size() < bytes - 120; i++) {
    event.data.items.push({ sku: `SKU-${1000 + i}`, name: `Item ${i}, size M`, quantity: 1 + (i % 3), unitAmount: 250 + i });
  }
  event.data.note = '';
  event.data.note = 'n'.repeat(Math.max(0, bytes - size()));
  return JSON.stringify(event);
}

async function measure(fn, isAsync, seconds = SECONDS) {
  const deadline = performance.now() + seconds * 1000;
  let n = 0;
  const start = performance.now();
  if (isAsync) {
    while (performance.now() < deadline) {
      for (let i = 0; i < 50; i++) await fn();
      n += 50;
    }
  } else {
    while (performance.now() < deadline) {
      for (let i = 0; i < 50; i++) fn();
      n += 50;
    }
  }
  return (n * 1000) / (performance.now() - start);
}

const rows = [];
for (const size of [512, 2662, 16384]) { // 0.5, 2.6 and 16 KB
  const body = eventBody(size);
  const bytes = new TextEncoder().encode(body);
  const now = Math.floor(Date.now() / 1000);
  const vinrHeader = generateTestHeader({ payload: body, secret: SECRET, timestamp: now });
  const stripeHeader = await stripe.webhooks.generateTestHeaderStringAsync({ payload: body, secret: SECRET, timestamp: now, cryptoProvider: subtle });
  const msgId = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
  const standardHeaders = { 'webhook-id': msgId, 'webhook-timestamp': String(now), 'webhook-signature': standard.sign(msgId, new Date(now * 1000), body) };

  const contenders = [
    ['@vinr/sdk/webhooks verify (string)', () => verify(body, vinrHeader, { secret: SECRET })],
    ['@vinr/sdk/webhooks verify (bytes)', () => verify(bytes, vinrHeader, { secret: SECRET })],
    ['@vinr/sdk vinr.webhooks.verify', () => vinr.webhooks.verify(body, vinrHeader)],
    ...(nodeCrypto ? [['stripe constructEvent (Node crypto)', () => stripe.webhooks.constructEvent(body, stripeHeader, SECRET, 300, nodeCrypto)]] : []),
    ['stripe constructEventAsync (SubtleCrypto)', () => stripe.webhooks.constructEventAsync(body, stripeHeader, SECRET, 300, subtle), true],
    ['standardwebhooks Webhook.verify', () => standard.verify(body, standardHeaders)],
  ];
  // Each must accept its delivery, or the numbers mean nothing.
  for (const [name, fn] of contenders) {
    const event = await fn();
    if (!event || (event.id !== 'evt_1NbQ4rT8kVzL2mXc9pR5sA7d')) throw new Error(`${name} did not verify`);
  }
  for (const [, fn, isAsync] of contenders) await measure(fn, isAsync, 0.2); // JIT warm-up
  const best = new Map();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, fn, isAsync] of contenders) {
      best.set(name, Math.max(best.get(name) ?? 0, await measure(fn, isAsync)));
    }
  }
  for (const [name] of contenders) rows.push({ size: bytes.length, name, ops: best.get(name) });
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');
console.log(`\nWebhook verify throughput, ${runtime} (best of ${ROUNDS} × ${SECONDS} s; ops/s, higher is better)`);
const summary = [];
for (const size of new Set(rows.map((r) => r.size))) {
  const group = rows.filter((r) => r.size === size);
  const find = (prefix) => group.find((r) => r.name.startsWith(prefix));
  const stripe = find('stripe constructEvent (') ?? find('stripe constructEventAsync');
  console.log(`\nbody ${(size / 1024).toFixed(1)} KB`);
  console.log('  ' + 'implementation'.padEnd(44) + 'ops/s'.padStart(12) + `   this ÷ ${stripe.name}`);
  for (const r of group) console.log('  ' + r.name.padEnd(44) + fmt(r.ops).padStart(12) + `   ${(r.ops / stripe.ops).toFixed(2)}×`);
  const ratio = (prefix) => (find(prefix).ops / stripe.ops).toFixed(2);
  summary.push(
    `  ${(size / 1024).toFixed(1).padStart(4)} KB   vinr.webhooks.verify ${ratio('@vinr/sdk vinr.webhooks.verify')}×   ` +
      `@vinr/sdk/webhooks verify ${ratio('@vinr/sdk/webhooks verify (string)')}× (string), ${ratio('@vinr/sdk/webhooks verify (bytes)')}× (bytes)`,
  );
}
console.log(`\nagainst ${rows.some((r) => r.name.startsWith('stripe constructEvent (')) ? 'stripe constructEvent' : 'stripe constructEventAsync'} (≥ 1.00× is the goal):`);
for (const line of summary) console.log(line);
