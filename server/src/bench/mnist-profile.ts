/**
 * Benchmark (not a test): `npm run bench:mnist-profile [-- options]`.
 * Where one training step's time goes on this machine: one thread, the model's own
 * layers and batch size, the trainer's own step (gradients, the flat optimiser, the
 * weights written back), tfjs' kernel timings summed by kernel name (with how many
 * times each runs a step), the time outside kernels, and the cost of one update of
 * the weight average.
 *
 *   --model ID | --model-file FILE | --design-seed N   what to profile (default the default model)
 *   --batch N                                          batch size (default: the model's)
 *   --steps N                                          steps timed (default 10)
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_MODEL_ID, invalidInput, seededRandom } from '@gradsheet/shared';
import { selectBackend } from '../engine/backend/select-backend.js';
import { buildModel } from '../engine/build-model.js';
import { flatOptimizer } from '../engine/flat-optimizer.js';
import { CLASSES, computeGradients, PIXELS, readAllWeights, writeAllWeights } from '../engine/replica.js';
import { WeightAverage } from '../engine/weight-average.js';
import { benchModels, layerLine } from './bench-models.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    'model-file': { type: 'string' },
    'design-seed': { type: 'string' },
    batch: { type: 'string' },
    steps: { type: 'string', default: '10' },
  },
});
const chosen = [values.model, values['model-file'], values['design-seed']].filter((v) => v !== undefined).length;
if (chosen > 1) throw invalidInput('give one of --model, --model-file and --design-seed');
const [picked] = await benchModels({
  models: values['model-file'] || values['design-seed'] ? 'none' : (values.model ?? DEFAULT_MODEL_ID),
  designs: 'none',
  designSeeds: values['design-seed'] ?? 'none',
  modelFiles: values['model-file'] ? [values['model-file']] : [],
});
if (!picked) throw invalidInput('no model to profile');
const spec = picked.spec;
const batch = Number(values.batch ?? spec.training.batchSize);
const steps = Number(values.steps);
const backend = await selectBackend('wasm');
const model = buildModel(spec, seededRandom(1));
const weights = await readAllWeights(model);
const trainable = model.trainableWeights.reduce((n, w) => n + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);
const optimizer = flatOptimizer({ optimizer: 'sgd', momentum: 0.9 }, trainable);
const random = seededRandom(2);
const inputs = Float32Array.from({ length: batch * PIXELS }, () => random() * 2 - 1);
const labels = Int32Array.from({ length: batch }, (_, i) => i % CLASSES);
const step = async () => {
  const { gradients } = await computeGradients(model, inputs, labels);
  optimizer.step(weights.subarray(0, trainable), [gradients], [1], 0.01);
  writeAllWeights(model, weights);
};

for (let i = 0; i < 3; i++) await step();
let started = performance.now();
for (let i = 0; i < steps; i++) await step();
const stepMs = (performance.now() - started) / steps;

const profile = await tf.profile(async () => {
  for (let i = 0; i < steps; i++) await step();
});
const byKernel = new Map<string, { ms: number; calls: number }>();
for (const kernel of profile.kernels) {
  // Op scopes nest kernels; count the kernels only.
  if (kernel.name.includes('__op') || kernel.name.includes('scope')) continue;
  const entry = byKernel.get(kernel.name) ?? { ms: 0, calls: 0 };
  entry.ms += (kernel.kernelTimeMs as number) / steps;
  entry.calls += 1 / steps;
  byKernel.set(kernel.name, entry);
}
const kernelMs = [...byKernel.values()].reduce((a, b) => a + b.ms, 0);
const launches = [...byKernel.values()].reduce((a, b) => a + b.calls, 0);

const average = new WeightAverage(0.999);
for (let i = 0; i < 3; i++) await average.update(model);
started = performance.now();
for (let i = 0; i < 50; i++) await average.update(model);
const averageMs = (performance.now() - started) / 50;

console.log(`${picked.label}: ${layerLine(spec)}`);
console.log(`${backend.detail}, one thread, batch ${batch}: ${stepMs.toFixed(1)} ms a step (${((batch * 1000) / stepMs).toFixed(0)} images/s); ${kernelMs.toFixed(1)} ms in ${launches.toFixed(0)} kernel runs, ${Math.max(0, stepMs - kernelMs).toFixed(1)} ms outside kernels`);
console.log('     ms   share  runs  kernel');
for (const [name, { ms, calls }] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms)) {
  if (ms < 0.05) continue;
  console.log(`${ms.toFixed(1).padStart(7)}  ${((100 * ms) / stepMs).toFixed(0).padStart(4)}%  ${calls.toFixed(0).padStart(4)}  ${name}`);
}
console.log(`weight average update: ${averageMs.toFixed(2)} ms`);
