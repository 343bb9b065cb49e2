/**
 * A training replica on its own thread: tfjs' wasm backend runs one thread per
 * instance in Node, so a second instance is how training uses a second core.
 */
import { parentPort } from 'node:worker_threads';
import type * as tf from '@tensorflow/tfjs';
import { assertState, errorCodeOf, seededRandom } from '@gradsheet/shared';
import { selectBackend } from '../backend/select-backend.js';
import { buildModel } from '../build-model.js';
import { computeGradients, readAllWeights, writeAllWeights } from '../replica.js';
import type { FromReplica, ToReplica } from './messages.js';

const port = parentPort;
assertState(port, 'replica-worker runs as a worker thread');

let model: tf.LayersModel | null = null;
let dropout = seededRandom(0);

function reply(message: FromReplica, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

port.on('message', (message: ToReplica) => {
  handle(message).catch((error: unknown) => {
    const code = errorCodeOf(error);
    reply({ type: 'error', message: error instanceof Error ? error.message : String(error), ...(code ? { code } : {}) });
  });
});

async function handle(message: ToReplica): Promise<void> {
  if (message.type === 'init') {
    await selectBackend(message.backend);
    // The weights arrive with every step; only the dropout stream is this replica's own.
    model = buildModel(message.spec, () => dropout());
    reply({ type: 'ready' });
    return;
  }
  assertState(model, 'a replica is initialised before its first step');
  writeAllWeights(model, message.weights);
  dropout = seededRandom(message.dropoutSeed);
  const result = await computeGradients(model, message.inputs, message.labels);
  const weights = await readAllWeights(model);
  reply(
    { type: 'stepped', gradients: result.gradients, weights, loss: result.loss, correct: result.correct, count: result.count },
    [result.gradients.buffer as ArrayBuffer, weights.buffer as ArrayBuffer],
  );
}
