/**
 * What each role may do, as the API decides it (`src/sandbox/roles.rs`): the UI hides what the
 * current role cannot do. The API stays the judge: a forced action gets its 403, shown as is.
 */
import type { Role } from '@vinr/sdk';

export type Permission =
  | 'readData'
  | 'writePayments'
  | 'refund'
  | 'respondToDisputes'
  | 'readEvents'
  | 'readApiKeys'
  | 'manageApiKeys'
  | 'readTeam'
  | 'manageTeam'
  | 'testHelpers'
  | 'readFinance'
  | 'manageAccount'
  | 'manageWebhooks';

export const ROLES: readonly Role[] = ['owner', 'administrator', 'developer', 'analyst', 'support'];

export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  owner: 'Owner',
  administrator: 'Administrator',
  developer: 'Developer',
  analyst: 'Analyst',
  support: 'Support',
};

/** Mirrors `Role::allows` in roles.rs. */
export function allows(role: Role, permission: Permission): boolean {
  switch (role) {
    case 'owner':
    case 'administrator':
      return true;
    case 'developer':
      return permission !== 'readTeam' && permission !== 'manageTeam' && permission !== 'manageAccount';
    case 'analyst':
      return permission === 'readData' || permission === 'readFinance';
    case 'support':
      return permission === 'readData' || permission === 'refund';
  }
}
