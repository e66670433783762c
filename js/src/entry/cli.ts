// The `vinr` command's entry (the package's `bin`). It imports the SDK by its own name
// (`@vinr/sdk`, `@vinr/sdk/server`, Node's self-reference), so each command loads only the Wasm
// it needs: the client core for listen/trigger/advance, the engine for `vinr sandbox`.
import { main } from '../cli/main.js';
import { processOutput } from '../cli/output.js';

const code = await main(process.argv.slice(2), process.env, processOutput);
process.exitCode = code;
// Everything a command opened is closed when it returns; fetch's keep-alive sockets to the
// server may still hold the event loop for seconds, so exit once the output is flushed.
process.stdout.write('', () => process.exit(code));
