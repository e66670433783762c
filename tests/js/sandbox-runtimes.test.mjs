// `@vinr/sdk/sandbox` through the packed package: the smoke scenario (fixtures/sandbox-smoke.mjs)
// in Node ESM and CJS, Deno, Bun, workerd and a Chromium page; then, in Node, what a storage
// adapter sees (persistence, ordering under concurrency, failures), fetch's argument forms,
// option checking, and the split of the Wasm builds (the main entry never loads the sandbox's).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bin, consumerProject, lastJsonLine, removeProjects, run } from './lib/project.mjs';
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
}

let esmProject;
before(() => {
  esmProject = consumerProject('sandbox', { fixtures: ['sandbox-smoke.mjs'], files: { 'main.mjs': runSmoke } });
});
after(() => {
  if (!process.env.KEEP_TEST_PROJECTS) removeProjects();
});

describe('the smoke scenario in every runtime', () => {
  test('Node, ESM', async () => {
    assertSmoke(lastJsonLine(await run(process.execPath, ['main.mjs'], { cwd: esmProject })), 'node esm');
  });

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
    const config = await prepareWorker(dir, 'worker.mjs', ['vinr_sandbox_bg.wasm']);
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
              reject(error);
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

  test('the main entry never loads the sandbox Wasm, and the sandbox entry not the main one', async () => {
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
    assert.deepEqual(await readBy('@vinr/sdk/sandbox'), ['vinr_sandbox_bg.wasm']);

    const exportsOf = (file) => WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(join(dist, file)))).map((e) => e.name);
    assert.ok(!exportsOf('vinr_bg.wasm').some((name) => /sandboxcore/i.test(name)), 'vinr_bg.wasm has no simulator');
    assert.ok(exportsOf('vinr_sandbox_bg.wasm').some((name) => /sandboxcore/i.test(name)));

    // The shipped JS is readable, with source maps: each entry bundles one build's glue.
    for (const file of readdirSync(dist).filter((f) => /\.(mjs|cjs)$/.test(f))) {
      const map = JSON.parse(readFileSync(join(dist, `${file}.map`), 'utf8'));
      assert.ok(map.sourcesContent.every((s) => typeof s === 'string'), `${file}.map carries its sources`);
      const glue = map.sources.filter((s) => s.endsWith('core.js')).map((s) => s.split('/').slice(-2, -1)[0]);
      const expected = file.startsWith('sandbox-') ? 'sandbox' : file.startsWith('webhooks-') ? 'webhooks' : 'full';
      assert.deepEqual(glue, [expected], `${file} bundles the ${expected} glue only`);
      assert.match(readFileSync(join(dist, file), 'utf8'), /\/\/# sourceMappingURL=/, `${file} points at its map`);
    }
    assert.doesNotMatch(readFileSync(join(dist, 'node.mjs'), 'utf8'), /SandboxCore/);
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
