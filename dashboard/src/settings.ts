/** Settings, grouped as the dashboard guide has them: Team, API keys, Webhooks, Payouts, Account. */
import type { VNode } from 'preact';
import { html } from './html.js';
import { allows, type Permission } from './roles.js';
import { useSession } from './session.js';
import { AccountSettings, PayoutSettings } from './settings-account.js';
import { ApiKeysSettings } from './settings-keys.js';
import { TeamSettings } from './settings-team.js';
import { WebhookDetail, WebhooksSettings } from './settings-webhooks.js';

const SECTIONS: readonly (readonly [string, string, Permission])[] = [
  ['team', 'Team', 'readTeam'],
  ['keys', 'API keys', 'readApiKeys'],
  ['webhooks', 'Webhooks', 'manageWebhooks'],
  ['payouts', 'Payouts', 'readFinance'],
  ['account', 'Account', 'readFinance'],
];

export function SettingsScreen({ section, id }: { section: string; id: string | undefined }): VNode {
  const session = useSession();
  const visible = SECTIONS.filter(([, , p]) => allows(session.role, p) || session.showForbidden);
  // A role without the default section starts on the first it has.
  const current = visible.some(([s]) => s === section) ? section : (visible[0]?.[0] ?? section);
  return html`<div class="screen">
    <h1>Settings</h1>
    <nav class="tabs" aria-label="Settings sections">
      ${visible.map(([s, label]) => html`<a href=${`#/settings/${s}`} aria-current=${s === current ? 'page' : undefined}>${label}</a>`)}
    </nav>
    ${visible.length === 0 ? html`<p class="empty">The ${session.role} role has no access to settings.</p>` : null}
    ${current === 'team' ? html`<${TeamSettings} />` : null}
    ${current === 'keys' ? html`<${ApiKeysSettings} />` : null}
    ${current === 'webhooks' ? (id === undefined ? html`<${WebhooksSettings} />` : html`<${WebhookDetail} key=${id} id=${id} />`) : null}
    ${current === 'payouts' ? html`<${PayoutSettings} />` : null}
    ${current === 'account' ? html`<${AccountSettings} />` : null}
  </div>` as VNode;
}
