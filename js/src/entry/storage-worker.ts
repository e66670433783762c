// The file storage's threads (`@vinr/sdk/server`): the log writer, or a compactor, as the
// thread's data says. Only a compactor loads the engine's Wasm.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { engineWasm, provideEngineModule } from '../engine-core.js';
import { runCompactor, runLogWriter, type CompactorData, type WriterData } from '../server/storage-threads.js';

const data = workerData as WriterData | CompactorData;
if (parentPort === null) throw new Error('storage-worker.mjs runs as a worker thread of @vinr/sdk/server');
if (data.role === 'writer') {
  runLogWriter(parentPort, data);
} else {
  runCompactor(parentPort, data, (snapshot, records) => {
    provideEngineModule(new WebAssembly.Module(readFileSync(new URL('./vinr_engine_bg.wasm', import.meta.url))));
    return engineWasm.call((w) => w.compactRecords(snapshot, records));
  });
}
