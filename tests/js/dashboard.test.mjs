// The sandbox dashboard (issue 11) in a real browser, home (a): `vinr sandbox` of the packed
// package, installed in a temporary project, serving the dashboard at `/` on 127.0.0.1.
// Debian's Chromium, headless, through playwright-core. The scenarios themselves are in
// lib/dashboard-scenarios.mjs and (settings screens, events) lib/dashboard-settings-scenarios.mjs,
// written against `open` and `seed`, so that home (b), the sandbox in the browser, runs them too
// (dashboard-browser-home.test.mjs). Screenshots: tests/js/.tmp/dashboard-shots/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchChromium } from './lib/browser.mjs';
import { auditScreens, makeSeed, openDashboard, scenarios, screensToAudit } from './lib/dashboard-scenarios.mjs';
import { settingsScenarios } from './lib/dashboard-settings-scenarios.mjs';
import { consumerProject, removeProjects, repoRoot } from './lib/project.mjs';
import { startVinrSandbox } from './lib/vinr-cli.mjs';
import { startReceiver } from './lib/webhook-receiver.mjs';

const SHOTS = join(repoRoot, 'tests/js/.tmp/dashboard-shots');

let project;
let server;
let browser;
let sdk;
let receiver;
const clients = {};

before(async () => {
  project = consumerProject('dashboard', { files: { 'sdk.mjs': `export * from '@vinr/sdk';\n` } });
  sdk = await import(pathToFileURL(join(project, 'sdk.mjs')).href);
  server = await startVinrSandbox(project, ['--memory', '--quiet']);
  clients.test = new sdk.Vinr({ secretKey: server.key, apiBase: server.url });
  clients.live = new sdk.Vinr({ secretKey: server.liveKey, apiBase: server.url });
  receiver = await startReceiver();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await receiver?.close();
  if (!process.env.KEEP_TEST_PROJECTS) removeProjects();
});

/** Test data through the SDK client against the same server, as an integrator would make it. */
const seed = makeSeed({
  run: (fn, mode, ...args) => fn(clients[mode], ...args),
  async raw(method, path, body, auth) {
    const secretKey = auth.secretKey ?? (auth.mode === 'live' ? server.liveKey : server.key);
    const headers = { authorization: `Bearer ${secretKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
    const response = await fetch(`${server.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: await response.json() };
  },
});

describe('home (a): the dashboard served by vinr sandbox', () => {
  test('the page, its assets and the guarded config endpoint', async () => {
    const page = await fetch(`${server.url}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type'), /^text\/html/);
    assert.match(page.headers.get('content-security-policy'), /script-src 'self' 'wasm-unsafe-eval'/);
    assert.equal(page.headers.get('access-control-allow-origin'), null);
    for (const [path, type] of [['/dashboard/app.mjs', /javascript/], ['/dashboard/styles.css', /css/], ['/dashboard/sdk/inline.mjs', /javascript/]]) {
      const r = await fetch(`${server.url}${path}`, { method: 'HEAD' });
      assert.equal(r.status, 200, path);
      assert.match(r.headers.get('content-type'), type, path);
    }
    assert.equal((await fetch(`${server.url}/dashboard/app.mjs`, { method: 'POST' })).status, 405);
    assert.equal((await fetch(`${server.url}/dashboard/..%2f..%2fpackage.json`)).status, 404);
    assert.equal((await fetch(`${server.url}/dashboard/nothing.js`)).status, 404);
    // The config: only with the dashboard's header, a loopback Host with this port, same-origin.
    const config = (headers) => fetch(`${server.url}/dashboard/config`, { headers });
    const ok = await config({ 'x-vinr-dashboard': '1' });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('cache-control'), 'no-store');
    assert.equal(ok.headers.get('access-control-allow-origin'), null);
    assert.equal((await ok.json()).keys.test.secretKey, server.key);
    assert.equal((await config({})).status, 403, 'no dashboard header');
    assert.equal((await config({ 'x-vinr-dashboard': '1', 'sec-fetch-site': 'cross-site' })).status, 403, 'cross-site');
    assert.equal((await config({ 'x-vinr-dashboard': '1', origin: 'http://evil.example' })).status, 403, 'foreign origin');
    // DNS rebinding: the attacker's name in Host, on the right address and port.
    const rebound = await rawGet('/dashboard/config', `evil.example:${new URL(server.url).port}`);
    assert.equal(rebound, 403);
    const otherPort = await rawGet('/dashboard/config', '127.0.0.1:1');
    assert.equal(otherPort, 403);
    // The API is where it was.
    assert.equal((await fetch(`${server.url}/health`)).status, 200);
    assert.equal((await fetch(`${server.url}/v1/account`, { headers: { authorization: `Bearer ${server.key}` } })).status, 200);
  });

  for (const [name, scenario] of Object.entries({ ...scenarios, ...settingsScenarios })) {
    test(name, () => scenario({ open: (options) => openDashboard(browser, server.url, options), seed, receiver }));
  }

  test('every screen: axe-core finds no serious or critical violation; screenshots at 1280 and 390 px', async () => {
    const routes = await screensToAudit(seed, receiver);
    await auditScreens({ open: (options) => openDashboard(browser, server.url, options), routes, shots: SHOTS });
  });
});

/** A GET with a Host header of our choosing (fetch does not let one set Host). */
async function rawGet(path, host) {
  const { request } = await import('node:http');
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host, 'x-vinr-dashboard': '1' } }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', reject);
    req.end();
  });
}
