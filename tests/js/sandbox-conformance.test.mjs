// The conformance scenarios (conformance/scenarios.mjs), each on a fresh account, against
// `sandbox.fetch` of the packed `@vinr/sdk/sandbox` installed in a temporary project. The local
// server issue runs the same scenarios over HTTP.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { consumerProject, lastJsonLine, removeProjects, repoRoot, run } from './lib/project.mjs';
import { runScenario } from './conformance/runner.mjs';
import { moneyScenarios } from './conformance/money-scenarios.mjs';
import { roleMatrixScenario, scenarios } from './conformance/scenarios.mjs';

let sdk;
let dir;
before(async () => {
  dir = consumerProject('conformance', { files: { 'sdk.mjs': `export * from '@vinr/sdk/sandbox';\n` } });
  sdk = await import(pathToFileURL(join(dir, 'sdk.mjs')).href);
});
after(() => {
  if (!process.env.KEEP_TEST_PROJECTS) removeProjects();
});

/** A fresh in-process account on a fixed clock, as the scenarios expect; deliveries stay in-process. */
function open() {
  const sandbox = sdk.createSandbox({ clock: () => Date.parse('2026-04-15T10:30:00Z'), deliver: () => new Response(null, { status: 204 }) });
  return { fetch: sandbox.fetch, keys: sandbox.keys };
}

describe('conformance, in-process through sandbox.fetch', () => {
  for (const scenario of [...scenarios, ...moneyScenarios, roleMatrixScenario]) {
    test(scenario.name, () => runScenario(scenario, open()));
  }

  test("the README's sandbox sample runs verbatim", async () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Sandbox: the VINR API, in-process'));
    const sample = /```js\n([\s\S]*?)```/.exec(section)[1];
    const file = `readme-sandbox-${process.pid}.mjs`;
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, file), `${sample}\nconsole.log(JSON.stringify({ payment, pm, now: sandbox.now().toISOString() }));\n`);
    const out = lastJsonLine(await run(process.execPath, [file], { cwd: dir }));
    assert.equal(out.payment.status, 'completed');
    assert.equal(out.payment.card.last4, '4242');
    assert.match(out.pm.id, /^pm_/);
  });

  test('with memory storage, a reopened sandbox holds the same state and keeps serving', async () => {
    const storage = sdk.memoryStorage();
    const clock = () => Date.parse('2026-04-15T10:30:00Z');
    const first = sdk.createSandbox({ storage, clock });
    // The first half of the life-cycle scenario on one sandbox...
    await runScenario(scenarios[0], { fetch: first.fetch, keys: first.keys });
    const reopened = sdk.createSandbox({ storage, clock });
    const { deepEqual } = await import('node:assert/strict');
    deepEqual(reopened.snapshot(), first.snapshot(), 'the same snapshot bytes');
    deepEqual(reopened.keys, first.keys);
    // ...and a whole scenario on the reopened one.
    await runScenario(scenarios[1], { fetch: reopened.fetch, keys: reopened.keys });
  });
});
