// Servers under test: a runtime started as a child process that reports the port it bound on
// 127.0.0.1:0, and workerd with --control-fd.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bin } from './project.mjs';

/**
 * Starts `command args` and waits for a stdout line `{"port": n}`. Resolves
 * `{ port, stop() }`; rejects with the child's stderr if it exits first.
 */
export function startPortServer(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`${command} exited ${code} before listening:\n${stderr}\n${stdout}`)));
    child.stdout.on('data', (d) => {
      stdout += d;
      const match = /\{"port":(\d+)\}/.exec(stdout);
      if (match) resolve({ port: Number(match[1]), stop: () => stopChild(child) });
    });
  });
}

/** `workerd serve` with `--control-fd`, which reports the port it bound for `127.0.0.1:0`. */
export function startWorkerd(config, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin('workerd'), ['serve', config, '--control-fd=3'], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    let control = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => reject(new Error(`workerd exited ${code} before listening:\n${stderr}`)));
    child.stdio[3].on('data', (d) => {
      control += d;
      for (const line of control.split('\n')) {
        if (!line.trim().startsWith('{')) continue;
        const event = JSON.parse(line);
        if (event.event === 'listen' && event.socket === 'http') {
          resolve({ port: event.port, stop: () => stopChild(child) });
        }
      }
    });
  });
}

function stopChild(child) {
  return new Promise((done) => {
    child.removeAllListeners('exit');
    if (child.exitCode !== null) return done();
    child.on('exit', () => done());
    child.kill('SIGTERM');
  });
}

/**
 * Prepares a worker as wrangler would: bundles `entry` (in `dir`) with the worker export
 * conditions, keeps its `.wasm` imports for the runtime, copies those Wasm files from the
 * installed package, and writes a workerd config that declares them as compiled Wasm modules.
 * Returns the config's path, for `startWorkerd`.
 */
export async function prepareWorker(dir, entry, wasmFiles) {
  const esbuild = await import('esbuild');
  const out = join(dir, 'worker-out');
  mkdirSync(out, { recursive: true });
  await esbuild.build({
    entryPoints: [join(dir, entry)],
    bundle: true,
    format: 'esm',
    outfile: join(out, 'worker.mjs'),
    conditions: ['workerd', 'worker', 'browser'],
    external: ['*.wasm'],
    logLevel: 'error',
  });
  for (const wasm of wasmFiles) copyFileSync(join(dir, 'node_modules/@vinr/sdk/dist', wasm), join(out, wasm));
  const modules = [
    `    (name = "worker.mjs", esModule = embed "worker-out/worker.mjs"),`,
    ...wasmFiles.map((wasm) => `    (name = "${wasm}", wasm = embed "worker-out/${wasm}"),`),
  ];
  const config = join(dir, 'worker.capnp');
  writeFileSync(
    config,
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [
${modules.join('\n')}
  ],
  compatibilityDate = "2026-11-01",
);
`,
  );
  return config;
}
