/**
 * Home (a): the page `vinr sandbox` serves at `/`. It asks the server for the Owner keys of both
 * modes (`/dashboard/config`, answered only to this page: see server/dashboard-assets.ts) and
 * talks to the same server's API over HTTP.
 */
import { Vinr } from '@vinr/sdk';
import type { DashboardConnection, DashboardKeyPair } from './connection.js';
import { mountDashboard } from './mount.js';

interface ServerConfig {
  readonly keys: { readonly test: DashboardKeyPair; readonly live: DashboardKeyPair };
}

async function start(root: HTMLElement): Promise<void> {
  // The custom header makes any cross-origin attempt a CORS preflight, which the server never
  // approves; the server checks it too.
  const response = await fetch('/dashboard/config', { headers: { 'x-vinr-dashboard': '1' }, cache: 'no-store' });
  if (!response.ok) throw new Error(`the server refused the dashboard's configuration (${response.status})`);
  const config = (await response.json()) as ServerConfig;
  const connection: DashboardConnection = {
    home: 'server',
    keys: config.keys,
    // No retries: a dashboard action that failed is shown as failed, not repeated behind the user's back.
    client: (secretKey) => new Vinr({ secretKey, apiBase: location.origin, maxNetworkRetries: 0 }),
  };
  mountDashboard(root, connection);
}

const root = document.getElementById('app');
if (root !== null) {
  start(root).catch((error: unknown) => {
    root.textContent = `The dashboard could not start: ${error instanceof Error ? error.message : String(error)}`;
  });
}
