/**
 * The analysis thread: predictions and the analyses of runs finished before analyses
 * were kept (about 3 s over the 10,000 test images), off the service's event loop.
 * One thread for the service's life, holding one tfjs backend: it answers one request
 * at a time, in the order they come.
 */
import { parentPort } from 'node:worker_threads';
import { assertState, GradSheetError } from '@gradsheet/shared';
import { RunDirectory } from '../engine/run-directory.js';
import type { FromAnalysisWorker, ToAnalysisWorker } from './analysis-messages.js';
import { predictDigit } from './predict.js';
import { runAnalysis } from './run-analysis.js';

const port = parentPort;
assertState(port, 'analysis-worker runs in a worker thread');

let queue: Promise<void> = Promise.resolve();

async function answer(request: ToAnalysisWorker): Promise<FromAnalysisWorker> {
  const run = RunDirectory.open(request.runPath);
  try {
    const value = request.kind === 'predict' ? await predictDigit(run, request.grid) : await runAnalysis(run);
    return { id: request.id, ok: true, value };
  } catch (error) {
    if (error instanceof GradSheetError) return { id: request.id, ok: false, code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
    return { id: request.id, ok: false, code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
  }
}

port.on('message', (request: ToAnalysisWorker) => {
  queue = queue.then(async () => port.postMessage(await answer(request)));
});
