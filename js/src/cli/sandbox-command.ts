/**
 * `vinr sandbox`: the local sandbox server. It serves `sandbox.fetch` over HTTP (see
 * server/http-server.ts) with state in a data directory (server/file-storage.ts), or in memory.
 */
import { resolve } from 'node:path';
import { createSandbox, fileStorage, startServer, type FileStorage } from '@vinr/sdk/server';
import { integerFlag, stringFlag, UsageError, type CommandSpec, type ParsedArgs } from './args.js';
import { DEFAULT_PORT } from './connect.js';
import type { Output } from './output.js';

export const DEFAULT_DATA_DIR = '.vinr-sandbox';

export const sandboxCommand: CommandSpec = {
  name: 'sandbox',
  summary: 'Serves the VINR API, simulated, on this machine: any language or tool can use it over HTTP.',
  positional: [],
  flags: [
    { name: 'port', value: 'PORT', help: `port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)` },
    { name: 'host', value: 'HOST', help: 'address to listen on (default 127.0.0.1)' },
    { name: 'data', value: 'DIR', help: `where the state is kept (default ./${DEFAULT_DATA_DIR})` },
    { name: 'memory', help: 'keep no state: it ends with the process' },
    { name: 'reset', help: 'start from an empty sandbox (deletes the state in the data directory)' },
    { name: 'quiet', help: 'no access log' },
    { name: 'headers-timeout', value: 'MS', help: 'how long a client may take to send its request headers (default 10000)' },
  ],
  details: `
On start it prints the URL, the account's keys and the two lines to paste so that an app
using @vinr/sdk talks to this server unchanged:
  export VINR_API_BASE=http://127.0.0.1:${DEFAULT_PORT}/v1 VINR_SECRET_KEY=sk_test_…
Every request is stored (and fsynced) before its response is sent. One server per data
directory. Ctrl-C or SIGTERM stops it gracefully: requests in flight finish first.`,
};

export async function runSandbox(args: ParsedArgs, out: Output, stop: Promise<void>): Promise<void> {
  const port = integerFlag(args, 'port', 0, 65535) ?? DEFAULT_PORT;
  const headersTimeoutMs = integerFlag(args, 'headers-timeout', 1, 600_000);
  const host = stringFlag(args, 'host') ?? '127.0.0.1';
  const memory = args.flags.has('memory');
  const dataFlag = stringFlag(args, 'data');
  if (memory && dataFlag !== undefined) throw new UsageError('--memory and --data exclude each other: in memory there is no data directory');
  if (memory && args.flags.has('reset')) throw new UsageError('--reset has nothing to reset with --memory: a memory sandbox always starts empty');
  const dir = resolve(dataFlag ?? DEFAULT_DATA_DIR);

  let storage: FileStorage | undefined;
  if (!memory) storage = fileStorage(dir, { reset: args.flags.has('reset') });
  try {
    const sandbox = createSandbox(storage === undefined ? {} : { storage });
    await sandbox.ready;
    const log = args.flags.has('quiet') ? undefined : (line: string) => out.line(line);
    const server = await startServer({ sandbox, port, host, log, headersTimeoutMs });
    const { test, live } = sandbox.keys;
    out.line(`VINR sandbox listening on ${server.url}  (${storage === undefined ? 'in memory: state ends with the process' : `data: ${dir}`})`);
    out.line(`  API                   ${server.url}/v1`);
    out.line(`  dashboard             ${server.url}/`);
    out.line(`  test secret key       ${test.secretKey}`);
    out.line(`  test publishable key  ${test.publishableKey}`);
    out.line(`  live secret key       ${live.secretKey}   (simulated: no money moves)`);
    out.line(`  live publishable key  ${live.publishableKey}`);
    out.line('');
    out.line(`  export VINR_API_BASE=${server.url}/v1 VINR_SECRET_KEY=${test.secretKey}`);
    out.line('');
    out.line('Ctrl-C to stop.');
    await stop;
    out.line('stopping: finishing requests in flight…');
    await server.close();
    // Deliveries in flight record their outcome if they end soon; one cut short stays pending
    // in storage and goes out again after the next start.
    await Promise.race([sandbox.settled(), new Promise((r) => setTimeout(r, 2_000).unref())]);
  } finally {
    await storage?.close();
  }
  out.line('stopped.');
}
