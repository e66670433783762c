// The API client of the packed `@vinr/sdk`: every resource method against the in-process
// sandbox (in Node 20, 22 and 24, Deno and Bun), compared with the sandbox's route table; lists
// that page by themselves; typed errors for every error class; per-request options; retries,
// timeouts and aborts against real `node:http` servers on 127.0.0.1 that fail on purpose.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bin, consumerProject, lastJsonLine, removeProjects, repoRoot, run } from './lib/project.mjs';

let sdk;
let sandboxSdk;
let project;
let flow;
before(async () => {
  project = consumerProject('client-api', {
    fixtures: ['client-flow.mjs'],
    files: {
      'sdk.mjs': `export * from '@vinr/sdk';\n`,
      'sandbox.mjs': `export * from '@vinr/sdk/sandbox';\n`,
      'main.mjs': [
        `import { Vinr } from '@vinr/sdk';`,
        `import { createSandbox } from '@vinr/sdk/sandbox';`,
        `import { clientFlow } from './client-flow.mjs';`,
        `console.log(JSON.stringify(await clientFlow({ Vinr, createSandbox })));`,
      ].join('\n'),
    },
  });
  sdk = await import(pathToFileURL(join(project, 'sdk.mjs')).href);
  sandboxSdk = await import(pathToFileURL(join(project, 'sandbox.mjs')).href);
  flow = (await import(pathToFileURL(join(project, 'client-flow.mjs')).href)).clientFlow;
});
after(() => {
  if (!process.env.KEEP_TEST_PROJECTS) removeProjects();
});

/** The sandbox's routes, read from its one route table (src/sandbox/router.rs). */
function sandboxRoutes() {
  const source = readFileSync(join(repoRoot, 'src/sandbox/router.rs'), 'utf8');
  return [...source.matchAll(/^\s*"(GET|POST|PATCH|DELETE)"\s+"([^"]+)"\s*=>/gm)].map(([, method, path]) => `${method} ${path}`);
}

describe('every resource method, in every runtime', () => {
  let inProcess;
  test('Node 20, in-process: every route of the API is called through a client method', async () => {
    inProcess = await flow({ Vinr: sdk.Vinr, createSandbox: sandboxSdk.createSandbox });
    // The signed statement URLs need no key and no client method: they are links to follow.
    const routes = sandboxRoutes().filter((r) => !r.startsWith('GET /v1/files/'));
    assert.ok(routes.length > 50, `read ${routes.length} routes from router.rs`);
    assert.deepEqual(inProcess.routes, [...routes].sort());
    assert.deepEqual(inProcess.refund, { id: 're_', amount: 1000 });
    assert.deepEqual(inProcess.entryTypes, ['dispute', 'dispute_fee', 'dispute_reversal', 'fee', 'payment', 'refund']);
  });

  const runtimes = {
    'Node 22': () => [join(repoRoot, 'node_modules/node22/bin/node'), ['main.mjs']],
    'Node 24': () => [join(repoRoot, 'node_modules/node24/bin/node'), ['main.mjs']],
    Deno: () => [bin('deno'), ['run', '--quiet', '--no-prompt', '--node-modules-dir=manual', 'main.mjs']],
    Bun: () => [bin('bun'), ['main.mjs']],
  };
  for (const [name, command] of Object.entries(runtimes)) {
    test(`${name}: the same flow gives the same calls and results`, async () => {
      const [program, args] = command();
      const out = lastJsonLine(
        await run(program, args, { cwd: project, env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', DENO_DIR: join(project, '.deno') } }),
      );
      assert.deepEqual(out, inProcess ?? (await flow({ Vinr: sdk.Vinr, createSandbox: sandboxSdk.createSandbox })));
    });
  }
});

/** A client over a fresh in-process sandbox, and the requests it makes. */
function sandboxClient(options = {}, sandboxOptions = {}) {
  const sandbox = sandboxSdk.createSandbox(sandboxOptions);
  const vinr = new sdk.Vinr({ sandbox, ...options });
  const requests = [];
  const responses = [];
  vinr.on('request', (e) => requests.push(e));
  vinr.on('response', (e) => responses.push(e));
  return { sandbox, vinr, requests, responses };
}

const card = (number) => ({ type: 'card', card: { number, expMonth: 12, expYear: 2030, cvc: '123' } });

/** Asserts `promise` rejects with `Class` and the given fields; returns the error. */
async function rejectsWith(promise, Class, fields) {
  let caught;
  await assert.rejects(promise, (e) => {
    caught = e;
    assert.ok(e instanceof Class, `expected ${Class.name}, got ${e?.name}: ${e?.message}`);
    assert.ok(e instanceof sdk.VinrError && e instanceof sdk.VinrRequestError);
    assert.equal(e.name, Class.name);
    for (const [k, v] of Object.entries(fields)) assert.deepEqual(e[k], v, `${k} of ${e.message}`);
    return true;
  });
  return caught;
}

describe('lists', () => {
  test('a list call is its first page, and an async iterator over every page', async () => {
    const { vinr, requests } = sandboxClient();
    const pm = await vinr.paymentMethods.create(card('4242424242424242'));
    const created = [];
    for (let i = 0; i < 23; i++) created.push((await vinr.payments.create({ amount: 100 + i, currency: 'EUR', paymentMethod: pm.id })).id);
    const page = await vinr.payments.list({ limit: 10 });
    assert.equal(page.object, 'list');
    assert.deepEqual(page.data.map((p) => p.id), created.slice(-10).reverse());
    assert.equal(page.hasMore, true);

    const before = requests.length;
    const seen = [];
    for await (const payment of vinr.payments.list({ limit: 10 })) seen.push(payment.id);
    assert.deepEqual(seen, [...created].reverse(), 'every payment once, newest first');
    assert.equal(requests.length - before, 3, 'three pages of 10');
    const cursors = requests.slice(before).map((r) => new URL(r.url).searchParams.get('startingAfter'));
    assert.deepEqual(cursors, [null, created[13], created[3]]);
  });

  test('break stops the iteration without fetching another page', async () => {
    const { vinr, requests } = sandboxClient();
    const pm = await vinr.paymentMethods.create(card('4242424242424242'));
    for (let i = 0; i < 5; i++) await vinr.payments.create({ amount: 100 + i, currency: 'EUR', paymentMethod: pm.id });
    const before = requests.length;
    let n = 0;
    for await (const payment of vinr.payments.list({ limit: 2 })) {
      assert.equal(payment.object, 'payment');
      if (++n === 3) break;
    }
    assert.equal(requests.length - before, 2, 'the second page held the third item; no third page was fetched');
  });

  test('endingBefore pages towards newer objects and yields them oldest first', async () => {
    const { vinr } = sandboxClient();
    const created = [];
    for (let i = 0; i < 7; i++) created.push((await vinr.customers.create({ email: `c${i}@example.com` })).id);
    const seen = [];
    for await (const customer of vinr.customers.list({ limit: 2, endingBefore: created[1] })) seen.push(customer.id);
    assert.deepEqual(seen, created.slice(2));
  });

  test('autoPagingToArray needs a limit and stops at it', async () => {
    const { vinr, requests } = sandboxClient();
    for (let i = 0; i < 12; i++) await vinr.customers.create({ email: `c${i}@example.com` });
    const before = requests.length;
    const five = await vinr.customers.list({ limit: 4 }).autoPagingToArray({ limit: 5 });
    assert.equal(five.length, 5);
    assert.equal(requests.length - before, 2);
    assert.equal((await vinr.customers.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 })).length, 12);
    for (const bad of [undefined, {}, { limit: -1 }, { limit: 10_001 }, { limit: 2.5 }]) {
      await assert.rejects(vinr.customers.list().autoPagingToArray(bad), (e) => e instanceof sdk.VinrConfigurationError && e.param === 'limit');
    }
  });
});

describe('typed errors, chosen by the envelope', () => {
  test('400, 402, 401, 403, 404, 409, 429 against the sandbox', async () => {
    const { vinr } = sandboxClient({}, { rateLimit: { requestsPerSecond: 1, burst: 60 } });
    const pm = await vinr.paymentMethods.create(card('4242424242424242'));
    const payment = await vinr.payments.create({ amount: 2000, currency: 'EUR', paymentMethod: pm.id });

    const invalid = await rejectsWith(vinr.refunds.create({ payment: payment.id, amount: 5000 }), sdk.VinrInvalidRequestError, {
      status: 400,
      code: 'amount_exceeds_refundable',
      param: 'amount',
    });
    assert.match(invalid.requestId, /^req_/);
    assert.equal(invalid.raw.error.code, 'amount_exceeds_refundable');

    const declined = await vinr.paymentMethods.create(card('4000000000009995'));
    const cardError = await rejectsWith(vinr.payments.create({ amount: 2000, currency: 'EUR', paymentMethod: declined.id }), sdk.VinrCardError, {
      status: 402,
      code: 'insufficient_funds',
    });
    assert.equal((await vinr.payments.retrieve(cardError.paymentId)).status, 'failed', 'paymentId names the failed payment');

    await rejectsWith(vinr.payments.retrieve('pay_000000000000000000000000'), sdk.VinrNotFoundError, { status: 404, code: 'resource_missing' });
    await rejectsWith(vinr.customers.list({}, { apiKey: 'sk_test_000000000000000000000000' }), sdk.VinrAuthenticationError, { status: 401 });

    const analyst = await vinr.apiKeys.create({ type: 'secret', role: 'analyst' });
    await rejectsWith(vinr.refunds.create({ payment: payment.id }, { apiKey: analyst.secret }), sdk.VinrPermissionError, { status: 403 });

    await vinr.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'same-key' });
    await rejectsWith(vinr.customers.create({ email: 'b@example.com' }, { idempotencyKey: 'same-key' }), sdk.VinrIdempotencyError, { status: 409 });

    let limited;
    for (let i = 0; i < 80 && limited === undefined; i++) {
      await vinr.customers.list({ limit: 1 }, { maxNetworkRetries: 0 }).catch((e) => (limited = e));
    }
    assert.ok(limited instanceof sdk.VinrRateLimitError, `got ${limited?.name}`);
    assert.equal(limited.status, 429);
    assert.ok(limited.retryAfter >= 1, `retryAfter ${limited.retryAfter}`);
  });

  test('test helpers are refused on a live key before any request', async () => {
    const sandbox = sandboxSdk.createSandbox();
    const live = new sdk.Vinr({ sandbox, secretKey: sandbox.keys.live.secretKey });
    let requests = 0;
    live.on('request', () => requests++);
    await rejectsWith(live.testHelpers.clock.advance({ seconds: 60 }), sdk.VinrPermissionError, { code: 'test_mode_only', status: undefined });
    assert.equal(requests, 0);
    assert.equal((await live.customers.list()).object, 'list', 'the live key works for the rest');
  });

  test('bad arguments are refused before a request: an empty id, non-object parameters, unknown options', async () => {
    const { vinr, requests } = sandboxClient();
    await rejectsWith(vinr.payments.retrieve(''), sdk.VinrInvalidRequestError, { code: 'parameter_missing', param: 'id' });
    // Rejections, never synchronous throws: `.catch()` chains see them too.
    await assert.rejects(vinr.customers.create('ada@example.com'), (e) => e instanceof sdk.VinrConfigurationError && e.param === 'params');
    await assert.rejects(vinr.customers.create({}, { retries: 3 }), (e) => e instanceof sdk.VinrConfigurationError && e.code === 'option_unknown' && e.param === 'retries');
    await assert.rejects(vinr.customers.create({}, { timeout: 0 }), (e) => e instanceof sdk.VinrConfigurationError && e.param === 'timeout');
    await assert.rejects(vinr.customers.create({}, { apiKey: 'pk_test_000000000000000000000000' }), (e) => e.code === 'api_key_not_secret');
    await assert.rejects(vinr.customers.list({}, { retries: 3 }).autoPagingToArray({ limit: 5 }), (e) => e.code === 'option_unknown');
    await assert.rejects(new sdk.Vinr().customers.list(), (e) => e instanceof sdk.VinrAuthenticationError && e.code === 'api_key_missing');
    assert.equal(requests.length, 0);
  });
});

describe('transports and options', () => {
  test('VINR_API_BASE and apiBase choose the URL; a bare origin gets /v1', async () => {
    const seen = [];
    const fetch = async (url) => {
      seen.push(url);
      return Response.json({ object: 'list', data: [], hasMore: false, url: '/v1/customers' });
    };
    const key = 'sk_test_4eC39HqLyjWDarjtT1zdp7dc';
    process.env.VINR_API_BASE = 'http://127.0.0.1:12111';
    try {
      const vinr = new sdk.Vinr({ secretKey: key, fetch });
      assert.equal(vinr.apiBase, 'http://127.0.0.1:12111/v1');
      await vinr.customers.list({ email: 'a+b@example.com' });
      assert.equal(new sdk.Vinr({ secretKey: key, fetch, apiBase: 'https://api.example/v1/' }).apiBase, 'https://api.example/v1');
      process.env.VINR_API_BASE = 'not a url';
      assert.throws(() => new sdk.Vinr({ secretKey: key }), (e) => e.param === 'VINR_API_BASE');
    } finally {
      delete process.env.VINR_API_BASE;
    }
    assert.deepEqual(seen, ['http://127.0.0.1:12111/v1/customers?email=a%2Bb%40example.com']);
    assert.throws(() => new sdk.Vinr({ secretKey: key, fetch, sandbox: sandboxSdk.createSandbox() }), (e) => e.param === 'fetch');
  });

  test('every POST carries an Idempotency-Key; the per-request key, apiKey and events never leak the secret', async () => {
    const { sandbox, vinr, requests, responses } = sandboxClient();
    const owner = sandbox.keys.test.secretKey;
    const a = await vinr.customers.create({ email: 'a@example.com' });
    const b = await vinr.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'order-1' });
    const replay = await vinr.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'order-1' });
    assert.notEqual(a.id, b.id);
    assert.equal(replay.id, b.id, 'the same key replays the first answer');
    assert.match(requests[0].idempotencyKey, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(requests[1].idempotencyKey, 'order-1');
    await vinr.customers.retrieve(a.id);
    assert.equal(requests[3].idempotencyKey, undefined, 'a GET has none');
    assert.deepEqual(responses.map((r) => r.status), [200, 200, 200, 200]);
    assert.match(responses[0].requestId, /^req_/);
    const text = JSON.stringify([requests, responses]);
    assert.ok(!text.includes(owner.slice(8)), 'no part of the key in the events');
  });

  test('the signal aborts a call with VinrConnectionError and no retry', async () => {
    const { vinr, requests } = sandboxClient();
    const controller = new AbortController();
    controller.abort();
    await rejectsWith(vinr.customers.list({}, { signal: controller.signal }), sdk.VinrConnectionError, { code: 'request_aborted' });
    assert.equal(requests.length, 1);
  });
});

/**
 * A server on 127.0.0.1 whose `n`-th request (from 0) is answered by `script[n]`: a function
 * `(req, res, body)`, or the last entry for every later one. Closed after the test.
 */
async function scriptedServer(t, script) {
  const seen = [];
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const n = seen.length;
    seen.push({ method: req.method, url: req.url, headers: req.headers, body });
    (script[n] ?? script[script.length - 1])(req, res, body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  t.after(() => server.closeAllConnections());
  return { base: `http://127.0.0.1:${server.address().port}/v1`, seen };
}

const json = (status, body, headers = {}) => (req, res) => {
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${status}`, ...headers });
  res.end(JSON.stringify(body));
};
const envelope = (type, code, message = code) => ({ error: { type, code, message, requestId: null } });
const resetConnection = (req) => req.socket.destroy();
const CUSTOMER = { id: 'cust_x', object: 'customer' };

/** A client with no backoff wait (the jitter draw is all zero bytes) against `base`. */
function httpClient(base, options = {}) {
  const vinr = new sdk.Vinr({ secretKey: 'sk_test_4eC39HqLyjWDarjtT1zdp7dc', apiBase: base, random: (b) => b.fill(0), ...options });
  const events = [];
  vinr.on('request', (e) => events.push(e));
  return { vinr, events };
}

describe('retries over HTTP', () => {
  test('connection resets, 500 and 503 are retried with one Idempotency-Key', async (t) => {
    const server = await scriptedServer(t, [resetConnection, json(500, envelope('api_error', 'internal')), json(503, envelope('api_error', 'unavailable')), json(200, CUSTOMER)]);
    const { vinr, events } = httpClient(server.base, { maxNetworkRetries: 3 });
    assert.deepEqual(await vinr.customers.create({ email: 'a@example.com' }), CUSTOMER);
    assert.equal(server.seen.length, 4);
    const keys = new Set(server.seen.map((r) => r.headers['idempotency-key']));
    assert.equal(keys.size, 1, 'one key across the retries');
    assert.deepEqual(server.seen.map((r) => r.body), Array(4).fill('{"email":"a@example.com"}'));
    assert.deepEqual(events.map((e) => e.attempt), [0, 1, 2, 3]);
  });

  test('backoff is exponential with full jitter, capped', async (t) => {
    const server = await scriptedServer(t, [json(503, envelope('api_error', 'unavailable'))]);
    // All 0x20 bytes: the draw is 0x20202020 / 2^32 ≈ 0.1255 of each ceiling (500, 1000, 2000 ms).
    const { vinr, events } = httpClient(server.base, { maxNetworkRetries: 3, random: (b) => b.fill(0x20) });
    await rejectsWith(vinr.customers.list(), sdk.VinrAPIError, { status: 503, code: 'unavailable', requestId: 'req_503' });
    const fraction = 0x20202020 / 2 ** 32;
    assert.deepEqual(events.map((e) => e.delayMs), [0, Math.floor(500 * fraction), Math.floor(1000 * fraction), Math.floor(2000 * fraction)]);
    assert.equal(server.seen.length, 4);
  });

  test('429 honours Retry-After; 409 in progress is retried; other 4xx are not', async (t) => {
    const server = await scriptedServer(t, [
      json(429, envelope('rate_limit_error', 'rate_limited'), { 'retry-after': '1' }),
      json(409, envelope('idempotency_error', 'idempotency_request_in_progress')),
      json(200, CUSTOMER),
      json(409, envelope('idempotency_error', 'idempotency_key_reused')),
      json(400, { error: { type: 'invalid_request_error', code: 'parameter_invalid', message: 'bad email', param: 'email', requestId: 'req_400' } }),
    ]);
    const { vinr, events } = httpClient(server.base);
    assert.deepEqual(await vinr.customers.create({ email: 'a@example.com' }), CUSTOMER);
    assert.deepEqual(events.map((e) => e.delayMs), [0, 1000, 0]);
    await rejectsWith(vinr.customers.create({ email: 'a@example.com' }), sdk.VinrIdempotencyError, { code: 'idempotency_key_reused' });
    await rejectsWith(vinr.customers.create({ email: 'x' }), sdk.VinrInvalidRequestError, { param: 'email', requestId: 'req_400' });
    assert.equal(server.seen.length, 5, 'each of the last two was sent once');
  });

  test('a Retry-After beyond a minute is not waited for', async (t) => {
    const server = await scriptedServer(t, [json(429, envelope('rate_limit_error', 'rate_limited'), { 'retry-after': '3600' })]);
    const { vinr } = httpClient(server.base);
    await rejectsWith(vinr.customers.list(), sdk.VinrRateLimitError, { retryAfter: 3600 });
    assert.equal(server.seen.length, 1);
  });

  test('the timeout covers the whole body; a stalled body times out and is retried', async (t) => {
    const stall = (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id":"cust_x",');
    };
    const server = await scriptedServer(t, [stall, stall, json(200, CUSTOMER)]);
    const { vinr } = httpClient(server.base, { timeout: 200 });
    assert.deepEqual(await vinr.customers.retrieve('cust_x'), CUSTOMER);
    assert.equal(server.seen.length, 3);
  });

  test('with no answer at all, the last error is a VinrConnectionError', async (t) => {
    const server = await scriptedServer(t, [resetConnection]);
    const { vinr } = httpClient(server.base, { maxNetworkRetries: 2 });
    await rejectsWith(vinr.customers.list(), sdk.VinrConnectionError, { code: 'connection_failed', status: undefined });
    assert.equal(server.seen.length, 3);
    const stalled = await scriptedServer(t, [(req, res) => res.writeHead(200)]);
    await rejectsWith(httpClient(stalled.base).vinr.customers.list({}, { timeout: 100, maxNetworkRetries: 1 }), sdk.VinrConnectionError, { code: 'request_timeout' });
    assert.equal(stalled.seen.length, 2);
  });
});
