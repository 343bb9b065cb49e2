/**
 * The webgpu backend end to end, without a GPU: Dawn's OpenGL ES backend over Mesa's
 * software renderer (GRADSHEET_WEBGPU_ADAPTER=software). It runs where the optional
 * packages are installed, as CI installs them, on Linux with Mesa's EGL.
 */
import { existsSync } from 'node:fs';
import { DEFAULT_MODEL_ID, getModel, resolveTrainConfig, seededRandom } from '@gradsheet/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../build-model.js';
import { computeGradients, PIXELS } from '../replica.js';
import { loadMnistSplit } from '../../mnist/load-mnist.js';
import { trainModel } from '../train.js';
import { installed } from './installed.js';
import { selectBackend } from './select-backend.js';

const runnable =
  installed('webgpu') && installed('@tensorflow/tfjs-backend-webgpu') && process.platform === 'linux' && existsSync('/usr/lib/x86_64-linux-gnu/libEGL_mesa.so.0');

const spec = getModel(DEFAULT_MODEL_ID);
const random = seededRandom(3);
const IMAGES = 16;
const inputs = Float32Array.from({ length: IMAGES * PIXELS }, () => random() * 2 - 1);
const labels = Int32Array.from({ length: IMAGES }, (_, i) => i % 10);

describe.skipIf(!runnable)('the webgpu backend, on a software adapter', () => {
  const previous = process.env['GRADSHEET_WEBGPU_ADAPTER'];
  beforeAll(() => {
    process.env['GRADSHEET_WEBGPU_ADAPTER'] = 'software';
  });
  afterAll(() => {
    if (previous === undefined) delete process.env['GRADSHEET_WEBGPU_ADAPTER'];
    else process.env['GRADSHEET_WEBGPU_ADAPTER'] = previous;
  });

  it('computes the default model\'s loss and gradients as wasm does, relative error ≤ 1e-3', async () => {
    const backend = await selectBackend('webgpu');
    expect(backend.detail).toMatch(/^webgpu \(Dawn, software adapter/);
    const onGpu = await computeGradients(buildModel(spec, seededRandom(5)), inputs, labels);
    await selectBackend('wasm');
    const onWasm = await computeGradients(buildModel(spec, seededRandom(5)), inputs, labels);

    let diff = 0;
    let scale = 0;
    onWasm.gradients.forEach((reference, i) => {
      diff = Math.max(diff, Math.abs((onGpu.gradients[i] as number) - reference));
      scale = Math.max(scale, Math.abs(reference));
    });
    expect(onGpu.gradients).toHaveLength(onWasm.gradients.length);
    expect(diff / scale).toBeLessThanOrEqual(1e-3);
    expect(onGpu.loss).toBeCloseTo(onWasm.loss, 4);
  });

  it('trains: the loss of a short run on MNIST falls, with every value finite', async () => {
    await selectBackend('webgpu');
    const [train, test] = await Promise.all([loadMnistSplit('train'), loadMnistSplit('test')]);
    const config = resolveTrainConfig(
      { model: spec.id, epochs: 1, limitTrain: 256, limitTest: 64, batchSize: 32, optimizer: 'adam', lr: 0.01, schedule: 'none', backend: 'webgpu', threads: 1, emaDecay: 0 },
      spec,
    );
    const losses: number[] = [];
    const { history } = await trainModel(config, spec, { train, test }, { onBatch: (progress) => losses.push(progress.loss) });
    expect(losses).toHaveLength(8);
    expect([...losses, history[0]?.testLoss].every(Number.isFinite)).toBe(true);
    expect(((losses[6] as number) + (losses[7] as number)) / 2).toBeLessThan(((losses[0] as number) + (losses[1] as number)) / 2);
  });
});
