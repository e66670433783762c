// Webhook deliveries of the packed `@vinr/sdk/sandbox`, to real `node:http` receivers on
// 127.0.0.1: each verifies what it receives with `new Vinr({ webhookSecret }).webhooks.verify`
// of the packed `@vinr/sdk`. The retry schedule on the sandbox clock, a replay, a rolled secret's
// grace period, a receiver that never answers, in-process handlers, storage. Tests await
// `sandbox.settled()`, never a sleep.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { consumerProject, removeProjects } from './lib/project.mjs';

let sandboxSdk;
let sdk;
before(async () => {
  const dir = consumerProject('sandbox-webhooks', {
    files: { 'sandbox.mjs': `export * from '@vinr/sdk/sandbox';\n`, 'full.mjs': `export * from '@vinr/sdk';\n` },
  });
  sandboxSdk = await import(pathToFileURL(join(dir, 'sandbox.mjs')).href);
  sdk = await import(pathToFileURL(join(dir, 'full.mjs')).href);
});
after(() => {
  if (!process.env.KEEP_TEST_PROJECTS) removeProjects();
});

/** Every server a test started, closed when it ends (even when it fails). */
const servers = new Set();
async function closeAll() {
  await Promise.all([...servers].map((s) => s.close()));
}

/**
 * A receiver on 127.0.0.1 (port 0). `answer(delivery, res)` answers each request; every request
 * is kept as `{ headers, body }`.
 */
async function receiver(answer) {
  const received = [];
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const delivery = { method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
    received.push(delivery);
    await answer(delivery, res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const handle = {
    url: `http://127.0.0.1:${server.address().port}/hooks`,
    received,
    close: () =>
      new Promise((resolve) => {
        servers.delete(handle);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.add(handle);
  return handle;
}

/**
 * A sandbox on a clock frozen at the real time the test starts: signatures carry that time, so
 * a receiver verifies with the default tolerance, and the sandbox time moves only when told.
 */
function open(options = {}) {
  const start = Date.now();
  const sandbox = sandboxSdk.createSandbox({ clock: () => start, ...options });
  const sk = sandbox.keys.test.secretKey;
  const api = async (method, path, body, key = sk) => {
    const res = await sandbox.fetch(`https://sandbox.api.vinr.com${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    assert.ok(res.status === 200, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  return { sandbox, api, start };
}

const verifyWith = (secret, delivery) => new sdk.Vinr({ webhookSecret: secret }).webhooks.verify(delivery.body, delivery.headers);
const signatureError = (fn) => assert.throws(fn, (e) => e.name === 'SignatureVerificationError' && e.code === 'signature_mismatch');
const at = (start, seconds) => new Date(Math.floor(start / 1000) * 1000 + seconds * 1000).toISOString().replace('.000Z', 'Z');

describe('webhook deliveries from the sandbox', () => {
  after(closeAll);

  test('a real receiver verifies payment.completed, signed with the endpoint secret', async () => {
    const storage = sandboxSdk.memoryStorage();
    const { sandbox, api, start } = open({ storage });
    const verified = [];
    const hook = await receiver((delivery, res) => {
      verified.push(verifyWith(secret, delivery));
      res.writeHead(200).end('ok');
    });
    const endpoint = await api('POST', '/v1/webhooks', { url: hook.url, enabledEvents: ['payment.completed'] });
    const { secret } = endpoint;
    assert.match(secret, /^whsec_/);
    const pm = await api('POST', '/v1/payment_methods', { type: 'card', card: { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' } }, sandbox.keys.test.publishableKey);
    const payment = await api('POST', '/v1/payments', { amount: 2500, currency: 'EUR', paymentMethod: pm.id });
    await sandbox.settled();

    assert.equal(hook.received.length, 1, 'payment.created and payment_method.created are not subscribed');
    const [delivery] = hook.received;
    assert.equal(delivery.method, 'POST');
    assert.equal(delivery.headers['content-type'], 'application/json');
    assert.equal(delivery.headers['user-agent'], 'VINR-Webhooks/1 (sandbox)');
    assert.equal(delivery.headers['webhook-timestamp'], String(Math.floor(start / 1000)));
    const [event] = verified;
    assert.equal(event.type, 'payment.completed');
    assert.equal(event.data.id, payment.id);
    assert.equal(delivery.headers['webhook-id'], event.id);
    assert.equal(new sdk.Vinr().webhooks.verifyStandard(delivery.body, delivery.headers, secret).id, event.id);
    // The body is the event exactly as the API serves it.
    const res = await sandbox.fetch(`/v1/events/${event.id}`, { headers: { authorization: `Bearer ${sandbox.keys.test.secretKey}` } });
    assert.equal(await res.text(), delivery.body);

    const log = await api('GET', `/v1/webhooks/${endpoint.id}/deliveries`);
    assert.deepEqual(
      log.data.map((d) => [d.eventType, d.status, d.attempts.length, d.attempts[0].responseStatus, d.nextAttemptAt]),
      [['payment.completed', 'succeeded', 1, 200, null]],
    );
    // The outcome was stored like a request's changes: a sandbox reopened on the storage has it.
    const reopened = sandboxSdk.createSandbox({ storage, clock: () => start });
    const again = await reopened.fetch(`/v1/webhooks/${endpoint.id}/deliveries`, { headers: { authorization: `Bearer ${reopened.keys.test.secretKey}` } });
    assert.equal((await again.json()).data[0].status, 'succeeded');
    await hook.close();
  });

  test('a failing receiver gets every retry at its scheduled sandbox time, then a replay succeeds', async () => {
    const { sandbox, api, start } = open();
    let status = 500;
    const hook = await receiver((_, res) => res.writeHead(status).end());
    const endpoint = await api('POST', '/v1/webhooks', { url: hook.url, enabledEvents: ['customer.*'] });
    await api('POST', '/v1/customers', { email: 'retry@example.com' });
    await sandbox.settled();
    const waits = [60, 300, 1800, 7200, 18000, 36000, 86400, 86400, 86400];
    const times = [0];
    for (const wait of waits) {
      times.push(times.at(-1) + wait);
      // Nothing goes out before the sandbox clock reaches the retry.
      await api('POST', '/v1/test_helpers/clock/advance', { seconds: wait - 1 });
      await sandbox.settled();
      assert.equal(hook.received.length, times.length - 1);
      await api('POST', '/v1/test_helpers/clock/advance', { seconds: 1 });
      await sandbox.settled();
      assert.equal(hook.received.length, times.length);
    }
    const [delivery] = (await api('GET', `/v1/webhooks/${endpoint.id}/deliveries`)).data;
    assert.deepEqual(delivery.attempts.map((a) => a.attemptedAt), times.map((s) => at(start, s)));
    assert.ok(delivery.attempts.every((a) => a.responseStatus === 500 && a.error === null && !a.replay));
    assert.equal(delivery.status, 'failed');
    assert.equal(delivery.nextAttemptAt, null);
    assert.equal((await api('GET', `/v1/webhooks/${endpoint.id}`)).status, 'failing');
    assert.equal(new Set(hook.received.map((r) => r.headers['webhook-id'])).size, 1, 'every attempt is the same event');
    assert.equal(new Set(hook.received.map((r) => r.body)).size, 1);

    status = 200;
    const replayed = await api('POST', `/v1/webhooks/${endpoint.id}/deliveries/${delivery.id}/replay`);
    assert.equal(replayed.id, delivery.id);
    await sandbox.settled();
    assert.equal(hook.received.length, 11);
    const [after] = (await api('GET', `/v1/webhooks/${endpoint.id}/deliveries?status=succeeded`)).data;
    assert.deepEqual(after.attempts.at(-1), { number: 11, attemptedAt: at(start, times.at(-1)), responseStatus: 200, durationMs: after.attempts.at(-1).durationMs, error: null, replay: true });
    assert.equal((await api('GET', `/v1/webhooks/${endpoint.id}`)).status, 'enabled', 'a 2xx recovers a failing endpoint');
    await hook.close();
  });

  test('a rolled secret verifies alongside the new one during its grace period, and not after', async () => {
    const { sandbox, api } = open();
    const hook = await receiver((_, res) => res.writeHead(204).end());
    const endpoint = await api('POST', '/v1/webhooks', { url: hook.url, enabledEvents: ['customer.created'] });
    const rolled = await api('POST', `/v1/webhooks/${endpoint.id}/roll_secret`, { expiresInHours: 2 });
    assert.notEqual(rolled.secret, endpoint.secret);
    assert.equal((await api('GET', `/v1/webhooks/${endpoint.id}`)).secret, undefined, 'shown once');

    await api('POST', '/v1/customers', {});
    await sandbox.settled();
    const during = hook.received.at(-1);
    assert.equal(verifyWith(endpoint.secret, during).type, 'customer.created');
    assert.equal(verifyWith(rolled.secret, during).type, 'customer.created');
    assert.equal(new sdk.Vinr().webhooks.verifyStandard(during.body, during.headers, endpoint.secret).type, 'customer.created');

    await api('POST', '/v1/test_helpers/clock/advance', { seconds: 2 * 3600 });
    await api('POST', '/v1/customers', {});
    await sandbox.settled();
    const afterwards = hook.received.at(-1);
    assert.equal(verifyWith(rolled.secret, afterwards).type, 'customer.created');
    signatureError(() => verifyWith(endpoint.secret, afterwards));
    signatureError(() => new sdk.Vinr().webhooks.verifyStandard(afterwards.body, afterwards.headers, endpoint.secret));
    await hook.close();
  });

  test('a receiver that holds the request does not hold the API response', async () => {
    const { sandbox, api } = open();
    let release;
    let arrived;
    const arrival = new Promise((resolve) => (arrived = resolve));
    const hook = await receiver((_, res) => {
      release = () => res.writeHead(200).end();
      arrived();
    });
    const endpoint = await api('POST', '/v1/webhooks', { url: hook.url, enabledEvents: ['customer.created'] });
    const customer = await api('POST', '/v1/customers', { email: 'slow@example.com' });
    assert.match(customer.id, /^cust_/, 'the response resolved first');
    await arrival;
    let settled = false;
    const done = sandbox.settled().then(() => (settled = true));
    // The receiver still holds the request: the API keeps answering meanwhile.
    await api('GET', `/v1/customers/${customer.id}`);
    const [pending] = (await api('GET', `/v1/webhooks/${endpoint.id}/deliveries`)).data;
    assert.equal(pending.status, 'pending');
    assert.equal(pending.attempts.length, 0);
    assert.equal(settled, false);
    release();
    await done;
    const [delivered] = (await api('GET', `/v1/webhooks/${endpoint.id}/deliveries`)).data;
    assert.equal(delivered.status, 'succeeded');
    await hook.close();
  });

  test('an in-process handler receives a Request; what it throws is the attempt error', async () => {
    const seen = [];
    let fail = true;
    const { sandbox, api } = open({
      deliver: async (request) => {
        assert.ok(request instanceof Request);
        seen.push({ url: request.url, method: request.method, body: await request.text(), signature: request.headers.get('x-vinr-signature') });
        if (fail) throw new Error('handler exploded');
        return new Response(null, { status: 202 });
      },
    });
    const endpoint = await api('POST', '/v1/webhooks', { url: 'https://app.example/hooks', enabledEvents: ['customer.created'] });
    await api('POST', '/v1/customers', {});
    await sandbox.settled();
    assert.equal(seen.length, 1);
    assert.equal(seen[0].url, 'https://app.example/hooks');
    assert.equal(seen[0].method, 'POST');
    assert.equal(new sdk.Vinr({ webhookSecret: endpoint.secret }).webhooks.verify(seen[0].body, seen[0].signature).type, 'customer.created');
    const [failed] = (await api('GET', `/v1/webhooks/${endpoint.id}/deliveries`)).data;
    assert.deepEqual([failed.attempts[0].responseStatus, failed.attempts[0].error], [null, 'handler exploded']);
    fail = false;
    await api('POST', '/v1/test_helpers/clock/advance', { seconds: 60 });
    await sandbox.settled();
    const [ok] = (await api('GET', `/v1/webhooks/${endpoint.id}/deliveries`)).data;
    assert.deepEqual([ok.status, ok.attempts[1].responseStatus], ['succeeded', 202]);
  });

  test('deliver is checked like every option', () => {
    assert.throws(
      () => sandboxSdk.createSandbox({ deliver: 'https://example.com' }),
      (e) => e.name === 'VinrConfigurationError' && e.code === 'option_invalid' && e.param === 'deliver',
    );
  });
});
