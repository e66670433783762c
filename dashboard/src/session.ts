/**
 * The session every screen reads: the mode, the role viewed as, the client that role's key
 * makes, and navigation. Provided by the shell (shell.ts) through a Preact context.
 */
import type { Mode, Role, Vinr } from '@vinr/sdk';
import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import { errorInfo, type ErrorInfo } from './format.js';
import { allows, type Permission } from './roles.js';

export interface Session {
  readonly mode: Mode;
  readonly role: Role;
  /** The client of the viewed role's key in this mode: every screen's calls go through it. */
  readonly vinr: Vinr;
  /** The Owner's client in this mode: the simulator's own controls (clock) and role keys. */
  readonly owner: Vinr;
  /** Also show the actions the role may not take, so that forcing one shows the API's 403. */
  readonly showForbidden: boolean;
  /** The account's default currency in this mode (filters and amounts default to it). */
  readonly currency: string;
  /** Changes whenever data may have changed elsewhere (the clock moved): screens reload on it. */
  readonly revision: number;
  readonly home: 'server' | 'browser';
  /** See `DashboardConnection.fetchLink`: set in the in-browser home. */
  readonly fetchLink: ((url: string) => Promise<Response>) | undefined;
  /**
   * The viewed role's key was refused (401): revoked or rolled since, on the API keys screen or
   * in code. The shell makes the role a new key, and the screens load again with it.
   */
  keyRefused(): void;
  touch(): void;
  navigate(path: string): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === null) throw new Error('useSession outside the dashboard shell');
  return session;
}

/** Whether an action needing `permission` is shown: allowed, or forced on by "show all actions". */
export function useShown(permission: Permission): boolean {
  const session = useSession();
  return allows(session.role, permission) || session.showForbidden;
}

export function useAllowed(permission: Permission): boolean {
  return allows(useSession().role, permission);
}

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: ErrorInfo | undefined;
  readonly loading: boolean;
  reload(): void;
}

/**
 * Runs `load` when `deps` (or the session's mode, role or revision) change; a late answer of an
 * earlier run is dropped, so a quick mode switch never shows the other mode's objects.
 */
export function useLoad<T>(load: (vinr: Vinr) => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const session = useSession();
  const [state, setState] = useState<{ data: T | undefined; error: ErrorInfo | undefined; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    load(session.vinr).then(
      (data) => current && setState({ data, error: undefined, loading: false }),
      (error: unknown) => {
        if (!current) return;
        const info = errorInfo(error);
        setState({ data: undefined, error: info, loading: false });
        if (info.status === 401) session.keyRefused();
      },
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [session.vinr, session.revision, tick, ...deps]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

/** An action's state: running, and the failure of its last run (shown next to its button). */
export function useAction(): {
  busy: boolean;
  error: ErrorInfo | undefined;
  run(action: () => Promise<unknown>): Promise<boolean>;
  clear(): void;
} {
  // Read when an action fails, not when `run` was made: `run` stays the same function.
  const session = useSession();
  const keyRefused = useRef(session.keyRefused);
  keyRefused.current = session.keyRefused;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | undefined>(undefined);
  const run = useCallback(async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      return true;
    } catch (e) {
      const info = errorInfo(e);
      setError(info);
      if (info.status === 401) keyRefused.current();
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, clear: () => setError(undefined) };
}
