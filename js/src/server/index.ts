/**
 * `@vinr/sdk/server` (Node only): the sandbox served over HTTP, and what that needs: durable
 * file storage and the `node:http` face of `sandbox.fetch`. The `vinr` command (`npx @vinr/sdk
 * sandbox`) is built on it. It carries the whole `@vinr/sdk/sandbox` API too, so a program that
 * serves a sandbox loads the engine once.
 */
export * from '../sandbox/index.js';
export { fileStorage, type FileStorage, type FileStorageOptions, type FileStorageStats } from './file-storage.js';
export { startServer, type SandboxServer, type SandboxServerOptions } from './http-server.js';
