// The package's types as a user's strict TypeScript project sees them: a program using every
// resource (fixtures/typed-example.ts, with `@ts-expect-error` lines that must fail) compiled
// against the packed package under moduleResolution node16, bundler and node.
import { before, after, test } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bin, consumerProject, removeProjects, run } from './lib/project.mjs';

let project;
before(() => {
  project = consumerProject('types', { fixtures: ['typed-example.ts'] });
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
      JSON.stringify({ compilerOptions: { ...STRICT, module, moduleResolution: resolution }, files: ['typed-example.ts'] }, null, 2),
    );
    await run(bin('tsc'), ['-p', config], { cwd: project });
  });
}
