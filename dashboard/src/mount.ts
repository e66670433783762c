/** The dashboard's one entry for a home: render into `root`, talking to the API `connection` gives. */
import { render } from 'preact';
import type { DashboardConnection } from './connection.js';
import { html } from './html.js';
import { Shell } from './shell.js';

export type { DashboardConnection } from './connection.js';

export function mountDashboard(root: HTMLElement, connection: DashboardConnection): void {
  // The home's placeholder ("Loading…") goes: Preact renders beside what it did not make.
  root.replaceChildren();
  render(html`<${Shell} connection=${connection} />`, root);
}
