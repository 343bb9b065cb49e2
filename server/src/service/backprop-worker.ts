/**
 * The thread that writes one backprop workbook for `POST /api/backprop.xlsx`, so
 * that a 10,000-step workbook (seconds of work, hundreds of MB) never holds the
 * service's event loop. It posts the bytes back and ends; its memory goes with it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { assertState, type BackpropWorkbookOptions } from '@gradsheet/shared';
import { backpropXlsx } from '../xlsx/backprop-xlsx.js';
import type { FromBackpropWorker } from './backprop-builder.js';

const port = parentPort;
assertState(port, 'backprop-worker runs in a worker thread');

try {
  const bytes = await backpropXlsx(workerData as BackpropWorkbookOptions);
  // A copy of its own, moved (not copied again) to the service's thread.
  const buffer = new Uint8Array(bytes).buffer;
  port.postMessage({ type: 'done', bytes: buffer } satisfies FromBackpropWorker, [buffer]);
} catch (error) {
  port.postMessage({ type: 'failed', message: error instanceof Error ? error.message : String(error) } satisfies FromBackpropWorker);
}
