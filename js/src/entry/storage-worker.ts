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
  runCompactor(parentPort, data, () => {
    provideEngineModule(new WebAssembly.Module(readFileSync(new URL('./vinr_engine_bg.wasm', import.meta.url))));
    const merger = engineWasm.call((w) => new w.RecordMerger());
    return {
      scan: (piece) => engineWasm.call(() => merger.scan(piece)),
      keep: (piece) => engineWasm.call(() => merger.keep(piece)),
      finish: () => engineWasm.call(() => merger.finish()),
    };
  });
}
