// Builds home (b) of the sandbox dashboard (issue 11) into a static folder, dist/: index.html,
// app.mjs (this page's bootstrap and the dashboard's UI, with its source map), styles.css, and
// the SDK's two browser entries under sdk/. Any static file server can host the folder, at any
// path (every URL in it is relative): `npx http-server examples/browser-dashboard/dist`.
//
// Needs the built package (`node scripts/build-js.mjs`, or scripts/build.sh).
//
// Why the SDK is not bundled into app.mjs: its browser entries carry their Wasm inline (the
// engine's is ~650 KB gzip). Kept as the package's own files, `@vinr/sdk` → sdk/inline.mjs and
// `@vinr/sdk/sandbox` → sdk/sandbox-inline.mjs, they are cached apart from the UI, and the UI's
// code stays measurable against its budget, as in home (a) (scripts/build-dashboard.mjs).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const out = join(here, 'dist');
const sdkDist = join(root, 'pkg/dist');
const dashboard = join(root, 'dashboard');

const need = (path, how) => {
  if (!existsSync(path)) {
    console.error(`browser-dashboard: ${relative(root, path)} is missing: ${how}`);
    process.exit(1);
  }
};
need(join(sdkDist, 'sandbox-inline.mjs'), 'build the package first (node scripts/build-js.mjs)');

// Type-checked against the package's published declarations, as a user's page would be.
execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(here, 'tsconfig.json')], { stdio: 'inherit' });

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'sdk'), { recursive: true });

/** The SDK's entries, left external and copied beside the bundle (see the top). */
const SDK = { '@vinr/sdk': 'inline.mjs', '@vinr/sdk/sandbox': 'sandbox-inline.mjs' };
const sdkExternal = {
  name: 'sdk-external',
  setup(build) {
    build.onResolve({ filter: /^@vinr\/sdk(\/sandbox)?$/ }, (args) => ({ path: `./sdk/${SDK[args.path]}`, external: true }));
  },
};

await esbuild.build({
  entryPoints: [join(here, 'main.ts')],
  outfile: join(out, 'app.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  // Readable like the rest of the package (and home (a)'s bundle): names kept, with a map.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: true,
  sourcesContent: true,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [sdkExternal],
});

for (const file of Object.values(SDK)) {
  copyFileSync(join(sdkDist, file), join(out, 'sdk', file));
  if (existsSync(join(sdkDist, `${file}.map`))) copyFileSync(join(sdkDist, `${file}.map`), join(out, 'sdk', `${file}.map`));
}
copyFileSync(join(dashboard, 'styles.css'), join(out, 'styles.css'));
// The server home's policy (js/src/server/dashboard-assets.ts), but for webhook deliveries: the
// sandbox in the page sends them with its own fetch, to whatever URL an endpoint names.
const CSP = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' http: https:",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
writeFileSync(
  join(out, 'index.html'),
  `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<title>VINR sandbox dashboard (in your browser)</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="./styles.css">
<script type="module" src="./app.mjs"></script>
</head>
<body>
<div id="app"><p class="boot">Loading the sandbox…</p></div>
<noscript>The VINR dashboard needs JavaScript.</noscript>
</body>
</html>
`,
);

const kb = (n) => `${(n / 1024).toFixed(1).padStart(8)} KiB`;
for (const file of ['app.mjs', ...Object.values(SDK).map((f) => `sdk/${f}`)]) {
  const bytes = readFileSync(join(out, file));
  console.log(file.padEnd(24) + kb(bytes.length) + kb(gzipSync(bytes, { level: 9 }).length) + ' gzip');
}
console.log(`browser-dashboard: static folder in ${relative(process.cwd(), out) || '.'}`);
