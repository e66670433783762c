// Parity: the local server answers exactly what the in-process sandbox answers. Every
// conformance scenario, and the client flow that calls every method of the client, run twice
// on twin sandboxes (same clock, same seeded random source): once in-process through
// `sandbox.fetch`, once over HTTP through `startServer` with durable file storage, the client
// pointed at it by `VINR_API_BASE`. Each response is recorded; status, API headers and body
// must be identical byte for byte, apart from the origin in URLs the API hands out.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { consumerProject, removeProjects } from './lib/project.mjs';
import { runScenario } from './conformance/runner.mjs';
import { moneyScenarios } from './conformance/money-scenarios.mjs';
import { roleMatrixScenario, scenarios } from './conformance/scenarios.mjs';
import { clientFlow, counterRandom } from './fixtures/client-flow.mjs';

let project;
let sdk;
before(async () => {
  project = consumerProject('server-parity', {
    files: { 'sdk.mjs': `export * from '@vinr/sdk/server';\nexport { Vinr } from '@vinr/sdk';\n` },
  });
  sdk = await import(pathToFileURL(join(project, 'sdk.mjs')).href);
});
after(() => {
  if (!process.env.KEEP_TEST_PROJECTS) removeProjects();
});

/** Headers of the transport, not of the API: they differ between in-process and node:http. */
const TRANSPORT_HEADERS = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

/**
 * `fetch` that records each answer (status, API headers, body) into `log`; the body is read once
 * and handed on. Before answering, it waits until the webhook deliveries the request made due
 * are settled (`sandbox.settled()`): they run after the response, in a later task, so without
 * this the next request would race them differently in-process and over a socket.
 */
function recording(fetch, log, origin, sandbox) {
  const normalise = (text) =>
    text
      // The API hands out links on the origin it was called on (statement files).
      .replaceAll(origin, '<origin>')
      // Request ids are drawn per request; the issue compares answers apart from them.
      .replace(/req_[0-9A-Za-z]{24}/g, 'req_…')
      // Not the server's either: the client's automatic Idempotency-Keys (random UUIDs) that
      // events echo, and the wall-clock time a webhook receiver took.
      .replace(/"idempotencyKey":"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"/g, '"idempotencyKey":"<uuid>"')
      .replace(/"durationMs":\d+/g, '"durationMs":…');
  return async (input, init) => {
    const response = await fetch(input, init);
    const bytes = new Uint8Array(await response.arrayBuffer());
    await sandbox.settled();
    const headers = [];
    response.headers.forEach((value, name) => TRANSPORT_HEADERS.has(name) || headers.push(`${name}: ${normalise(value)}`));
    const body = normalise(Buffer.from(bytes).toString('latin1'));
    log.push({ request: `${init?.method ?? 'GET'} ${String(input).replace(origin, '')}`, status: response.status, headers: headers.sort(), body });
    return new Response(response.status === 204 ? null : bytes, { status: response.status, headers: response.headers });
  };
}

const CLOCK = () => Date.parse('2026-04-15T10:30:00Z');
const quiet = () => new Response(null, { status: 204 });

/** Opens twin sandboxes: one in-process, one behind a server on durable storage. */
async function twins(t, seed) {
  const options = () => ({ clock: CLOCK, random: seed(), deliver: quiet });
  const local = sdk.createSandbox(options());
  const storage = sdk.fileStorage(mkdtempSync(join(project, 'parity-')));
  const remote = sdk.createSandbox({ ...options(), storage });
  await remote.ready;
  const server = await sdk.startServer({ sandbox: remote, port: 0 });
  t.after(async () => {
    await server.close();
    await storage.close();
  });
  return { local, remote, server };
}

function assertSame(inProcess, overHttp) {
  assert.equal(overHttp.length, inProcess.length, 'the same number of responses');
  inProcess.forEach((expected, i) => assert.deepEqual(overHttp[i], expected, `response ${i + 1}: ${expected.request}`));
}

describe('the server answers as the in-process sandbox does', () => {
  for (const scenario of [...scenarios, ...moneyScenarios, roleMatrixScenario]) {
    test(scenario.name, async (t) => {
      const { local, remote, server } = await twins(t, counterRandom);
      const inProcess = [];
      const overHttp = [];
      await runScenario(scenario, { fetch: recording(local.fetch, inProcess, 'https://sandbox.api.vinr.com', local), keys: local.keys });
      await runScenario(scenario, { fetch: recording(fetch, overHttp, server.url, remote), keys: remote.keys, base: server.url });
      assert.ok(inProcess.length > 0);
      assertSame(inProcess, overHttp);
    });
  }

  test('the client flow (every client method) with VINR_API_BASE pointing at the server', async (t) => {
    const inProcess = [];
    const overHttp = [];
    await clientFlow({
      Vinr: sdk.Vinr,
      createSandbox: sdk.createSandbox,
      sandboxOptions: { deliver: quiet },
      connect: (sandbox) => new sdk.Vinr({ secretKey: sandbox.keys.test.secretKey, fetch: recording(sandbox.fetch, inProcess, 'https://sandbox.api.vinr.com', sandbox) }),
    });
    let server;
    let storage;
    t.after(async () => {
      delete process.env.VINR_API_BASE;
      await server?.close();
      await storage?.close();
    });
    await clientFlow({
      Vinr: sdk.Vinr,
      createSandbox: (options) => {
        storage = sdk.fileStorage(mkdtempSync(join(project, 'parity-')));
        return sdk.createSandbox({ ...options, storage });
      },
      sandboxOptions: { deliver: quiet },
      async connect(sandbox) {
        await sandbox.ready;
        server = await sdk.startServer({ sandbox, port: 0 });
        process.env.VINR_API_BASE = `${server.url}/v1`;
        // Only the key and VINR_API_BASE: the client finds the server by itself.
        return new sdk.Vinr({ secretKey: sandbox.keys.test.secretKey, fetch: recording(fetch, overHttp, server.url, sandbox) });
      },
    });
    assert.ok(inProcess.length > 50, `the flow made ${inProcess.length} requests`);
    assert.ok(overHttp.every((r) => !r.request.includes('sandbox.api.vinr.com')), 'every request went to the server');
    assertSame(inProcess, overHttp);
  });
});
