/**
 * The training thread: one run per thread, so tfjs never blocks the service's
 * event loop. It reports through messages and stops when asked to cancel; the
 * service ends the thread once the last message is in.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { PROGRESS_INTERVAL_MS, assertState } from '@gradsheet/shared';
import { RunDirectory } from '../engine/run-directory.js';
import { trainRun } from '../runs/run-training.js';
import type { FromTrainingWorker, ToTrainingWorker, TrainingJobInput } from './worker-messages.js';

const port = parentPort;
assertState(port, 'training-worker runs in a worker thread');
const post = (message: FromTrainingWorker) => port.postMessage(message);

const { runDir, config } = workerData as TrainingJobInput;

// On Linux a thread has its own nice value (inherited by the engine's replica threads):
// training yields the CPU to the service's event loop, so requests stay quick while a run trains.
// Elsewhere this call would lower the whole process, so it is left alone.
if (process.platform === 'linux') {
  try {
    setPriority(0, 10);
  } catch {
    // Not permitted here: train at normal priority.
  }
}
const cancel = new AbortController();
port.on('message', (message: ToTrainingWorker) => {
  if (message.type === 'cancel') cancel.abort();
});

// Throttled at the source: at most one progress message per interval leaves this thread.
let lastProgress = -Infinity;

try {
  // The model comes from the folder (model.json), so designs train as built-in models do.
  await trainRun(RunDirectory.open(runDir), config, {
    signal: cancel.signal,
    onBackend: (backend) => post({ type: 'backend', name: backend.name, detail: backend.detail }),
    onBatch: (progress) => {
      const now = performance.now();
      if (now - lastProgress < PROGRESS_INTERVAL_MS) return;
      lastProgress = now;
      post({ type: 'progress', progress });
    },
    onEpoch: (metrics) => post({ type: 'epoch', metrics }),
  });
  post({ type: 'done' });
} catch (error) {
  if (cancel.signal.aborted) post({ type: 'cancelled' });
  else if (error instanceof Error) post({ type: 'failed', message: error.message, ...(error.stack !== undefined ? { detail: error.stack } : {}) });
  else post({ type: 'failed', message: String(error) });
}
