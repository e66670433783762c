/**
 * What the dashboard is given by the page that hosts it. The UI is one bundle with two homes:
 * (a) served by `vinr sandbox`, talking to the local server over HTTP, and (b) a static page
 * that runs the whole sandbox in the browser (`createSandbox({ storage: indexedDb(…) })`).
 * Each home builds a `DashboardConnection` and calls `mountDashboard(root, connection)`; the
 * UI decides nothing about where the API runs.
 */
import type { Vinr } from '@vinr/sdk';

/** One mode's Owner keys. */
export interface DashboardKeyPair {
  readonly secretKey: string;
  readonly publishableKey: string;
}

export interface DashboardConnection {
  /** Which home this is: shown in the header, and it decides whether "reset sandbox" exists. */
  readonly home: 'server' | 'browser';
  /** The account Owner's keys of both modes; the dashboard makes role keys with them. */
  readonly keys: { readonly test: DashboardKeyPair; readonly live: DashboardKeyPair };
  /** A client that calls the API with `secretKey` (over HTTP, or in the page's sandbox). */
  client(secretKey: string): Vinr;
  /**
   * Home (b) only: deletes the stored sandbox (after the UI has asked for confirmation) and
   * reloads the page into a new one.
   */
  readonly reset?: (() => Promise<void>) | undefined;
  /**
   * Home (b) only: fetches a link the API gave (a signed statement URL) in the page's sandbox.
   * No server answers at the link's origin, so the browser cannot follow it by itself.
   */
  readonly fetchLink?: ((url: string) => Promise<Response>) | undefined;
}
