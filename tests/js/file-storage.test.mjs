// `fileStorage(dir)` of the packed `@vinr/sdk/server`: a sandbox on it reopens in the same state,
// group commit shares syncs, compaction runs in a thread of its own (and a crash at any of its
// steps loses nothing and applies nothing twice), a torn tail is cut while damage in the middle stops the start, one process per
// directory (a killed holder's lock is taken over), and its options are checked. The log is read
// here byte by byte, as the format says (js/src/server/log-format.ts), with a reference CRC-32C.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { consumerProject, removeProjects } from './lib/project.mjs';

const LOG = 'sandbox.log';
const OLD_LOG = 'sandbox.log.old';
const SNAPSHOT = 'sandbox.snapshot';
const LOCK = 'sandbox.lock';
const FILE_HEADER = 24;
const FRAME_HEADER = 12;

// The batches the child process appends: sizes from 100 bytes to ~9 KB, so frames cross pages.
const BATCHES_MODULE = `export function batch(i) {
  const bytes = new Uint8Array(100 + ((i * 937) % 9000)).fill(i & 0xff);
  bytes.set(new TextEncoder().encode('batch-' + i + ':'));
  return bytes;
}
`;
// A second process using a data directory: 'hold' takes the lock and waits; 'append' appends
// batches one after another, printing each one's number once its append resolved.
const CHILD = `import { fileStorage } from '@vinr/sdk/server';
import { batch } from './batches.mjs';
const [, , dir, mode] = process.argv;
const storage = fileStorage(dir);
await storage.load();
if (mode === 'hold') {
  console.log('holding');
  setInterval(() => {}, 60_000);
} else {
  for (let i = 0; ; i++) {
    await storage.append(batch(i));
    console.log(i);
  }
}
`;

let sdk;
let batch;
let project;
before(async () => {
  project = consumerProject('file-storage', {
    files: { 'sdk.mjs': `export * from '@vinr/sdk/server';\n`, 'batches.mjs': BATCHES_MODULE, 'child.mjs': CHILD },
  });
  sdk = await import(pathToFileURL(join(project, 'sdk.mjs')).href);
  ({ batch } = await import(pathToFileURL(join(project, 'batches.mjs')).href));
});
after(() => {
  if (!process.env.KEEP_TEST_PROJECTS) removeProjects();
});

const clock = () => Date.parse('2026-04-15T10:30:00Z');
const bytes = (text) => new TextEncoder().encode(text);
const newDir = () => mkdtempSync(join(project, 'data-'));

/** A sandbox on `fileStorage(dir, options)`, loaded. */
async function open(dir, options) {
  const storage = sdk.fileStorage(dir, options);
  const sandbox = sdk.createSandbox({ storage, clock, deliver: () => new Response(null, { status: 204 }) });
  await sandbox.ready;
  return { storage, sandbox };
}

async function api(sandbox, method, path, body, key = sandbox.keys.test.secretKey) {
  const headers = { authorization: `Bearer ${key}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await sandbox.fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await response.json();
  assert.ok(response.status < 400, `${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** A few requests that change state: customers, a card, a payment, a refund. */
async function someRequests(sandbox, n = 3) {
  const ids = [];
  for (let i = 0; i < n; i++) ids.push((await api(sandbox, 'POST', '/v1/customers', { email: `c${i}@example.com` })).id);
  const pm = await api(sandbox, 'POST', '/v1/payment_methods', { type: 'card', card: { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' } }, sandbox.keys.test.publishableKey);
  const payment = await api(sandbox, 'POST', '/v1/payments', { amount: 5000, currency: 'EUR', paymentMethod: pm.id });
  await api(sandbox, 'POST', '/v1/refunds', { payment: payment.id, amount: 1200 });
  return { customers: ids, payment: payment.id };
}

/** The CRC-32C, bit by bit: the reference the adapter's table-driven one must agree with. */
function referenceCrc32c(data) {
  let c = ~0;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return ~c >>> 0;
}

/** The log's header and frames, every checksum checked against the reference CRC. */
function readLog(dir) {
  const file = readFileSync(join(dir, LOG));
  assert.equal(file.subarray(0, 8).toString('latin1'), 'VINR_LOG');
  assert.equal(file.readUInt32LE(8), 1, 'format version');
  assert.equal(file.readUInt32LE(20), referenceCrc32c(file.subarray(0, 20)), 'header checksum');
  const frames = [];
  for (let at = FILE_HEADER; at < file.length; ) {
    const length = file.readUInt32LE(at);
    const end = at + FRAME_HEADER + length;
    assert.equal(file.readUInt32LE(at + 8), referenceCrc32c(file.subarray(at, at + 8)), `frame header checksum at ${at}`);
    assert.equal(file.readUInt32LE(at + 4), referenceCrc32c(file.subarray(at + FRAME_HEADER, end)), `frame checksum at ${at}`);
    const batches = [];
    for (let b = at + FRAME_HEADER; b < end; b += 4 + file.readUInt32LE(b)) batches.push(file.subarray(b + 4, b + 4 + file.readUInt32LE(b)));
    frames.push({ start: at, end, batches });
    at = end;
  }
  return { file, generation: Number(file.readBigUInt64LE(12)), frames };
}

const size = (dir, name = LOG) => statSync(join(dir, name)).size;
/** The generation in a log or snapshot file's header (u64 at byte 12). */
const generationOf = (path) => Number(readFileSync(path).readBigUInt64LE(12));

/** Resolves with `e` when `promise` rejects; fails when it resolves. */
async function rejection(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail('expected a rejection');
}

function thrown(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected an exception');
}

function startChild(dir, mode) {
  const child = spawn(process.execPath, ['child.mjs', dir, mode], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  let stderr = '';
  let partial = '';
  const waiters = [];
  child.stdout.on('data', (d) => {
    const parts = (partial + d).split('\n');
    partial = parts.pop();
    lines.push(...parts);
    for (const w of waiters.splice(0)) w();
  });
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return {
    child,
    lines,
    exited,
    /** Resolves once the child printed `count` lines. */
    async until(count) {
      while (lines.length < count) {
        const more = new Promise((resolve) => waiters.push(resolve));
        if (child.exitCode !== null) assert.fail(`the child exited early: ${stderr}`);
        await Promise.race([more, exited]);
      }
    },
  };
}

describe('fileStorage', () => {
  test('the reference CRC-32C matches the known test vectors', () => {
    assert.equal(referenceCrc32c(bytes('123456789')), 0xe3069283);
    assert.equal(referenceCrc32c(new Uint8Array(32)), 0x8a9136aa);
  });

  test('a sandbox on fileStorage reopens with the same objects and the same snapshot bytes', async () => {
    const dir = join(newDir(), 'nested/data'); // created, recursively
    const first = await open(dir);
    const { customers, payment } = await someRequests(first.sandbox);
    const before = {
      customer: await api(first.sandbox, 'GET', `/v1/customers/${customers[1]}`),
      payment: await api(first.sandbox, 'GET', `/v1/payments/${payment}`),
    };
    const snapshot = first.sandbox.snapshot();
    const stats = first.storage.stats();
    assert.ok(stats.appends >= 7 && stats.syncs === stats.writes, JSON.stringify(stats));
    await first.storage.close();
    assert.equal(existsSync(join(dir, LOCK)), false, 'close() released the lock');
    assert.equal(readLog(dir).frames.length, stats.writes, 'one frame per write, every checksum right');

    const second = await open(dir);
    assert.deepEqual(second.sandbox.snapshot(), snapshot, 'the same snapshot bytes');
    assert.deepEqual(second.sandbox.keys, first.sandbox.keys);
    assert.deepEqual(await api(second.sandbox, 'GET', `/v1/customers/${customers[1]}`), before.customer);
    assert.deepEqual(await api(second.sandbox, 'GET', `/v1/payments/${payment}`), before.payment);
    // It keeps serving and storing after a reopen.
    const late = await api(second.sandbox, 'POST', '/v1/customers', { email: 'late@example.com' });
    const snapshot2 = second.sandbox.snapshot();
    await second.storage.close();
    const third = await open(dir);
    assert.deepEqual(third.sandbox.snapshot(), snapshot2);
    assert.equal((await api(third.sandbox, 'GET', `/v1/customers/${late.id}`)).email, 'late@example.com');
    await third.storage.close();
  });

  test('appendMany writes its batches as one frame, with one write and one sync; load returns them in order', async () => {
    const dir = newDir();
    const storage = sdk.fileStorage(dir);
    assert.deepEqual(await storage.load(), { batches: [] });
    const a = bytes('first batch');
    await storage.append(a);
    a.fill(0); // the caller may reuse its array once append returned
    await storage.appendMany([bytes('b'), new Uint8Array(0), bytes('d'.repeat(5000))]);
    await storage.appendMany([]);
    assert.deepEqual(
      { ...storage.stats(), logBytes: undefined },
      { appends: 4, writes: 2, syncs: 2, logBytes: undefined, snapshots: 0, failedCompactions: 0, generation: 0, truncatedBytes: 0, compaction: 'idle' },
    );
    assert.equal(storage.stats().logBytes, size(dir));
    await storage.close();

    const { frames } = readLog(dir);
    assert.deepEqual(frames.map((f) => f.batches.length), [1, 3], 'the group is one frame');
    const reopened = sdk.fileStorage(dir);
    const { snapshot, batches } = await reopened.load();
    assert.equal(snapshot, undefined);
    assert.deepEqual(batches.map((b) => new TextDecoder().decode(b)), ['first batch', 'b', '', 'd'.repeat(5000)]);
    await reopened.close();
  });

  test('50 concurrent requests: all stored, and with group commit fewer syncs than batches', async (t) => {
    const dir = newDir();
    const inner = sdk.fileStorage(dir);
    // Passes every call through, counting the group hand-overs of the sandbox.
    let grouped = 0;
    const storage = {
      load: () => inner.load(),
      append: (b) => inner.append(b),
      appendMany: (bs) => {
        grouped++;
        return inner.appendMany(bs);
      },
    };
    const sandbox = sdk.createSandbox({ storage, clock });
    await sandbox.ready;
    const auth = { authorization: `Bearer ${sandbox.keys.test.secretKey}`, 'content-type': 'application/json' };
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => sandbox.fetch('/v1/customers', { method: 'POST', headers: auth, body: JSON.stringify({ email: `c${i}@example.com` }) })),
    );
    const ids = await Promise.all(responses.map(async (r) => (assert.equal(r.status, 200), (await r.json()).id)));
    const stats = inner.stats();
    assert.equal(stats.appends, 51, "the new account's batch and the 50 requests'");
    if (grouped > 0) {
      assert.ok(stats.syncs < stats.appends, `${stats.syncs} syncs for ${stats.appends} batches`);
    } else {
      t.todo('the sandbox hands batches over one at a time (its journal does not group commits yet); the appendMany test shows the adapter side');
    }
    const snapshot = sandbox.snapshot();
    await inner.close();

    const reopened = await open(dir);
    assert.deepEqual(reopened.sandbox.snapshot(), snapshot);
    for (const [i, id] of ids.entries()) {
      assert.equal((await api(reopened.sandbox, 'GET', `/v1/customers/${id}`)).email, `c${i}@example.com`);
    }
    await reopened.storage.close();
  });

  test('compaction: past compactAfterBytes the log is rotated and compacted in a thread, while requests go on; the same state reopened', async () => {
    const dir = newDir();
    const first = await open(dir, { compactAfterBytes: 4000 });
    await someRequests(first.sandbox, 6);
    // The compaction runs beside the requests: these are answered whether or not it is done.
    await someRequests(first.sandbox, 2);
    await first.storage.compacted();
    const stats = first.storage.stats();
    assert.ok(stats.snapshots >= 1 && stats.generation === stats.snapshots && stats.failedCompactions === 0, JSON.stringify(stats));
    assert.equal(existsSync(join(dir, OLD_LOG)), false, 'the compacted log is deleted');
    assert.equal(existsSync(join(dir, `${SNAPSHOT}.retired`)), false, 'a replaced snapshot is freed, not left aside');
    assert.equal(generationOf(join(dir, SNAPSHOT)), stats.generation);
    assert.equal(readLog(dir).generation, stats.generation, 'the log follows the snapshot');
    const compacted = first.sandbox.snapshot();
    await first.storage.close();
    assert.equal(first.storage.stats().logBytes, size(dir));

    // Snapshot plus the log after it: the same bytes.
    const second = await open(dir);
    assert.deepEqual(second.sandbox.snapshot(), compacted);
    await api(second.sandbox, 'POST', '/v1/customers', { email: 'after@example.com' });
    const after = second.sandbox.snapshot();
    assert.equal(second.storage.stats().snapshots, 0, 'the default threshold is far off');
    await second.storage.close();
    const third = await open(dir);
    assert.deepEqual(third.sandbox.snapshot(), after);
    await third.storage.close();
  });

  test('a compaction due waits for a quiet moment (200 ms without appends); compacted() starts it; an overdue one starts at once', async () => {
    const threshold = 20_000;
    const dir = newDir();
    const { storage, sandbox } = await open(dir, { compactAfterBytes: threshold });
    const customer = (i) => api(sandbox, 'POST', '/v1/customers', { email: `quiet${i}@example.com` });
    // One request at a time until the log is past the threshold, not past four times it.
    let lastSent = 0;
    for (let i = 0; storage.stats().logBytes - 24 <= threshold; i++) {
      lastSent = Date.now();
      await customer(i);
    }
    assert.ok(storage.stats().logBytes < 4 * threshold, 'far from overdue');
    assert.equal(storage.stats().compaction, 'waiting', 'due, but requests were coming in');
    assert.equal(existsSync(join(dir, OLD_LOG)), false, 'not even rotated');
    // Left alone, it starts by itself once the log is quiet.
    while (storage.stats().snapshots === 0 && Date.now() - lastSent < 20_000) await new Promise((r) => setTimeout(r, 20));
    assert.ok(Date.now() - lastSent >= 190, 'it waited for the quiet moment after the last append');
    await storage.compacted();
    assert.deepEqual([storage.stats().snapshots, storage.stats().compaction], [1, 'idle']);

    // compacted() does not wait for the quiet moment: it starts the compaction waiting.
    for (let i = 0; storage.stats().compaction !== 'waiting'; i++) await customer(1000 + i);
    const compacting = storage.compacted();
    assert.equal(storage.stats().compaction, 'running');
    await compacting;
    assert.equal(storage.stats().snapshots, 2);

    // A burst that takes the log past four times the threshold: compacted at once, in the burst.
    const overdue = 4 * Math.max(threshold, 2 * size(dir, SNAPSHOT));
    const description = 'a description long enough to fill the log quickly '.repeat(8);
    await Promise.all(Array.from({ length: Math.ceil(overdue / 500) }, (_, i) => api(sandbox, 'POST', '/v1/customers', { email: `burst${i}@example.com`, description })));
    assert.equal(storage.stats().compaction, 'running', 'overdue: no quiet moment awaited');
    const state = sandbox.snapshot();
    await storage.close();
    const reopened = await open(dir);
    assert.deepEqual(reopened.sandbox.snapshot(), state);
    await reopened.storage.close();
  });

  test('a snapshot larger than one sync slice (1 MiB) is written whole: the compacted state reopens the same', async () => {
    const dir = newDir();
    const first = await open(dir, { compactAfterBytes: Infinity });
    const description = 'a customer whose record is long enough to make the snapshot big '.repeat(6);
    for (let round = 0; round < 8; round++) {
      await Promise.all(Array.from({ length: 100 }, (_, i) => api(first.sandbox, 'POST', '/v1/customers', { email: `big${round}-${i}@example.com`, description })));
    }
    const state = first.sandbox.snapshot();
    await first.storage.close();
    // Reopened with compaction due at once: the whole log goes into one snapshot file.
    const second = await open(dir, { compactAfterBytes: 0 });
    await api(second.sandbox, 'POST', '/v1/customers', { email: 'last@example.com' });
    await second.storage.compacted();
    assert.equal(second.storage.stats().failedCompactions, 0);
    assert.ok(size(dir, SNAPSHOT) > 1024 * 1024 + 4096, `the snapshot is ${size(dir, SNAPSHOT)} bytes: more than one slice`);
    const after = second.sandbox.snapshot();
    assert.ok(after.length > state.length);
    await second.storage.close();
    const third = await open(dir, { compactAfterBytes: Infinity });
    assert.deepEqual(third.sandbox.snapshot(), after);
    await third.storage.close();
  });

  test('a compaction reads a snapshot of many pieces (128 KiB each) and checks its checksum before it builds on it', async () => {
    const dir = newDir();
    const description = 'a customer whose record is long enough to make the snapshot big '.repeat(6);
    const customers = async (sandbox, rounds, tag) => {
      for (let round = 0; round < rounds; round++) {
        await Promise.all(Array.from({ length: 100 }, (_, i) => api(sandbox, 'POST', '/v1/customers', { email: `${tag}${round}-${i}@example.com`, description })));
      }
    };
    const first = await open(dir, { compactAfterBytes: Infinity });
    await customers(first.sandbox, 16, 'a');
    await first.storage.close();
    const second = await open(dir, { compactAfterBytes: 0 });
    await api(second.sandbox, 'POST', '/v1/customers', { email: 'first@example.com' });
    await second.storage.compacted();
    const snapshotBytes = size(dir, SNAPSHOT);
    assert.ok(snapshotBytes > 2 * 1024 * 1024, `the snapshot is ${snapshotBytes} bytes: several pieces`);
    // The next compaction is due once the log holds twice the snapshot: it reads that snapshot
    // back, a piece at a time, and adds to it.
    await customers(second.sandbox, 40, 'b');
    assert.ok(size(dir, LOG) > 2 * snapshotBytes);
    await second.storage.compacted();
    const { snapshots, failedCompactions } = second.storage.stats();
    assert.deepEqual({ snapshots, failedCompactions }, { snapshots: 2, failedCompactions: 0 });
    assert.equal(generationOf(join(dir, SNAPSHOT)), 2);
    const state = second.sandbox.snapshot();
    await second.storage.close();
    const third = await open(dir, { compactAfterBytes: 0 });
    assert.deepEqual(third.sandbox.snapshot(), state);

    // Damage in the snapshot after the sandbox loaded it: the compaction that would fold it
    // into the next snapshot fails instead, and leaves both files as they were.
    const snapshot = readFileSync(join(dir, SNAPSHOT));
    snapshot[Math.floor(snapshot.length / 2)] ^= 0x01;
    writeFileSync(join(dir, SNAPSHOT), snapshot);
    await customers(third.sandbox, 120, 'c');
    assert.ok(size(dir, LOG) > 2 * snapshot.length);
    await third.storage.compacted();
    assert.equal(third.storage.stats().failedCompactions, 1);
    assert.deepEqual(readFileSync(join(dir, SNAPSHOT)), snapshot, 'the damaged snapshot is not replaced');
    assert.ok(existsSync(join(dir, OLD_LOG)), 'the log it was to compact is kept');
    await third.storage.close();
    const e = await rejection(sdk.fileStorage(dir).load());
    assert.equal(e.code, 'storage_corrupt');
  });

  test('a compaction reads the old log a frame at a time (frames longer than one 128 KiB read too) and checks each frame before it builds on it', async () => {
    const dir = newDir();
    const description = 'a description long enough that one turn of these requests is a frame of more than a MiB '.repeat(10);
    const first = await open(dir, { compactAfterBytes: Infinity });
    // The requests of one turn are one frame.
    await Promise.all(Array.from({ length: 600 }, (_, i) => api(first.sandbox, 'POST', '/v1/customers', { email: `big${i}@example.com`, description })));
    await someRequests(first.sandbox, 20);
    const state = first.sandbox.snapshot();
    await first.storage.close();
    const { file: log0, frames } = readLog(dir);
    const longest = Math.max(...frames.map((f) => f.end - f.start));
    assert.ok(longest > 1024 * 1024 && frames.length > 20, `frames: ${frames.length}, the longest ${longest} bytes`);

    // That log as the old log of a compaction the process did not get to finish: the load
    // starts it again.
    const compacting = newDir();
    writeFileSync(join(compacting, OLD_LOG), log0);
    const second = await open(compacting, { compactAfterBytes: Infinity });
    await second.storage.compacted();
    assert.deepEqual(second.storage.stats().failedCompactions, 0);
    assert.equal(existsSync(join(compacting, OLD_LOG)), false);
    assert.equal(generationOf(join(compacting, SNAPSHOT)), 1);
    await second.storage.close();
    const third = await open(compacting);
    assert.deepEqual(third.sandbox.snapshot(), state);
    await third.storage.close();

    // Damage in the old log after the load checked it (a changed letter: still a record that
    // the engine would take). The compaction fails before it writes anything, and the next
    // load names the damaged frame.
    const damagedDir = newDir();
    writeFileSync(join(damagedDir, OLD_LOG), log0);
    // A directory in the way of the snapshot's temporary file makes the load's compaction fail.
    mkdirSync(join(damagedDir, `${SNAPSHOT}.tmp`));
    const fourth = await open(damagedDir, { compactAfterBytes: 0 });
    await fourth.storage.compacted();
    assert.equal(fourth.storage.stats().failedCompactions, 1);
    rmdirSync(join(damagedDir, `${SNAPSHOT}.tmp`));
    const damaged = Buffer.from(log0);
    const offset = damaged.lastIndexOf('big599@example.com');
    const frame = frames.find((f) => f.start <= offset && offset < f.end);
    assert.ok(frame !== undefined && frame.end - frame.start > 1024 * 1024, 'the long frame is damaged');
    damaged[offset] ^= 0x01;
    writeFileSync(join(damagedDir, OLD_LOG), damaged);
    await api(fourth.sandbox, 'POST', '/v1/customers', { email: 'after@example.com' });
    await fourth.storage.compacted();
    assert.equal(fourth.storage.stats().failedCompactions, 2);
    assert.equal(existsSync(join(damagedDir, SNAPSHOT)), false, 'no snapshot is built on the damaged log');
    assert.deepEqual(readFileSync(join(damagedDir, OLD_LOG)), damaged, 'the old log is kept as it was');
    await fourth.storage.close();
    const e = await rejection(sdk.fileStorage(damagedDir).load());
    assert.equal(e.code, 'storage_corrupt');
    assert.match(e.message, new RegExp(`byte offset ${frame.start}\\b`), e.message);
  });

  test('a crash at any step of a compaction: every state it can leave loads, with nothing lost and nothing applied twice', async () => {
    // Before: a log (generation 0) and no snapshot.
    const dir = newDir();
    const first = await open(dir, { compactAfterBytes: Infinity });
    await someRequests(first.sandbox);
    const before = first.sandbox.snapshot();
    await first.storage.close();
    const log0 = readFileSync(join(dir, LOG));

    // 1. The rotation stopped between its two renames: the old log, and no log yet.
    const rotating = newDir();
    writeFileSync(join(rotating, OLD_LOG), log0);
    let reopened = await open(rotating);
    assert.deepEqual(reopened.sandbox.snapshot(), before);
    assert.equal(readLog(rotating).generation, 1, 'an empty log following the coming snapshot');
    // The load finishes the compaction, in the background.
    await reopened.storage.compacted();
    assert.equal(existsSync(join(rotating, OLD_LOG)), false);
    assert.equal(generationOf(join(rotating, SNAPSHOT)), 1);
    await reopened.storage.close();
    reopened = await open(rotating);
    assert.deepEqual(reopened.sandbox.snapshot(), before);
    await reopened.storage.close();

    // 2. Rotated, and the compactor failed (or the process died while it ran): the old log, and a
    //    log with the requests after the rotation. Here a directory in the way of the snapshot's
    //    temporary file makes it fail.
    mkdirSync(join(dir, `${SNAPSHOT}.tmp`));
    const failing = await open(dir, { compactAfterBytes: 0 });
    await api(failing.sandbox, 'POST', '/v1/customers', { email: 'after-rotation@example.com' });
    await failing.storage.compacted();
    const stats = failing.storage.stats();
    assert.deepEqual([stats.snapshots, stats.failedCompactions], [0, 1], JSON.stringify(stats));
    assert.equal(existsSync(join(dir, SNAPSHOT)), false);
    const oldLog = readFileSync(join(dir, OLD_LOG));
    assert.deepEqual(oldLog.subarray(0, log0.length), log0, 'the rotated log: the log as it was, then the request that crossed the threshold');
    const rotatedState = failing.sandbox.snapshot();
    await failing.storage.close();
    rmdirSync(join(dir, `${SNAPSHOT}.tmp`));
    const logAfterRotation = readFileSync(join(dir, LOG));
    assert.equal(generationOf(join(dir, LOG)), 1);
    // Loads as old log + log, and finishes the compaction.
    reopened = await open(dir);
    assert.deepEqual(reopened.sandbox.snapshot(), rotatedState);
    await reopened.storage.compacted();
    assert.deepEqual([reopened.storage.stats().snapshots, existsSync(join(dir, OLD_LOG))], [1, false]);
    await reopened.storage.close();

    // 3. The compactor renamed the snapshot in but did not get to delete the old log: the old log
    //    is recognised (generation 0 < the snapshot's 1) and deleted, not replayed again. Whole,
    //    or cut partway (it is removed from its end, a slice at a time, down to its header), with
    //    the replaced snapshot still kept aside to be freed.
    // The file header is 24 bytes.
    for (const cut of [log0.length, Math.floor(log0.length / 2) + 3, 24]) {
      writeFileSync(join(dir, OLD_LOG), log0.subarray(0, cut));
      writeFileSync(join(dir, `${SNAPSHOT}.retired`), 'a replaced snapshot, never read again');
      reopened = await open(dir);
      assert.deepEqual(reopened.sandbox.snapshot(), rotatedState, `old log cut to ${cut} bytes`);
      assert.equal(existsSync(join(dir, OLD_LOG)), false);
      assert.equal(existsSync(join(dir, `${SNAPSHOT}.retired`)), false, 'the file kept aside is deleted');
      await reopened.storage.close();
    }

    // 4. A directory from before compaction ran in a thread: snapshot 1 and a log of generation 0
    //    that it holds (that version renamed the snapshot in, then replaced the log).
    const legacy = newDir();
    writeFileSync(join(legacy, SNAPSHOT), readFileSync(join(dir, SNAPSHOT)));
    writeFileSync(join(legacy, LOG), log0);
    const storage = sdk.fileStorage(legacy);
    const contents = await storage.load();
    assert.deepEqual(contents.batches, [], 'the generation-0 log is not replayed on top of the snapshot');
    assert.deepEqual(readLog(legacy).generation, 1, 'and is replaced by an empty one');
    await storage.close();

    // What a crash cannot leave is an error: a log of a generation the snapshot does not reach.
    writeFileSync(join(legacy, LOG), logAfterRotation);
    unlinkSync(join(legacy, SNAPSHOT));
    const orphan = sdk.fileStorage(legacy);
    const e = await rejection(orphan.load());
    assert.equal(e.code, 'storage_corrupt');
    assert.match(e.message, /follows snapshot generation 1/);
    await orphan.close();
  });

  test('a missing snapshot or log is an error, not an empty sandbox', async () => {
    const dir = newDir();
    const first = await open(dir, { compactAfterBytes: 0 });
    await someRequests(first.sandbox);
    await first.storage.compacted();
    await first.storage.close();

    const snapshotFile = readFileSync(join(dir, SNAPSHOT));
    unlinkSync(join(dir, SNAPSHOT));
    let storage = sdk.fileStorage(dir);
    let e = await rejection(storage.load());
    assert.equal(e.code, 'storage_corrupt');
    assert.match(e.message, /sandbox\.snapshot is missing/);
    await storage.close();

    writeFileSync(join(dir, SNAPSHOT), snapshotFile);
    unlinkSync(join(dir, LOG));
    storage = sdk.fileStorage(dir);
    e = await rejection(storage.load());
    assert.equal(e.code, 'storage_corrupt');
    assert.match(e.message, /sandbox\.log is missing/);
    await storage.close();
  });

  test('a torn tail (a partial frame, garbage, zeros, a last frame failing its checksum) is cut to the last whole frame', async () => {
    const dir = newDir();
    const first = await open(dir);
    await someRequests(first.sandbox);
    const state = first.sandbox.snapshot();
    await first.storage.close();
    const whole = size(dir);
    const { file, frames } = readLog(dir);
    const last = frames[frames.length - 1];

    const tails = {
      'a partial frame': file.subarray(last.start, last.start + 40),
      'a frame header cut short': file.subarray(last.start, last.start + 7),
      garbage: Buffer.from('these bytes are not a frame at all, and no frame follows them'),
      zeros: Buffer.alloc(8192),
    };
    for (const [name, tail] of Object.entries(tails)) {
      appendFileSync(join(dir, LOG), tail);
      const reopened = await open(dir);
      assert.deepEqual(reopened.sandbox.snapshot(), state, `${name}: everything acknowledged is there`);
      assert.equal(reopened.storage.stats().truncatedBytes, tail.length, name);
      assert.equal(size(dir), whole, `${name}: the file is cut back to the last whole frame`);
      await reopened.storage.close();
    }

    // A flipped byte in the last frame: it cannot be told from an unfinished write, so it goes.
    const flipped = Buffer.from(file);
    flipped[last.end - 1] ^= 0x40;
    writeFileSync(join(dir, LOG), flipped);
    const storage = sdk.fileStorage(dir);
    const { batches } = await storage.load();
    assert.equal(batches.length, frames.slice(0, -1).reduce((n, f) => n + f.batches.length, 0));
    assert.equal(size(dir), last.start);
    await storage.close();
  });

  test('damage in the middle stops the start with storage_corrupt naming the file and offset, and cuts nothing', async () => {
    const dir = newDir();
    const first = await open(dir);
    await someRequests(first.sandbox);
    await first.storage.close();
    const { file, frames } = readLog(dir);
    const middle = frames[Math.floor(frames.length / 2)];

    const cases = {
      'a flipped byte in a middle frame': middle.start + FRAME_HEADER + 10,
      // A length that runs past the end would look like a torn tail without the header checksum.
      "a flipped byte in a middle frame's length": middle.start + 3,
    };
    for (const [name, offset] of Object.entries(cases)) {
      const damaged = Buffer.from(file);
      damaged[offset] ^= 0x01;
      writeFileSync(join(dir, LOG), damaged);
      const storage = sdk.fileStorage(dir);
      const e = await rejection(storage.load());
      assert.equal(e.name, 'VinrStorageError', name);
      assert.equal(e.code, 'storage_corrupt', name);
      assert.ok(e.message.includes(join(dir, LOG)), `${name}: names the file: ${e.message}`);
      assert.match(e.message, new RegExp(`byte offset ${middle.start}\\b`), `${name}: names the offset`);
      assert.deepEqual(readFileSync(join(dir, LOG)), damaged, `${name}: the log is left as it was`);
      // Through a sandbox: its `ready` rejects, with the adapter's error as the cause.
      const sandbox = sdk.createSandbox({ storage, clock });
      const failed = await rejection(sandbox.ready);
      assert.equal(failed.name, 'VinrStorageError');
      assert.equal(failed.cause?.code, 'storage_corrupt');
      await storage.close();
    }

    // The snapshot carries a checksum too.
    writeFileSync(join(dir, LOG), file);
    const ok = await open(dir, { compactAfterBytes: 0 });
    await api(ok.sandbox, 'POST', '/v1/customers', {});
    await ok.storage.compacted();
    assert.equal(ok.storage.stats().snapshots, 1);
    await ok.storage.close();
    const snapshot = readFileSync(join(dir, SNAPSHOT));
    snapshot[snapshot.length - 100] ^= 0x10;
    writeFileSync(join(dir, SNAPSHOT), snapshot);
    const storage = sdk.fileStorage(dir);
    const e = await rejection(storage.load());
    assert.equal(e.code, 'storage_corrupt');
    assert.ok(e.message.includes(join(dir, SNAPSHOT)), e.message);
    await storage.close();
  });

  test('a file that is not a sandbox log is refused, and left alone', async () => {
    const dir = newDir();
    writeFileSync(join(dir, LOG), 'my own notes, not a sandbox log\n');
    const storage = sdk.fileStorage(dir);
    const e = await rejection(storage.load());
    assert.equal(e.code, 'storage_unrecognized');
    assert.match(e.message, /is not a vinr sandbox log file/);
    assert.ok(e.message.includes(join(dir, LOG)));
    assert.equal(readFileSync(join(dir, LOG), 'utf8'), 'my own notes, not a sandbox log\n');
    await storage.close();
  });

  test('close() waits for the call in flight; calls after it reject with storage_closed', async () => {
    const dir = newDir();
    const storage = sdk.fileStorage(dir);
    await storage.load();
    const pending = storage.append(bytes('in flight'));
    const closing = storage.close();
    const e = await rejection(storage.append(bytes('too late')));
    assert.equal(e.code, 'storage_closed');
    assert.equal((await rejection(storage.load())).code, 'storage_closed');
    await pending;
    await closing;
    await storage.close(); // again: harmless
    assert.equal(existsSync(join(dir, LOCK)), false);
    const reopened = sdk.fileStorage(dir);
    assert.deepEqual((await reopened.load()).batches, [bytes('in flight')]);
    await reopened.close();
  });

  test('sync: false stores the same log without syncing', async () => {
    const dir = newDir();
    const storage = sdk.fileStorage(dir, { sync: false });
    await storage.load();
    await storage.appendMany([bytes('a'), bytes('b')]);
    assert.equal(storage.stats().syncs, 0);
    assert.equal(storage.stats().writes, 1);
    await storage.close();
    const reopened = sdk.fileStorage(dir);
    assert.equal((await reopened.load()).batches.length, 2);
    await reopened.close();
  });

  describe('one process per directory', () => {
    test('a second fileStorage in this process is refused until the first one is closed', async () => {
      const dir = newDir();
      const storage = sdk.fileStorage(dir);
      assert.match(readFileSync(join(dir, LOCK), 'utf8'), new RegExp(`^${process.pid}\\b`), 'the lock holds the pid');
      const e = thrown(() => sdk.fileStorage(dir));
      assert.equal(e.name, 'VinrStorageError');
      assert.equal(e.code, 'storage_locked');
      assert.ok(e.message.includes(dir), e.message);
      assert.match(e.message, /this process/);
      await storage.close();
      const again = sdk.fileStorage(dir);
      await again.close();
    });

    test("another live process's lock is refused, naming its pid; after it is killed (-9) the lock is taken over", async () => {
      const dir = newDir();
      const holder = startChild(dir, 'hold');
      await holder.until(1);
      const e = thrown(() => sdk.fileStorage(dir));
      assert.equal(e.code, 'storage_locked');
      assert.ok(e.message.includes(dir), e.message);
      assert.match(e.message, new RegExp(`process ${holder.child.pid}\\b`));
      holder.child.kill('SIGKILL');
      await holder.exited;
      assert.ok(existsSync(join(dir, LOCK)), 'a killed process leaves its lock behind');
      const storage = sdk.fileStorage(dir);
      assert.match(readFileSync(join(dir, LOCK), 'utf8'), new RegExp(`^${process.pid}\\b`));
      await storage.close();
    });

    test("a lock naming a process that exited is taken over; one naming nobody is refused", async () => {
      const dir = newDir();
      const gone = spawn(process.execPath, ['-e', '']);
      await new Promise((resolve) => gone.on('exit', resolve));
      writeFileSync(join(dir, LOCK), `${gone.pid}\n`);
      const storage = sdk.fileStorage(dir);
      await storage.load();
      await storage.close();

      writeFileSync(join(dir, LOCK), 'not a pid\n');
      const e = thrown(() => sdk.fileStorage(dir));
      assert.equal(e.code, 'storage_locked');
      assert.match(e.message, /unknown process/);
    });

    test('a process killed (-9) while appending: every acknowledged batch is there after a restart', async () => {
      const dir = newDir();
      const writer = startChild(dir, 'append');
      await writer.until(40);
      writer.child.kill('SIGKILL');
      await writer.exited;
      const acknowledged = writer.lines.length;

      const storage = sdk.fileStorage(dir);
      const { batches } = await storage.load();
      assert.ok(batches.length >= acknowledged, `${batches.length} batches stored, ${acknowledged} acknowledged`);
      for (const [i, b] of batches.entries()) assert.deepEqual(b, batch(i), `batch ${i}`);
      await storage.close();
    });
  });

  test('malformed options are a VinrConfigurationError, before anything is created', async () => {
    const dir = join(newDir(), 'never-created');
    const cases = [
      [[dir, { compactAfterBytes: -1 }], 'option_invalid', 'compactAfterBytes'],
      [[dir, { compactAfterBytes: 1.5 }], 'option_invalid', 'compactAfterBytes'],
      [[dir, { compactAfterBytes: '8MiB' }], 'option_invalid', 'compactAfterBytes'],
      [[dir, { sync: 'no' }], 'option_invalid', 'sync'],
      [[dir, { fsync: false }], 'option_unknown', 'fsync'],
      [[dir, 'compact'], 'option_invalid', undefined],
      [[''], 'option_invalid', 'dir'],
      [[42], 'option_invalid', 'dir'],
    ];
    for (const [args, code, param] of cases) {
      const e = thrown(() => sdk.fileStorage(...args));
      assert.ok(e instanceof sdk.VinrConfigurationError, `${JSON.stringify(args)}: ${e}`);
      assert.deepEqual({ code: e.code, param: e.param }, { code, param }, JSON.stringify(args));
    }
    assert.equal(existsSync(dir), false);
    // The valid extremes.
    for (const options of [{ compactAfterBytes: 0 }, { compactAfterBytes: Infinity, sync: true }, {}]) {
      await sdk.fileStorage(dir, options).close();
    }
  });
});
