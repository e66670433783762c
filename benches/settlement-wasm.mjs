// Settlement netting benchmark, Wasm half: the release Wasm under Node.
//
// Nets 1,000,000 compact balance entries (4 currencies x 30 days, the same generator and
// seed as the native half in benches/settlement.rs) inside the Wasm core and compares with a
// plain summation loop over the same entries, also in Wasm (the floor). The entries are
// generated in Wasm memory once, so no copy across the JS/Wasm boundary is timed: each timed
// call is one boundary crossing around one pass over the entries.
// The kernel's export (`NettingBench`) is a test hook, which no Wasm of the package ships: this
// runs the test-hooks build that scripts/build.sh leaves in target/bindgen/test-hooks/, the
// client core's release build (same profile, same wasm-opt) plus the hooks.
// Run: `node benches/settlement-wasm.mjs` after `bash scripts/build.sh`.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRIES = 1_000_000;
const DAYS = 30;
const CURRENCIES = 4;
const FIRST_DAY = 20_558; // 2026-04-15 as days since 1970-01-01
const SEED = 2026;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 25);

const hooks = join(root, 'target/bindgen/test-hooks');
const { createCore } = await import(pathToFileURL(join(hooks, 'core.js')).href);
const wasm = createCore();
wasm.initSync({ module: new WebAssembly.Module(readFileSync(join(hooks, 'vinr_bg.wasm'))) });

const bench = new wasm.NettingBench(ENTRIES, SEED, FIRST_DAY, DAYS, CURRENCIES);
let checksum = 0;
let floorSum = 0;
const net = () => {
  checksum = bench.net();
};
const sum = () => {
  floorSum = bench.floor();
};
// Warm-up: lets V8 tier both functions up from Liftoff to TurboFan before timing.
for (let i = 0; i < 3; i++) {
  net();
  sum();
}
// Rounds interleave the two, so that both see the same machine conditions (on a shared host
// a phase-by-phase run can hand one of them a quiet minute and the other a busy one).
let netting = Infinity;
let floor = Infinity;
for (let i = 0; i < ROUNDS; i++) {
  let start = performance.now();
  net();
  netting = Math.min(netting, performance.now() - start);
  start = performance.now();
  sum();
  floor = Math.min(floor, performance.now() - start);
}
if (checksum !== floorSum) throw new Error(`netting total ${checksum} != plain sum ${floorSum}`);
const bytes = bench.bytesPerEntry();
bench.free();

const perSec = (ms) => ENTRIES / (ms / 1000);
const fmt = (n, w) => n.toFixed(0).padStart(w);
console.log(`settlement netting, Wasm under Node ${process.version} (${ENTRIES} entries, ${DAYS} days x ${CURRENCIES} currencies, best of ${ROUNDS})`);
console.log(`  bytes per entry        ${bytes}`);
console.log(`  netting                ${netting.toFixed(3).padStart(10)} ms  ${fmt(perSec(netting), 14)} entries/s`);
console.log(`  floor (plain sum)      ${floor.toFixed(3).padStart(10)} ms  ${fmt(perSec(floor), 14)} entries/s`);
console.log(`  ratio to floor         ${(netting / floor).toFixed(2).padStart(10)}x  (target: within 3x)`);
console.log(JSON.stringify({ bench: 'settlement-wasm', entries: ENTRIES, bytesPerEntry: bytes, nettingMs: netting, floorMs: floor, entriesPerSecond: perSec(netting), ratioToFloor: netting / floor }));
