// The engine's Wasm memory (behind @vinr/sdk/sandbox) grows by doubling. V8 counts each grow of
// a Wasm memory as its whole size in new external memory, so past ~64 MiB every grow starts a
// full garbage collection, a pause every request in flight waits out
// (crates/engine-wasm/src/grow.rs). A sandbox whose state grows to tens of MiB must therefore
// grow its memory a handful of times, not dozens (an eighth at a time) or thousands (the
// standard library's 64 KiB at a time). The count is taken in a child process of its own, whose
// `WebAssembly.Memory` reports each new size of its buffer before the SDK is loaded.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { consumerProject, removeProjects } from './lib/project.mjs';

const GROW_TO_MIB = 48;

// Reads every size a Wasm memory's buffer is seen at (the SDK's glue reads `memory.buffer`
// again after each grow), then fills an in-process sandbox with customers until the engine's
// memory holds GROW_TO_MIB MiB, and prints the sizes the engine's memory went through.
const CHILD = `const sizes = new Map();
const buffer = Object.getOwnPropertyDescriptor(WebAssembly.Memory.prototype, 'buffer');
Object.defineProperty(WebAssembly.Memory.prototype, 'buffer', {
  get() {
    const value = buffer.get.call(this);
    if (!sizes.has(this)) sizes.set(this, new Set());
    sizes.get(this).add(value.byteLength);
    return value;
  },
});
const { createSandbox } = await import('@vinr/sdk/sandbox');
const sandbox = createSandbox();
await sandbox.ready;
const key = sandbox.keys.test.secretKey;
const description = 'a customer record long enough to grow the state quickly '.repeat(15);
const largest = () => Math.max(...[...sizes.values()].map((s) => Math.max(...s)));
for (let i = 0; largest() < ${GROW_TO_MIB} * 2 ** 20; i++) {
  const response = await sandbox.fetch('/v1/customers', {
    method: 'POST',
    headers: { authorization: 'Bearer ' + key, 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'c' + i + '@example.com', description }),
  });
  if (response.status !== 200) throw new Error('status ' + response.status + ': ' + (await response.text()));
}
const engine = [...sizes.values()].find((s) => Math.max(...s) >= ${GROW_TO_MIB} * 2 ** 20);
console.log(JSON.stringify([...engine].sort((a, b) => a - b)));
`;

let project;
before(() => {
  project = consumerProject('sandbox-memory', { files: { 'child.mjs': CHILD } });
});
after(() => {
  if (!process.env.KEEP_TEST_PROJECTS) removeProjects();
});

test(`a sandbox whose state grows to ${GROW_TO_MIB} MiB grows the engine's memory by doubling: a handful of grows`, () => {
  const sizes = JSON.parse(execFileSync(process.execPath, ['child.mjs'], { cwd: project, encoding: 'utf8' }));
  const mib = sizes.map((bytes) => bytes / 2 ** 20);
  // Each size seen is at least twice the one before (an eighth at a time would be ~1.125×).
  for (let i = 1; i < sizes.length; i++) {
    assert.ok(sizes[i] >= 2 * sizes[i - 1], `the memory grew from ${mib[i - 1]} MiB to only ${mib[i]} MiB: ${mib.join(', ')}`);
  }
  assert.ok(sizes.length <= 8, `${sizes.length} sizes: ${mib.join(', ')} MiB`);
});
