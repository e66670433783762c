/**
 * The frame around every screen: the mode switch (top-left, as the dashboard guide puts it),
 * the "view as role" switch, the sandbox clock, the navigation, and the screen of the route.
 */
import type { Mode, Role, Vinr } from '@vinr/sdk';
import type { VNode } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ClockControl } from './clock.js';
import type { DashboardConnection } from './connection.js';
import { CustomersScreen } from './customers.js';
import { EventsScreen } from './events.js';
import { errorInfo, type ErrorInfo } from './format.js';
import { HomeScreen } from './home.js';
import { html } from './html.js';
import { PaymentDetail } from './payment-detail.js';
import { PaymentsScreen } from './payments.js';
import { allows, ROLE_LABELS, ROLES, type Permission } from './roles.js';
import { navigate, useRoute, type Route } from './router.js';
import { SessionContext, type Session } from './session.js';
import { SettingsScreen } from './settings.js';
import { SettlementsScreen } from './settlements.js';
import { ConfirmDialog, ErrorBox, Loading } from './ui.js';

interface NavItem {
  readonly screen: string;
  readonly label: string;
  readonly permission: Permission;
}

const NAV: readonly NavItem[] = [
  { screen: 'home', label: 'Home', permission: 'readFinance' },
  { screen: 'payments', label: 'Payments', permission: 'readData' },
  { screen: 'events', label: 'Events', permission: 'readEvents' },
  { screen: 'customers', label: 'Customers', permission: 'readData' },
  { screen: 'settlements', label: 'Settlements & payouts', permission: 'readFinance' },
  { screen: 'settings', label: 'Settings', permission: 'readData' },
];

const STORE = 'vinr-dashboard';

/** sessionStorage, which a locked-down browser may refuse: then nothing is remembered. */
function remembered(name: string): string | null {
  try {
    return sessionStorage.getItem(`${STORE}:${name}`);
  } catch {
    return null;
  }
}

function forget(name: string): void {
  try {
    sessionStorage.removeItem(`${STORE}:${name}`);
  } catch {
    // Nothing was remembered either.
  }
}

function remember(name: string, value: string): void {
  try {
    sessionStorage.setItem(`${STORE}:${name}`, value);
  } catch {
    // Not remembered: the next page load makes a new role key, which still works.
  }
}

/**
 * The secret key of `role` in `mode`: the Owner's own, or a key of that role made once with the
 * Owner's key (the API's role keys, `POST /api_keys { role }`) and remembered for the session.
 * The name of the stored entry includes the Owner key's tail, so a new sandbox never reuses a
 * key of an old one.
 */
async function roleKey(connection: DashboardConnection, owner: Vinr, mode: Mode, role: Role): Promise<string> {
  const ownerKey = connection.keys[mode].secretKey;
  if (role === 'owner') return ownerKey;
  const name = roleKeyName(connection, mode, role);
  const known = remembered(name);
  if (known !== null) return known;
  const created = await owner.apiKeys.create({ type: 'secret', role, name: `Dashboard: view as ${ROLE_LABELS[role]}` });
  if (created.secret === undefined) throw new Error('the API made the role key but did not return its secret');
  remember(name, created.secret);
  return created.secret;
}

function roleKeyName(connection: DashboardConnection, mode: Mode, role: Role): string {
  return `key:${mode}:${role}:${connection.keys[mode].secretKey.slice(-8)}`;
}

export function Shell({ connection }: { connection: DashboardConnection }): VNode {
  const route = useRoute();
  const [mode, setMode] = useState<Mode>(() => (remembered('mode') === 'live' ? 'live' : 'test'));
  const [role, setRole] = useState<Role>(() => (ROLES as readonly string[]).find((r) => r === remembered('role')) as Role | undefined ?? 'owner');
  const [showForbidden, setShowForbidden] = useState(false);
  const [revision, setRevision] = useState(0);
  const [vinr, setVinr] = useState<Vinr | undefined>(undefined);
  const [currency, setCurrency] = useState('EUR');
  const [failure, setFailure] = useState<ErrorInfo | undefined>(undefined);
  const [resetting, setResetting] = useState(false);
  /** Bumped to make the viewed role a new key (see `keyRefused`). */
  const [keyRenewals, setKeyRenewals] = useState(0);
  /** The role key in use, and the keys already replaced: each is replaced once, never in a loop. */
  const roleKeyInUse = useRef<string | undefined>(undefined);
  const replacedKeys = useMemo(() => new Set<string>(), []);
  const clients = useMemo(() => new Map<string, Vinr>(), []);
  const clientOf = (key: string): Vinr => {
    let client = clients.get(key);
    if (client === undefined) clients.set(key, (client = connection.client(key)));
    return client;
  };
  const owner = clientOf(connection.keys[mode].secretKey);

  useEffect(() => {
    let current = true;
    setVinr(undefined);
    setFailure(undefined);
    remember('mode', mode);
    remember('role', role);
    roleKey(connection, owner, mode, role).then(
      (key) => {
        if (!current) return;
        roleKeyInUse.current = role === 'owner' ? undefined : key;
        setVinr(clientOf(key));
      },
      (e: unknown) => current && setFailure(errorInfo(e)),
    );
    return () => {
      current = false;
    };
  }, [mode, role, keyRenewals]);

  const keyRefused = (): void => {
    const key = roleKeyInUse.current;
    if (key === undefined || replacedKeys.has(key)) return;
    replacedKeys.add(key);
    forget(roleKeyName(connection, mode, role));
    setKeyRenewals((n) => n + 1);
  };

  // Also on a revision: Settings → Account may have just changed the default currency, which
  // the other screens' filters and amounts must take at once.
  useEffect(() => {
    let current = true;
    owner.account.retrieve().then(
      (account) => current && setCurrency(account.defaultCurrency),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [mode, revision]);

  const switchMode = (next: Mode): void => {
    if (next === mode) return;
    // An object of one mode does not exist in the other: leave any detail page for its list.
    if (route.rest.length > 0 && route.screen !== 'settings') navigate(route.screen);
    setMode(next);
  };

  const session: Session | undefined =
    vinr === undefined
      ? undefined
      : {
          mode,
          role,
          vinr,
          owner,
          showForbidden,
          currency,
          revision,
          home: connection.home,
          fetchLink: connection.fetchLink,
          keyRefused,
          touch: () => setRevision((r) => r + 1),
          navigate,
        };

  return html`<div class=${`app mode-${mode}`}>
    <a class="skip" href="#main">Skip to content</a>
    <header class="topbar">
      <div class="mode-switch" role="group" aria-label="Mode">
        <button type="button" aria-pressed=${mode === 'test'} onClick=${() => switchMode('test')}>Sandbox</button>
        <button type="button" aria-pressed=${mode === 'live'} onClick=${() => switchMode('live')}>Live <small>(simulated)</small></button>
      </div>
      <span class="brand">VINR <span class="muted">dashboard · ${connection.home === 'server' ? 'local sandbox server' : 'in this browser'}</span></span>
      <div class="role-switch">
        <label for="view-as">View as</label>
        <select id="view-as" value=${role} onChange=${(e: Event) => setRole((e.currentTarget as HTMLSelectElement).value as Role)}>
          ${ROLES.map((r) => html`<option value=${r}>${ROLE_LABELS[r]}</option>`)}
        </select>
        ${role === 'owner'
          ? null
          : html`<label class="check"><input type="checkbox" checked=${showForbidden} onChange=${(e: Event) => setShowForbidden((e.currentTarget as HTMLInputElement).checked)} /> Show actions this role cannot take</label>`}
      </div>
    </header>
    ${mode === 'live'
      ? html`<div class="banner live" role="note">Live mode of the simulator: the objects are live-mode objects, but no real money moves.</div>`
      : null}
    ${session !== undefined && mode === 'test'
      ? html`<${SessionContext.Provider} value=${session}><div class="clockbar"><span class="muted">Sandbox clock</span><${ClockControl} /></div><//>`
      : null}
    <div class="layout">
      <nav class="sidenav" aria-label="Screens">
        <ul>
          ${NAV.filter((item) => allows(role, item.permission) || showForbidden).map(
            (item) =>
              html`<li><a href=${`#/${item.screen}`} aria-current=${route.screen === item.screen ? 'page' : undefined}>${item.label}</a></li>`,
          )}
        </ul>
        ${connection.reset === undefined
          ? null
          : html`<button type="button" class="danger small" onClick=${() => setResetting(true)}>Reset sandbox…</button>`}
      </nav>
      <main id="main" tabindex="-1" data-route=${[route.screen, ...route.rest].join('/')}>
        <${ErrorBox} error=${failure} />
        ${session === undefined
          ? failure === undefined
            ? html`<${Loading} />`
            : null
          : html`<${SessionContext.Provider} value=${session}><${Screen} key=${`${mode}:${role}`} route=${route} /><//>`}
      </main>
    </div>
    ${resetting && connection.reset !== undefined
      ? html`<${ConfirmDialog}
          title="Reset the sandbox?"
          confirmLabel="Delete everything and reset"
          danger=${true}
          onConfirm=${connection.reset}
          onClose=${() => setResetting(false)}
        >
          <p>Every object of both modes, the keys and the clock are deleted from this browser. This cannot be undone.</p>
        <//>`
      : null}
  </div>` as VNode;
}

/** The screen of the route. Keyed by mode and role: nothing of the previous view survives. */
function Screen({ route }: { route: Route }): VNode {
  const [id] = route.rest;
  switch (route.screen) {
    case 'payments':
      return id === undefined ? (html`<${PaymentsScreen} />` as VNode) : (html`<${PaymentDetail} key=${id} id=${id} />` as VNode);
    case 'events':
      return html`<${EventsScreen} />` as VNode;
    case 'customers':
      return html`<${CustomersScreen} id=${id} />` as VNode;
    case 'settlements':
      return html`<${SettlementsScreen} id=${id} />` as VNode;
    case 'settings':
      return html`<${SettingsScreen} section=${route.rest[0] ?? 'team'} id=${route.rest[1]} />` as VNode;
    default:
      return html`<${HomeScreen} />` as VNode;
  }
}
