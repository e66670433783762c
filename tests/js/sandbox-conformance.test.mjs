// The conformance scenarios (conformance/scenarios.mjs), each on a fresh account, against
// `sandbox.fetch` of the packed `@vinr/sdk/sandbox` installed in a temporary project. The local
// server issue runs the same scenarios over HTTP.
import { after, before, describe, test } from 'node:test';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { consumerProject, removeProjects } from './lib/project.mjs';
import { runScenario } from './conformance/runner.mjs';
import { roleMatrixScenario, scenarios } from './conformance/scenarios.mjs';

let sdk;
before(async () => {
  const dir = consumerProject('conformance', { files: { 'sdk.mjs': `export * from '@vinr/sdk/sandbox';\n` } });
  sdk = await import(pathToFileURL(join(dir, 'sdk.mjs')).href);
});
after(() => {
  if (!process.env.KEEP_TEST_PROJECTS) removeProjects();
});

/** A fresh in-process account on a fixed clock, as the scenarios expect. */
function open() {
  const sandbox = sdk.createSandbox({ clock: () => Date.parse('2026-04-15T10:30:00Z') });
  return { fetch: sandbox.fetch, keys: sandbox.keys };
}

describe('conformance, in-process through sandbox.fetch', () => {
  for (const scenario of [...scenarios, roleMatrixScenario]) {
    test(scenario.name, () => runScenario(scenario, open()));
  }

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
