/**
 * Benchmark (not a test): `npm run bench:mnist-profile [-- --model ID --steps N]`.
 * Where one training step's time goes on this machine: one thread, batch 128, the
 * model's own layers, tfjs' kernel timings summed by kernel name, and the cost of
 * one update of the weight average.
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_MODEL_ID, getModel, seededRandom } from '@gradsheet/shared';
import { selectBackend } from '../engine/backend/select-backend.js';
import { buildModel } from '../engine/build-model.js';
import { CLASSES, SIDE, trainingLoss } from '../engine/replica.js';
import { WeightAverage } from '../engine/weight-average.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: DEFAULT_MODEL_ID },
    steps: { type: 'string', default: '10' },
  },
});
const BATCH = 128;
const steps = Number(values.steps);
const backend = await selectBackend('wasm');
const spec = getModel(values.model as string);
const model = buildModel(spec, seededRandom(1));
const optimizer = tf.train.momentum(0.01, 0.9);
const x = tf.randomNormal([BATCH, SIDE, SIDE, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
const y = tf.tensor1d(Int32Array.from({ length: BATCH }, (_, i) => i % CLASSES), 'int32');
const step = () => tf.tidy(() => void optimizer.minimize(() => trainingLoss(model, x, y).loss));

for (let i = 0; i < 3; i++) step();
let started = performance.now();
for (let i = 0; i < steps; i++) step();
const stepMs = (performance.now() - started) / steps;

const profile = await tf.profile(() => {
  for (let i = 0; i < steps; i++) step();
});
const byKernel = new Map<string, number>();
for (const kernel of profile.kernels) {
  // Op scopes nest kernels; count the kernels only.
  if (kernel.name.includes('__op') || kernel.name.includes('scope')) continue;
  byKernel.set(kernel.name, (byKernel.get(kernel.name) ?? 0) + (kernel.kernelTimeMs as number) / steps);
}
const kernelMs = [...byKernel.values()].reduce((a, b) => a + b, 0);

const average = new WeightAverage(0.999);
for (let i = 0; i < 3; i++) await average.update(model);
started = performance.now();
for (let i = 0; i < 50; i++) await average.update(model);
const averageMs = (performance.now() - started) / 50;

console.log(`${spec.id} on ${backend.detail}, one thread, batch ${BATCH}: ${stepMs.toFixed(0)} ms a step, ${kernelMs.toFixed(0)} ms of it in kernels`);
for (const [name, ms] of [...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`${ms.toFixed(1).padStart(7)} ms  ${name}`);
console.log(`weight average update: ${averageMs.toFixed(2)} ms`);
