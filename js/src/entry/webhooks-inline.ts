// `@vinr/sdk/webhooks` for browsers, bundlers, Deno and other ES runtimes: the webhook Wasm
// is inlined and compiled synchronously; no plugin, no file access, no top-level await.
// Inlined as hex rather than base64 because hex gzips ~2 KB smaller here (see build-js.mjs).
import wasmHex from '#webhooks-wasm-hex';
import { provideWebhooksModule } from '../webhooks-core.js';

provideWebhooksModule(new WebAssembly.Module(decodeHex(wasmHex)));

function decodeHex(text: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(text.length >> 1);
  // '0'-'9' are 48-57 and 'a'-'f' 97-102: (c & 15) + 9 * (c >> 6) maps both to 0-15.
  for (let i = 0; i < bytes.length; i++) {
    const hi = text.charCodeAt(2 * i);
    const lo = text.charCodeAt(2 * i + 1);
    bytes[i] = (((hi & 15) + 9 * (hi >> 6)) << 4) | ((lo & 15) + 9 * (lo >> 6));
  }
  return bytes;
}

export * from '../webhooks.js';
