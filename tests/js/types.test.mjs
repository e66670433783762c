// The package's types as a user's strict TypeScript project sees them: a program using every
// resource (fixtures/typed-example.ts, with `@ts-expect-error` lines that must fail) and the
// settlement guide's webhook route (fixtures/doc-samples/webhook-route.ts, after the page's own
// setup lines) compiled against the packed package under moduleResolution node16, bundler and
// node.
import { before, after, test } from 'node:test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bin, consumerProject, removeProjects, repoRoot, run } from './lib/project.mjs';

let project;
before(() => {
  const route = readFileSync(join(repoRoot, 'tests/js/fixtures/doc-samples/webhook-route.ts'), 'utf8');
  project = consumerProject('types', {
    fixtures: ['typed-example.ts'],
    files: {
      'webhook-route.ts': [
        `import { Vinr } from '@vinr/sdk';`,
        `declare const process: { env: Record<string, string | undefined> };`,
        `declare const ledger: { recordPayout(id: string, amount: number): Promise<void> };`,
        `const vinr = new Vinr({ secretKey: process.env.VINR_SECRET_KEY });`,
        route,
      ].join('\n'),
      // A Node-only project: the server entry (which re-exports the sandbox's, storage adapters
      // included) must type-check without the DOM library.
      'node-only.ts': [
        `import { createSandbox, fileStorage, indexedDb, startServer } from '@vinr/sdk/server';`,
        `const sandbox = createSandbox({ storage: fileStorage('.vinr-sandbox') });`,
        `const server = await startServer({ sandbox, port: 0 });`,
        `export const kinds = [typeof indexedDb, typeof server];`,
      ].join('\n'),
    },
  });
});
after(() => {
  if (!process.env.KEEP_TEST_PROJECTS) removeProjects();
});

const STRICT = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  noEmit: true,
  target: 'ES2022',
  lib: ['ES2022', 'DOM', 'DOM.AsyncIterable'],
  types: [],
};

for (const [resolution, module] of [
  ['node16', 'node16'],
  ['bundler', 'esnext'],
  ['node', 'commonjs'],
]) {
  test(`strict TypeScript, moduleResolution ${resolution}`, async () => {
    const config = `tsconfig.${resolution}.json`;
    writeFileSync(
      join(project, config),
      JSON.stringify({ compilerOptions: { ...STRICT, module, moduleResolution: resolution }, files: ['typed-example.ts', 'webhook-route.ts'] }, null, 2),
    );
    await run(bin('tsc'), ['-p', config], { cwd: project });
  });
}

test('a Node-only project (no DOM library, @types/node) type-checks against @vinr/sdk/server', async () => {
  const compilerOptions = {
    ...STRICT,
    lib: ['ES2022'],
    types: ['node'],
    typeRoots: [join(repoRoot, 'node_modules/@types')],
    module: 'node16',
    moduleResolution: 'node16',
  };
  writeFileSync(join(project, 'tsconfig.node-only.json'), JSON.stringify({ compilerOptions, files: ['node-only.ts'] }, null, 2));
  await run(bin('tsc'), ['-p', 'tsconfig.node-only.json'], { cwd: project });
});
