// The sandbox benchmark (issue 7), on the release pkg/ under Node:
//   1. the flow (create customer → tokenize and attach a card → authorize → capture → refund in
//      part → list) through `sandbox.fetch`, in-process: requests/s;
//   2. the same requests straight into the Wasm `SandboxCore.handle` (no fetch face): what the
//      boundary and the Wasm core cost, so the JS face's share is the difference;
//   3. memory per stored payment: heap and Wasm memory after 100,000 payments, each with its
//      events and an idempotency record;
//   4. the peer, localstripe (PyPI), over HTTP on 127.0.0.1, against the same sandbox served
//      over node:http, with the same client: the same flow, requests/s and the ratio.
// Run with scripts/bench-sandbox.sh (it builds pkg/, installs localstripe in a venv, and runs
// the native half too). `node --expose-gc benches/sandbox/bench.mjs [--localstripe PORT]`.
// Steps 2 and 3 read what the package does not export (the raw core, the Wasm memory), so this
// runs the package's sources bundled here (sdk.mjs) over the release engine Wasm of pkg/.
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { STRIPE_CARD, VINR_CARD as CARD, stripeAuthorization, stripeForm } from '../lib/requests.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const bundle = join(root, 'target/bench/sandbox-sdk.mjs');
await esbuild.build({
  entryPoints: [join(here, 'sdk.mjs')],
  outfile: bundle,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'es2022',
  alias: { '#engine-core': join(here, 'glue.mjs') },
  logLevel: 'warning',
});
const { createSandbox, loadEngine, wasmMemoryBytes } = await import(pathToFileURL(bundle).href);
const SandboxCore = loadEngine(join(root, 'pkg/dist/vinr_engine_bg.wasm'));

const FLOWS = Number(process.env.BENCH_FLOWS ?? 20_000);
const PAYMENTS = Number(process.env.BENCH_PAYMENTS ?? 100_000);
const HTTP_FLOWS = Number(process.env.BENCH_HTTP_FLOWS ?? 300);
const now = Date.parse('2026-04-15T10:30:00Z');
const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/** One flow through a fetch-like `send(method, path, key, body)`; returns the request count. */
async function flow(send, sk, pk) {
  const cust = (await send('POST', '/v1/customers', sk, { email: 'bench@example.com' })).id;
  const pm = (await send('POST', '/v1/payment_methods', pk, CARD)).id;
  await send('POST', `/v1/customers/${cust}/payment_methods`, sk, { paymentMethod: pm });
  const pay = (await send('POST', '/v1/payments', sk, { amount: 2500, currency: 'EUR', customer: cust, capture: false })).id;
  await send('POST', `/v1/payments/${pay}/capture`, sk, undefined);
  await send('POST', '/v1/refunds', sk, { payment: pay, amount: 500 });
  await send('GET', '/v1/payments?limit=10', sk, undefined);
  return 7;
}

function viaFetch(fetch) {
  return async (method, path, key, body) => {
    const res = await fetch(`https://sandbox.api.vinr.com${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
}

async function timeFlows(label, send, sk, pk, flows) {
  for (let i = 0; i < Math.min(500, flows); i++) await flow(send, sk, pk); // warm-up
  const start = performance.now();
  let requests = 0;
  for (let i = 0; i < flows; i++) requests += await flow(send, sk, pk);
  const seconds = (performance.now() - start) / 1000;
  const rps = requests / seconds;
  console.log(`${label.padEnd(44)} ${fmt(rps).padStart(9)} req/s  ${fmt((seconds * 1e6) / requests, 2).padStart(7)} µs/req`);
  return rps;
}

console.log(`\n@vinr/sdk/sandbox, Node ${process.version}, ${FLOWS} flows of 7 requests`);

// 1. Through sandbox.fetch.
const sandbox = createSandbox({ clock: () => now });
const { secretKey: sk, publishableKey: pk } = sandbox.keys.test;
const fetchRps = await timeFlows('sandbox.fetch (in-process)', viaFetch(sandbox.fetch), sk, pk, FLOWS);

// 2. Straight into the Wasm core: the same work without the fetch face.
// The same pooled CSPRNG the fetch face uses by default (one getRandomValues per 4 KiB).
const pool = new Uint8Array(4096);
let used = pool.length;
const fill = (b) => {
  if (used + b.length > pool.length) {
    crypto.getRandomValues(pool);
    used = 0;
  }
  b.set(pool.subarray(used, (used += b.length)));
};
const core = SandboxCore.create('{"recordChanges":false}', now, fill);
const keys = JSON.parse(core.ownerKeys()).test;
const encoder = new TextEncoder();
const empty = new Uint8Array(0);
const raw = async (method, path, key, body) => {
  const text = core.handle(method, path, `authorization\nBearer ${key}\ncontent-type\napplication/json\n`, body === undefined ? empty : encoder.encode(JSON.stringify(body)), now, fill);
  core.status();
  core.headers();
  core.takeChanges();
  return JSON.parse(text);
};
const rawRps = await timeFlows('SandboxCore.handle (boundary + Wasm core)', raw, keys.secretKey, keys.publishableKey, FLOWS);
const perFetch = 1e6 / fetchRps;
const perRaw = 1e6 / rawRps;
console.log(`  per request: ${fmt(perFetch, 2)} µs in all = ${fmt(perRaw, 2)} µs boundary + Wasm core + ${fmt(perFetch - perRaw, 2)} µs JS face (${fmt((100 * (perFetch - perRaw)) / perFetch, 0)}%)`);
console.log(`  goal ≥ 50,000 req/s through sandbox.fetch: ${fetchRps >= 50_000 ? 'met' : 'NOT met'} (${fmt(fetchRps / 50_000, 2)}×)`);

// 3. Memory per stored payment.
if (typeof globalThis.gc !== 'function') {
  console.log('memory: run node with --expose-gc to measure it');
} else {
  const fresh = createSandbox({ clock: () => now });
  const send = viaFetch(fresh.fetch);
  const k = fresh.keys.test;
  const pm = (await send('POST', '/v1/payment_methods', k.publishableKey, CARD)).id;
  globalThis.gc();
  const heap0 = process.memoryUsage().heapUsed;
  const wasm0 = wasmMemoryBytes();
  for (let i = 0; i < PAYMENTS; i++) {
    const res = await fresh.fetch('https://sandbox.api.vinr.com/v1/payments', {
      method: 'POST',
      headers: { authorization: `Bearer ${k.secretKey}`, 'content-type': 'application/json', 'idempotency-key': `order-${i}` },
      body: JSON.stringify({ amount: 1000 + (i % 5000), currency: 'EUR', paymentMethod: pm, metadata: { order: String(i) } }),
    });
    if (res.status !== 200) throw new Error(`payment ${i}: ${res.status}`);
    await res.arrayBuffer();
  }
  globalThis.gc();
  const heap = process.memoryUsage().heapUsed - heap0;
  const wasm = wasmMemoryBytes() - wasm0;
  const per = (heap + wasm) / PAYMENTS;
  console.log(
    `memory after ${fmt(PAYMENTS)} payments (2 events and 1 idempotency record each): ` +
      `Wasm +${fmt(wasm / 2 ** 20, 1)} MiB, JS heap +${fmt(heap / 2 ** 20, 1)} MiB → ${fmt(per / 1024, 2)} KiB per payment ` +
      `(goal ≤ 4 KB: ${per <= 4000 ? 'met' : 'NOT met'})`,
  );
}

// 4. The peer over HTTP, next to the sandbox served over node:http.
const portArg = process.argv.indexOf('--localstripe');
if (portArg > 0) {
  const lsPort = Number(process.argv[portArg + 1]);
  console.log(`\nover HTTP on 127.0.0.1, ${HTTP_FLOWS} flows, one client (Node fetch, keep-alive)`);
  const served = createSandbox({ clock: () => now });
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const response = await served.fetch(`http://127.0.0.1${req.url}`, {
      method: req.method,
      headers: req.headers,
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  const overHttp = (method, path, key, body) => viaFetch((url, init) => fetch(url.replace('https://sandbox.api.vinr.com', base), init))(method, path, key, body);
  const ours = await timeFlows('@vinr/sdk sandbox over node:http', overHttp, served.keys.test.secretKey, served.keys.test.publishableKey, HTTP_FLOWS);
  server.close();

  const lsBase = `http://127.0.0.1:${lsPort}`;
  const stripe = async (method, path) => {
    const [p, body] = path;
    const res = await fetch(`${lsBase}${p}`, {
      method,
      headers: { authorization: 'Bearer sk_test_bench', 'content-type': 'application/x-www-form-urlencoded' },
      body: body === undefined ? undefined : stripeForm(body),
    });
    const json = await res.json();
    if (res.status !== 200) throw new Error(`localstripe ${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  // The same flow in Stripe's API, as localstripe serves it.
  const stripeFlow = async () => {
    const cust = (await stripe('POST', ['/v1/customers', { email: 'bench@example.com' }])).id;
    const pm = (await stripe('POST', ['/v1/payment_methods', STRIPE_CARD])).id;
    await stripe('POST', [`/v1/payment_methods/${pm}/attach`, { customer: cust }]);
    const pi = (await stripe('POST', ['/v1/payment_intents', stripeAuthorization(cust, pm, 2500)])).id;
    await stripe('POST', [`/v1/payment_intents/${pi}/capture`, {}]);
    await stripe('POST', ['/v1/refunds', { payment_intent: pi, amount: 500 }]);
    await stripe('GET', ['/v1/payment_intents?limit=10']);
    return 7;
  };
  for (let i = 0; i < 20; i++) await stripeFlow();
  const start = performance.now();
  let requests = 0;
  for (let i = 0; i < HTTP_FLOWS; i++) requests += await stripeFlow();
  const seconds = (performance.now() - start) / 1000;
  const lsRps = requests / seconds;
  console.log(`${'localstripe 1.15.10 (Python, aiohttp)'.padEnd(44)} ${fmt(lsRps).padStart(9)} req/s  ${fmt((seconds * 1e6) / requests, 2).padStart(7)} µs/req`);
  console.log(`  ratio: the sandbox over HTTP serves ${fmt(ours / lsRps, 1)}× localstripe's requests/s; in-process, ${fmt(fetchRps / lsRps, 0)}×`);
}
