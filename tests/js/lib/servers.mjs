// Servers under test: a runtime started as a child process that reports the port it bound on
// 127.0.0.1:0, and workerd with --control-fd.
import { spawn } from 'node:child_process';
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
