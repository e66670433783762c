// The sandbox dashboard (issue 11): type-checks dashboard/src, bundles it with esbuild into
// pkg/dashboard/ (index.html, app.mjs + map, styles.css) and holds its JS to the budget.
// Called at the end of scripts/build-js.mjs (pkg/ is assembled by then); runs alone too:
// `node scripts/build-dashboard.mjs`.
//
// How the SDK gets into the page: the bundle does NOT inline `@vinr/sdk`. Its browser entry
// (dist/inline.mjs) carries the client core's Wasm as base64 (~64 KB gzip of its own), which
// would eat most of the 80 KB budget and be duplicated in the package. Instead `@vinr/sdk` is
// rewritten to the external `./sdk/inline.mjs`, which the server maps to the installed
// package's own dist/inline.mjs (server/dashboard-assets.ts): one copy on disk, cached by the
// browser separately, and the budget measures only the dashboard's own code (Preact, htm and
// the screens). The client object itself comes from the home (DashboardConnection), so the
// bundle only needs `money` and the error classes' shapes from the SDK.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'dashboard');
const out = join(root, 'pkg/dashboard');
/** The dashboard's own JS, gzip -9, as issue 11 sets it. */
const BUDGET = 80_000;

execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(source, 'tsconfig.json')], { stdio: 'inherit' });

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

/** `@vinr/sdk` → `./sdk/inline.mjs`, left external (see the comment at the top). */
const sdkExternal = {
  name: 'sdk-external',
  setup(build) {
    build.onResolve({ filter: /^@vinr\/sdk$/ }, () => ({ path: './sdk/inline.mjs', external: true }));
  },
};

await esbuild.build({
  entryPoints: [join(source, 'src/home-server.ts')],
  outfile: join(out, 'app.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  // Readable like the rest of the package: whitespace and syntax only, names kept, with a map.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: true,
  sourcesContent: true,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [sdkExternal],
});
copyFileSync(join(source, 'index.html'), join(out, 'index.html'));
copyFileSync(join(source, 'styles.css'), join(out, 'styles.css'));

const js = readFileSync(join(out, 'app.mjs'));
const gzip = gzipSync(js, { level: 9 }).length;
const kb = (n) => (n / 1024).toFixed(1).padStart(8) + ' KiB';
console.log(`dashboard/app.mjs`.padEnd(26) + kb(js.length) + kb(gzip) + `   budget ${BUDGET / 1000} KB gzip (${gzip} bytes, without the SDK and its Wasm)`);
if (gzip > BUDGET) {
  console.error(`build-dashboard: app.mjs is ${gzip} bytes gzip, over the ${BUDGET}-byte budget`);
  process.exit(1);
}
