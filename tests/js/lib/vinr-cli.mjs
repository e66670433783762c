// The `vinr` command as a user runs it: the bin of the package installed into a test project
// (node_modules/.bin/vinr), as child processes. Used by the server suites.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** The installed bin of a consumer project. */
export const vinrBin = (project) => join(project, 'node_modules/.bin/vinr');

/**
 * Runs `vinr args…` to completion. Resolves `{ code, stdout, stderr }` whatever the exit code;
 * rejects if it runs longer than `timeoutMs`.
 */
export function runVinr(project, args, { env = {}, timeoutMs = 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(vinrBin(project), args, { cwd: project, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`vinr ${args.join(' ')} ran over ${timeoutMs} ms\n${stderr}\n${stdout}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Starts `vinr sandbox --port 0 …args` and waits until it prints its URL and keys. Resolves
 * `{ url, apiBase, key, liveKey, env, output(), printed(pattern), stop(signal), exited }`;
 * `printed` resolves once its stdout matches `pattern`; `stop` sends the signal (default
 * SIGTERM) and resolves with the exit code (or the signal's name).
 */
export function startVinrSandbox(project, args = [], { timeoutMs = 30_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(vinrBin(project), ['sandbox', '--port', '0', ...args], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    /** `printed` calls still waiting: each resolves at the first stdout that matches its pattern. */
    let awaited = [];
    const exited = new Promise((done) => child.on('exit', (code, signal) => done(code ?? signal)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`vinr sandbox did not start within ${timeoutMs} ms\n${stderr}\n${stdout}`));
    }, timeoutMs);
    const early = (code) => {
      clearTimeout(timer);
      reject(new Error(`vinr sandbox exited ${code} before listening\n${stderr}\n${stdout}`));
    };
    child.on('exit', early);
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => {
      stdout += d;
      awaited = awaited.filter(({ pattern, resolve }) => {
        if (!pattern.test(stdout)) return true;
        resolve();
        return false;
      });
      const match = /export VINR_API_BASE=(\S+) VINR_SECRET_KEY=(\S+)/.exec(stdout);
      if (!match) return;
      clearTimeout(timer);
      child.off('exit', early);
      const [, apiBase, key] = match;
      resolve({
        url: apiBase.replace(/\/v1$/, ''),
        apiBase,
        key,
        liveKey: /live secret key\s+(\S+)/.exec(stdout)[1],
        env: { VINR_API_BASE: apiBase, VINR_SECRET_KEY: key },
        pid: child.pid,
        output: () => ({ stdout, stderr }),
        printed: (pattern) => (pattern.test(stdout) ? Promise.resolve() : new Promise((resolve) => awaited.push({ pattern, resolve }))),
        exited,
        stop(signal = 'SIGTERM') {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
      });
    });
  });
}
