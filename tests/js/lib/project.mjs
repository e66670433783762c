// Consumer projects for the packaging tests: `npm pack` the built pkg/ once, then install the
// tarball into fresh temporary projects, as a user would.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../..');
export const bin = (name) => join(repoRoot, 'node_modules/.bin', name);
const tmpRoot = join(repoRoot, 'tests/js/.tmp');
const fixtures = join(repoRoot, 'tests/js/fixtures');

let tarball;
/** The `npm pack` of pkg/, made once per test process. */
export function packedTarball() {
  if (tarball) return tarball;
  mkdirSync(tmpRoot, { recursive: true });
  const packDir = mkdtempSync(join(tmpRoot, 'pack-'));
  execFileSync('npm', ['pack', join(repoRoot, 'pkg'), '--pack-destination', packDir, '--silent'], { stdio: 'pipe' });
  const [file] = readdirSync(packDir).filter((f) => f.endsWith('.tgz'));
  if (!file) throw new Error('npm pack produced no tarball');
  tarball = join(packDir, file);
  return tarball;
}

/**
 * A fresh project with `@vinr/sdk` installed from the tarball and the named fixtures copied in.
 * `files` adds more files (name → text).
 */
export function consumerProject(name, { type = 'module', fixtures: names = [], files = {} } = {}) {
  mkdirSync(tmpRoot, { recursive: true });
  const dir = mkdtempSync(join(tmpRoot, `${name}-`));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${name}`, private: true, type }, null, 2));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', packedTarball()], {
    cwd: dir,
    stdio: 'pipe',
  });
  for (const f of names) copyFileSync(join(fixtures, f), join(dir, f));
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
  return dir;
}

/** Removes the test projects; output folders a suite leaves for people to look at stay. */
export function removeProjects() {
  let names;
  try {
    names = readdirSync(tmpRoot);
  } catch {
    return;
  }
  for (const name of names) if (!KEPT_OUTPUTS.has(name)) rmSync(join(tmpRoot, name), { recursive: true, force: true });
}

/** The dashboard suite's screenshots (tests/js/dashboard.test.mjs). */
const KEPT_OUTPUTS = new Set(['dashboard-shots']);

/** Runs a command to completion; resolves with stdout, rejects with stderr on failure. */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}\n${stderr}\n${stdout}`));
    });
  });
}

/** The last line of a program's output, parsed as JSON (the probes print one JSON line). */
export function lastJsonLine(stdout) {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}
