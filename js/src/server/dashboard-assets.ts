/**
 * The sandbox dashboard as `vinr sandbox` serves it (issue 11, home (a)): the page at `GET /`,
 * its assets under `/dashboard/`, and `/dashboard/config`, which gives the page the account
 * Owner's keys of both modes.
 *
 * The keys make this endpoint the one sensitive thing the server has beyond the API itself, so
 * it answers only a request that can come from the dashboard's own page on this machine:
 * - the peer is a loopback address (a server bound to 0.0.0.0 does not give keys to the LAN);
 * - `Host` is a loopback name or address with this server's port: a DNS-rebinding page
 *   (evil.example resolving to 127.0.0.1) sends its own name, and is refused;
 * - the `x-vinr-dashboard` header is present: a cross-origin page cannot send it without a CORS
 *   preflight, which this server never approves (it sends no CORS headers at all);
 * - `Sec-Fetch-Site`, when the browser sends it, is `same-origin`, and `Origin`, when sent, is
 *   this origin.
 * It is never cached (`no-store`). Static files: GET and HEAD only, from a fixed list (no path
 * is ever joined from the URL, so there is no traversal), each with its content type, and a
 * CSP that allows scripts from this origin only ('wasm-unsafe-eval' for the SDK's Wasm core).
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Where the package's `dashboard/` folder is: given by the server entry (`../dashboard/` beside `dist/`). */
let dashboardDir: URL | undefined;

export function provideDashboardDir(url: URL): void {
  dashboardDir ??= url;
}

interface Asset {
  /** Relative to the package's `dashboard/` folder. */
  readonly file: string;
  readonly type: string;
}

/**
 * Every file the dashboard serves. The SDK's browser entry comes from the package's own dist/
 * (the bundle imports it as `./sdk/inline.mjs`: see scripts/build-dashboard.mjs for why).
 */
const ASSETS: ReadonlyMap<string, Asset> = new Map([
  ['/', { file: 'index.html', type: 'text/html; charset=utf-8' }],
  ['/index.html', { file: 'index.html', type: 'text/html; charset=utf-8' }],
  ['/dashboard/app.mjs', { file: 'app.mjs', type: 'text/javascript; charset=utf-8' }],
  ['/dashboard/app.mjs.map', { file: 'app.mjs.map', type: 'application/json; charset=utf-8' }],
  ['/dashboard/styles.css', { file: 'styles.css', type: 'text/css; charset=utf-8' }],
  ['/dashboard/sdk/inline.mjs', { file: '../dist/inline.mjs', type: 'text/javascript; charset=utf-8' }],
  ['/dashboard/sdk/inline.mjs.map', { file: '../dist/inline.mjs.map', type: 'application/json; charset=utf-8' }],
]);

export const CONFIG_PATH = '/dashboard/config';

const CSP = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const COMMON_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': CSP,
};

/** Whether `path` (without its query) is the dashboard's: `/`, `/index.html` or under `/dashboard/`. */
export function isDashboardPath(path: string): boolean {
  return path === '/' || path === '/index.html' || path.startsWith('/dashboard/');
}

/** The file contents, read once (they do not change while the package is installed). */
const cache = new Map<string, Promise<Buffer>>();

function load(asset: Asset): Promise<Buffer> {
  let bytes = cache.get(asset.file);
  if (bytes === undefined) {
    if (dashboardDir === undefined) return Promise.reject(new Error('the dashboard folder was not provided'));
    bytes = readFile(new URL(asset.file, dashboardDir));
    // A missing file is not cached: a rebuild of the package is picked up without a restart.
    bytes.catch(() => cache.delete(asset.file));
    cache.set(asset.file, bytes);
  }
  return bytes;
}

export interface DashboardContext {
  /** The Owner keys of both modes, read when the page asks (`sandbox.keys`). */
  readonly keys: () => unknown;
  /** The port the server listens on, known once it does. */
  port: number;
}

/** Answers a request whose path `isDashboardPath` accepted; returns the status it answered. */
export function serveDashboard(context: DashboardContext, req: IncomingMessage, res: ServerResponse, path: string): Promise<number> | number {
  const method = req.method ?? 'GET';
  if (path === CONFIG_PATH) {
    if (method !== 'GET') return plain(res, 405, 'method not allowed', { allow: 'GET' });
    const refusal = configRefusal(req, context.port);
    if (refusal !== undefined) return plain(res, 403, `the dashboard configuration is given to the dashboard's own page on this machine only: ${refusal}`, {});
    const body = JSON.stringify({ keys: context.keys() });
    res.writeHead(200, {
      ...COMMON_HEADERS,
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
    });
    res.end(body);
    return 200;
  }
  const asset = ASSETS.get(path);
  if (asset === undefined) return plain(res, 404, 'no such dashboard file', {});
  if (method !== 'GET' && method !== 'HEAD') return plain(res, 405, 'method not allowed', { allow: 'GET, HEAD' });
  return load(asset).then(
    (bytes) => {
      res.writeHead(200, {
        ...COMMON_HEADERS,
        'content-type': asset.type,
        'content-length': bytes.length,
        // Revalidated on each load: a reinstalled package shows at once.
        'cache-control': 'no-cache',
      });
      res.end(method === 'HEAD' ? undefined : bytes);
      return 200;
    },
    () => plain(res, 404, 'the dashboard is not in this build of @vinr/sdk (pkg/dashboard is missing)', {}),
  );
}

function plain(res: ServerResponse, status: number, message: string, extra: Record<string, string>): number {
  const body = `${message}\n`;
  res.writeHead(status, {
    ...COMMON_HEADERS,
    ...extra,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
  return status;
}

/** Why the config request is refused, or `undefined` when it passes every check (see the module comment). */
export function configRefusal(req: IncomingMessage, port: number): string | undefined {
  if (!isLoopbackAddress(req.socket.remoteAddress)) return 'the request does not come from this machine';
  const host = req.headers.host;
  if (host === undefined || !isLoopbackHost(host, port)) return 'the Host is not a loopback name with this server\'s port';
  if (req.headers['x-vinr-dashboard'] !== '1') return 'the dashboard header is missing';
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return 'the request is not same-origin';
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) return 'the Origin is not this server';
  return undefined;
}

function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** `localhost:PORT`, `127.x.y.z:PORT` or `[::1]:PORT`, exactly. */
export function isLoopbackHost(host: string, port: number): boolean {
  const match = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\]):(\d{1,5})$/i.exec(host);
  return match !== null && Number(match[2]) === port;
}
