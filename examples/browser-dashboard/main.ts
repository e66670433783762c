/**
 * Home (b) of the sandbox dashboard (issue 11): the whole sandbox runs in this page, on the
 * engine's Wasm, with its state in IndexedDB (`vinr-dashboard`), so it survives a reload and a
 * closed tab; no server at all. `build.mjs` bundles this file with the dashboard's UI into a
 * static folder.
 */
import { Vinr } from '@vinr/sdk';
import { createSandbox, indexedDb, type Sandbox } from '@vinr/sdk/sandbox';
import type { DashboardConnection } from '../../dashboard/src/connection.js';
import { mountDashboard } from '../../dashboard/src/mount.js';

async function start(root: HTMLElement): Promise<void> {
  const storage = indexedDb('vinr-dashboard');
  const sandbox = createSandbox({ storage });
  // Rejects when the stored state cannot be opened, most often because another tab has it
  // (`storage_locked`: one tab at a time may write the log, or two would fork it).
  await sandbox.ready;
  // No retries, as in the server home: a failed action is shown as failed, never repeated.
  const client = (secretKey: string): Vinr => new Vinr({ secretKey, sandbox, maxNetworkRetries: 0 });
  const connection: DashboardConnection = {
    home: 'browser',
    keys: sandbox.keys,
    client,
    fetchLink: (url) => sandbox.fetch(url),
    // The UI has asked for confirmation already. `clear()` deletes the database; the reload
    // then starts a new account in it.
    reset: async () => {
      await storage.clear();
      location.reload();
    },
  };
  mountDashboard(root, connection);
  // What the dashboard does can be done in code, here too: the browser's console gets the
  // page's sandbox and an Owner client of each mode (the in-browser tests seed through them).
  const inConsole: PageConsole = { sandbox, test: client(sandbox.keys.test.secretKey), live: client(sandbox.keys.live.secretKey) };
  Object.assign(globalThis, { vinr: inConsole });
  console.info('VINR sandbox: try `await vinr.test.payments.list()` in this console (vinr.test, vinr.live, vinr.sandbox).');
}

/** `globalThis.vinr` in the page. */
interface PageConsole {
  readonly sandbox: Sandbox;
  readonly test: Vinr;
  readonly live: Vinr;
}

/** What to tell the user when the sandbox cannot start. */
function explain(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  if (cause?.code === 'storage_locked') {
    return 'The sandbox is open in another tab of this browser. Close that tab (or use it), then reload this one.';
  }
  return `The dashboard could not start: ${error instanceof Error ? error.message : String(error)}`;
}

const root = document.getElementById('app');
if (root !== null) {
  start(root).catch((error: unknown) => {
    root.textContent = explain(error);
  });
}
