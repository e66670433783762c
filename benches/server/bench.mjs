// The local server's benchmark: `vinr sandbox` over HTTP against its peer, localstripe. One load
// generator of its own (load.mjs: 50 virtual users by default, each on a keep-alive HTTP/1.1
// connection of its own, a small client on node:net that is cheap next to the server it loads,
// every answer checked) runs the flow create customer → create payment (authorize
// only) → capture → partial refund → retrieve → list, in a loop for a fixed time after a
// warm-up, against (a) `vinr sandbox --data DIR`, durable storage that fsyncs every request
// (in group commits) before answering it, in a fresh directory; (b) `vinr sandbox --memory`; and (c) localstripe
// (PyPI, pinned in benches/sandbox/requirements.txt), the same flow in Stripe's API. Each
// server is a child process of its own on 127.0.0.1, started fresh for its run and stopped
// after it, so that only one is ever busy. It prints requests per second, p50, p99 and max
// latency per target and per step, the servers' and the client's CPU use, and the ratios to
// localstripe against the goals: at least 10× localstripe's throughput with durable storage,
// and p99 under 10 ms at 50 connections.
//
//   bash scripts/bench-server.sh   (builds pkg/ if stale, installs localstripe, runs this)
//   BENCH_SECONDS=10 BENCH_WARMUP=2 BENCH_CONNECTIONS=50 BENCH_TARGETS=durable,memory,localstripe \
//     node benches/server/bench.mjs
//   BENCH_NODE_FLAGS='--cpu-prof --cpu-prof-dir=/tmp/prof' BENCH_TARGETS=memory node benches/server/bench.mjs
// BENCH_NODE_FLAGS go to the vinr servers' node only (Node refuses --cpu-prof in NODE_OPTIONS);
// LOCALSTRIPE names another localstripe executable than benches/sandbox/.venv's.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { STEPS, stripeFlow, vinrFlow } from './flows.mjs';
import { drive, summarize } from './load.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const cli = join(root, 'pkg/dist/cli.mjs');
const localstripeBin = process.env.LOCALSTRIPE ?? join(root, 'benches/sandbox/.venv/bin/localstripe');
const localstripeVersion = /^localstripe==(\S+)/m.exec(readFileSync(join(root, 'benches/sandbox/requirements.txt'), 'utf8'))?.[1] ?? '?';

const positive = (name, fallback) => {
  const value = Number(process.env[name] ?? fallback);
  if (!(value > 0)) throw new Error(`${name} must be a positive number, not ${process.env[name]}`);
  return value;
};
const SECONDS = positive('BENCH_SECONDS', 10);
const WARMUP = positive('BENCH_WARMUP', 2);
const CONNECTIONS = Math.round(positive('BENCH_CONNECTIONS', 50));
const NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
const TARGETS = (process.env.BENCH_TARGETS ?? 'durable,memory,localstripe').split(',').map((t) => t.trim());
const GOAL_RATIO = 10;
const GOAL_P99_MS = 10;
const GOAL_CONNECTIONS = 50;

const TARGET_SPECS = {
  durable: { label: '(a) vinr sandbox --data (durable)', start: () => startVinr('durable') },
  memory: { label: '(b) vinr sandbox --memory', start: () => startVinr('memory') },
  localstripe: { label: `(c) localstripe ${localstripeVersion}`, start: startLocalstripe },
};
for (const t of TARGETS) if (!(t in TARGET_SPECS)) throw new Error(`BENCH_TARGETS: unknown target '${t}' (durable, memory, localstripe)`);

// The servers and data directories of this run, gone with it however it ends.
const children = new Set();
const tempDirs = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(1));

const fmt = (n, d = 0) => (Number.isNaN(n) ? '-' : n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
const progress = (line) => process.stderr.write(`[bench] ${line}\n`);

/** `vinr sandbox` from pkg/, on a port it picks; its keys are read from what it prints. */
async function startVinr(kind) {
  let tempDir;
  const args = [cli, 'sandbox', '--port', '0', '--quiet'];
  if (kind === 'memory') {
    args.push('--memory');
  } else {
    // On the project's disk, not in os.tmpdir(): /tmp is a tmpfs on many machines, where an
    // fsync costs nothing and the durable figures would be the memory ones. The data directory
    // itself does not exist yet, as ./.vinr-sandbox on a first start.
    mkdirSync(join(root, 'target/bench'), { recursive: true });
    tempDir = mkdtempSync(join(root, 'target/bench/server-'));
    tempDirs.add(tempDir);
    args.push('--data', join(tempDir, 'data'));
  }
  const child = spawn(process.execPath, [...NODE_FLAGS, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const stderr = tail(child.stderr);
  let stdout = '';
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no address printed in 30 s')), 30_000);
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (text) => {
        stdout += text;
        if (/^\s*export VINR_API_BASE=/m.test(stdout)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`exited (${signal ?? code}) before it listened`));
      });
    });
  } catch (error) {
    child.kill('SIGKILL');
    if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true });
    throw new Error(`vinr ${args.slice(1).join(' ')}: ${error.message}\n${stdout}${stderr()}`);
  }
  const base = /export VINR_API_BASE=(\S+)\/v1/.exec(stdout)[1];
  const secretKey = /VINR_SECRET_KEY=(sk_test_\w+)/.exec(stdout)[1];
  const publishableKey = /test publishable key\s+(pk_test_\w+)/.exec(stdout)[1];
  return {
    base,
    pid: child.pid,
    flow: vinrFlow({ secretKey, publishableKey }),
    stderr,
    async stop() {
      try {
        const { code, signal } = await stopChild(child);
        // A durable server that cannot close its storage cleanly failed the run, however fast.
        if (code !== 0) throw new Error(`vinr sandbox exited with ${signal ?? code} on SIGTERM\n${stderr()}`);
      } finally {
        if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true });
      }
    },
  };
}

/** localstripe as scripts/bench-sandbox.sh starts it: from scratch, on a free port. */
async function startLocalstripe() {
  if (!existsSync(localstripeBin)) {
    throw new Error(`${localstripeBin} is missing: scripts/bench-server.sh installs it (or leave localstripe out of BENCH_TARGETS)`);
  }
  const port = await freePort();
  // Its access log is not read: a pipe nobody drains would block it.
  const child = spawn(localstripeBin, ['--from-scratch', '--port', String(port)], { stdio: 'ignore' });
  children.add(child);
  const base = `http://127.0.0.1:${port}`;
  const until = performance.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`localstripe exited (${child.exitCode}) before it listened`);
    const ready = await fetch(`${base}/v1/customers?limit=1`, { headers: { authorization: 'Bearer sk_test_bench' } }).then(
      (res) => res.arrayBuffer().then(() => res.status === 200),
      () => false,
    );
    if (ready) break;
    if (performance.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`localstripe did not answer on ${base} in 30 s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base, pid: child.pid, flow: stripeFlow(), stderr: () => '', stop: () => stopChild(child) };
}

function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, signal });
    });
    child.kill('SIGTERM');
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The last 4 KiB a stream wrote, for error messages. */
function tail(stream) {
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => (text = (text + chunk).slice(-4096)));
  return () => text;
}

// What a process ran and waited for, from Linux's /proc (elsewhere the columns show "-"): CPU
// seconds of all its threads, and the seconds its main thread (Node's event loop, Python's
// interpreter) was ready to run but waited for a core, which tells a slow server from one that
// shared the machine's cores with other work.
const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
  } catch {
    return 100;
  }
})();
function cpuSecondsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command name, which may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return NaN;
  }
}
function waitSecondsOf(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e9;
  } catch {
    return NaN;
  }
}
const ownCpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};
const sample = (pid) => ({ cpu: cpuSecondsOf(pid), wait: waitSecondsOf(pid), clientCpu: ownCpuSeconds(), clientWait: waitSecondsOf(process.pid) });

async function measure(name) {
  const spec = TARGET_SPECS[name];
  progress(`${spec.label}: starting`);
  const target = await spec.start();
  progress(`${spec.label}: ${WARMUP} s warm-up, ${SECONDS} s timed, ${CONNECTIONS} connections`);
  // CPU and waits are read from when the timed part begins: the warm-up's are not the measurement's.
  let atStart;
  const timer = setTimeout(() => (atStart = sample(target.pid)), WARMUP * 1000);
  let result;
  try {
    result = await drive(target.base, target.flow, { connections: CONNECTIONS, seconds: SECONDS, warmupSeconds: WARMUP });
  } catch (error) {
    clearTimeout(timer);
    // The run's failure is the news, not how the server then stopped.
    await target.stop().catch(() => {});
    throw new Error(`${spec.label}: ${error.message}${target.stderr() ? `\nthe server's stderr:\n${target.stderr()}` : ''}`, { cause: error });
  }
  const summary = summarize(result, STEPS);
  const atEnd = sample(target.pid);
  summary.share = Object.fromEntries(Object.keys(atEnd).map((k) => [k, (atEnd[k] - atStart[k]) / result.seconds]));
  await target.stop();
  return summary;
}

const cpuModel = cpus()[0]?.model.trim() ?? 'unknown CPU';
// The load average before the run tells whether other work shared the cores with it.
console.log(
  `\nbenches/server: ${STEPS.join(' → ')}; ${CONNECTIONS} connections (keep-alive), ${SECONDS} s timed after ${WARMUP} s of warm-up\n` +
    `Node ${process.version} (client and vinr servers), ${process.platform} ${process.arch}, ${cpus().length} CPUs (${cpuModel}), ` +
    `load average ${loadavg()[0].toFixed(2)} at the start; client and servers on this one machine`,
);

const results = {};
for (const name of TARGETS) {
  results[name] = await measure(name);
  progress(`${TARGET_SPECS[name].label}: ${fmt(results[name].rps)} req/s`);
}

const pct = (x) => (Number.isNaN(x) ? '-' : `${fmt(100 * x)}%`);
const col = (text, width) => String(text).padStart(width);
console.log(`\n${'target'.padEnd(36)}${col('req/s', 9)}${col('p50 ms', 9)}${col('p99 ms', 9)}${col('max ms', 9)}${col('requests', 10)}${col('1st s → last s', 17)}`);
for (const name of TARGETS) {
  const r = results[name];
  console.log(
    `${TARGET_SPECS[name].label.padEnd(36)}${col(fmt(r.rps), 9)}${col(fmt(r.p50, 2), 9)}${col(fmt(r.p99, 2), 9)}${col(fmt(r.max, 1), 9)}` +
      `${col(fmt(r.count), 10)}${col(`${fmt(r.firstSecond)} → ${fmt(r.lastSecond)}`, 17)}`,
  );
}
console.log(
  '(1st s → last s: the answers in the first and in the last second of the timed part. localstripe rewrites its whole\n' +
    ' store to /tmp/localstripe.pickle after every change, so its rate falls as the run goes on.)',
);

console.log(`\nshare of one core over the timed part: CPU used (all threads), and time the main thread waited for a core`);
console.log(`${''.padEnd(36)}${col('server CPU', 12)}${col('waited', 9)}${col('client CPU', 12)}${col('waited', 9)}`);
for (const name of TARGETS) {
  const { share } = results[name];
  console.log(`${TARGET_SPECS[name].label.padEnd(36)}${col(pct(share.cpu), 12)}${col(pct(share.wait), 9)}${col(pct(share.clientCpu), 12)}${col(pct(share.clientWait), 9)}`);
}
const starved = TARGETS.filter((name) => results[name].share.wait > 0.1);
if (starved.length > 0) {
  console.log(`(${starved.join(', ')}: the server waited for a core over 10% of the time, so other work shared the cores: its figures understate it)`);
}

console.log(`\nper step, p50 / p99 ms`);
console.log(`${''.padEnd(36)}${STEPS.map((s) => col(s, 20)).join('')}`);
for (const name of TARGETS) {
  const cells = results[name].perStep.map((s) => col(`${fmt(s.p50, 1)} / ${fmt(s.p99, 1)}`, 20));
  console.log(`${TARGET_SPECS[name].label.padEnd(36)}${cells.join('')}`);
}

console.log('');
const peer = results.localstripe;
for (const name of ['durable', 'memory']) {
  const r = results[name];
  if (r === undefined || peer === undefined) {
    console.log(`${name} / localstripe: not measured (BENCH_TARGETS=${TARGETS.join(',')})`);
    continue;
  }
  const ratio = r.rps / peer.rps;
  const goal = name === 'durable' ? ` (goal ≥ ${GOAL_RATIO}×: ${ratio >= GOAL_RATIO ? 'met' : 'NOT met'})` : '';
  console.log(`${name} / localstripe: ${fmt(ratio, 1)}× the requests/s${goal}; p99 ${fmt(r.p99, 2)} ms vs ${fmt(peer.p99, 2)} ms`);
}
for (const name of ['durable', 'memory']) {
  const r = results[name];
  if (r === undefined) continue;
  const verdict =
    CONNECTIONS === GOAL_CONNECTIONS
      ? r.p99 < GOAL_P99_MS
        ? 'met'
        : 'NOT met'
      : `not judged: the goal is at ${GOAL_CONNECTIONS} connections (BENCH_CONNECTIONS=${CONNECTIONS})`;
  console.log(`${name}: p99 ${fmt(r.p99, 2)} ms at ${CONNECTIONS} connections (goal < ${GOAL_P99_MS} ms: ${verdict})`);
}
