/**
 * How `vinr listen`, `trigger` and `advance` reach the server: through the SDK's own client,
 * with the key and base URL from `--api-key`/`--api-base`, else `VINR_SECRET_KEY`/
 * `VINR_API_BASE` (the lines `vinr sandbox` prints), else the default local server.
 */
import { Vinr } from '@vinr/sdk';
import { stringFlag, UsageError, type FlagSpec, type ParsedArgs } from './args.js';

export const DEFAULT_PORT = 12111;
export const DEFAULT_API_BASE = `http://127.0.0.1:${DEFAULT_PORT}/v1`;

/** The flags of every command that talks to a server. */
export const CONNECTION_FLAGS: readonly FlagSpec[] = [
  { name: 'api-base', value: 'URL', help: `the sandbox server's API (default: $VINR_API_BASE, else ${DEFAULT_API_BASE})` },
  { name: 'api-key', value: 'KEY', help: 'a sk_test_ key (default: $VINR_SECRET_KEY, as `vinr sandbox` prints it)' },
];

export function connect(args: ParsedArgs, env: NodeJS.ProcessEnv): Vinr {
  const secretKey = stringFlag(args, 'api-key') ?? env['VINR_SECRET_KEY'];
  if (secretKey === undefined || secretKey === '') {
    throw new UsageError('no API key: pass --api-key sk_test_… or set VINR_SECRET_KEY (`vinr sandbox` prints the line to paste)');
  }
  const apiBase = stringFlag(args, 'api-base') ?? env['VINR_API_BASE'] ?? DEFAULT_API_BASE;
  try {
    // Tools for a developer at a terminal: a refused request should say so at once.
    return new Vinr({ secretKey, apiBase, maxNetworkRetries: 1 });
  } catch (e) {
    // The client names the option at fault; on the command line it is a flag or a variable.
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}
