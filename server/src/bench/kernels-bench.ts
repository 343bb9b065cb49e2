/**
 * Benchmark: training steps of a small MNIST CNN on the wasm backend with GradSheet's
 * kernels, with tf.layers.batchNormalization and without BatchNorm, to show its cost.
 * Not a test: it prints images/s (median of the measured steps after warm-up).
 *   node server/dist/bench/kernels-bench.js [--steps N] [--batch N] [--padding valid|same] [--no-simd] [--profile]
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../engine/backend/select-backend.js';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '10' },
    batch: { type: 'string', default: '128' },
    padding: { type: 'string', default: 'valid' },
    backend: { type: 'string', default: 'wasm' },
    profile: { type: 'boolean', default: false },
    'no-simd': { type: 'boolean', default: false },
  },
});
const steps = Number(values.steps);
const batch = Number(values.batch);
const padding = values.padding === 'same' ? 'same' : 'valid';

/** Conv 3×3 8 → Conv 3×3 16 → MaxPool → Conv 1×1 8 → Conv 3×3 16 → Conv 3×3 16 → GAP → Dense 10. */
function buildModel(withBatchNorm: boolean): tf.Sequential {
  const model = tf.sequential();
  const conv = (filters: number, kernelSize: number, normalised: boolean, first = false) => {
    model.add(
      tf.layers.conv2d({
        ...(first ? { inputShape: [28, 28, 1] } : {}),
        filters,
        kernelSize,
        padding,
        useBias: !(withBatchNorm && normalised), // BatchNorm's beta replaces the bias
      }),
    );
    if (!normalised) return;
    if (withBatchNorm) model.add(tf.layers.batchNormalization());
    model.add(tf.layers.reLU());
  };
  conv(8, 3, true, true);
  conv(16, 3, true);
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  conv(8, 1, false);
  conv(16, 3, true);
  conv(16, 3, true);
  model.add(tf.layers.globalAveragePooling2d({}));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.sgd(0.01), loss: 'categoricalCrossentropy' });
  return model;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function measure(withBatchNorm: boolean): Promise<void> {
  const model = buildModel(withBatchNorm);
  const x = tf.randomUniform([batch, 28, 28, 1]);
  const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32'), 10).toFloat();
  for (let i = 0; i < 2; i++) await model.trainOnBatch(x, y); // warm-up: XNNPACK set-up, allocations
  const ms: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    await model.trainOnBatch(x, y); // returns the loss, so the step has finished
    ms.push(performance.now() - t0);
  }
  const step = median(ms);
  const label = withBatchNorm ? 'with tf.layers.batchNormalization' : 'without BatchNorm';
  console.log(`${label.padEnd(34)} ${model.countParams().toLocaleString('en-US')} params  ${step.toFixed(0)} ms/step  ${((batch * 1000) / step).toFixed(0)} images/s`);
  if (values.profile) await printProfile(model, x, y);
  tf.dispose([x, y]);
  model.dispose();
}

/** Kernel times of one step, largest first. */
async function printProfile(model: tf.Sequential, x: tf.Tensor, y: tf.Tensor): Promise<void> {
  const info = await tf.profile(async () => {
    await model.trainOnBatch(x, y);
  });
  const byKernel = new Map<string, { ms: number; calls: number }>();
  for (const k of info.kernels) {
    const entry = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
    entry.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    entry.calls += 1;
    byKernel.set(k.name, entry);
  }
  const rows = [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12);
  for (const [name, { ms, calls }] of rows) console.log(`    ${name.padEnd(24)} ${ms.toFixed(1).padStart(7)} ms  ${calls} calls`);
}

// To measure what SIMD brings: the plain binary, chosen before the backend starts.
if (values['no-simd']) tf.env().set('WASM_HAS_SIMD_SUPPORT', false);
const backend = await selectBackend(values.backend as 'auto' | 'wasm' | 'node' | 'webgpu');
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; backend: ${backend.detail}`);
console.log(`batch ${batch}, 28×28×1, padding ${padding}, SGD; median of ${steps} steps after 2 warm-up steps`);
await measure(true);
await measure(false);
