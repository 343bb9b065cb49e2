import { describe, expect, it } from 'vitest';
import { GradSheetError } from '../errors.js';
import { MNIST_TEST_COUNT, MNIST_TRAIN_COUNT } from '../mnist/idx.js';
import { activationsPerImage, DESIGN_LIMITS } from '../models/parse-spec.js';
import { DEFAULT_MODEL_ID, getModel } from '../models/zoo.js';
import { REQUEST_LIMITS } from './limits.js';
import { parseTrainingRequest } from './training.js';

const design = {
  id: 'tiny',
  layers: [{ type: 'Conv2d', filters: 4, kernel: 3 }, { type: 'ReLU' }, { type: 'GAP' }, { type: 'Linear', units: 10 }],
};

const errorOf = (call: () => unknown): GradSheetError => {
  try {
    call();
  } catch (error) {
    if (error instanceof GradSheetError) return error;
    throw error;
  }
  return expect.unreachable('expected a GradSheetError');
};

describe('parseTrainingRequest', () => {
  it('trains the default model with its own defaults when nothing is asked', () => {
    const { config, spec } = parseTrainingRequest({});
    expect(spec.id).toBe(DEFAULT_MODEL_ID);
    expect(config).toMatchObject({ model: DEFAULT_MODEL_ID, epochs: spec.training.epochs, batchSize: spec.training.batchSize, seed: 1, backend: 'auto', augment: true, threads: 1 });
  });

  it('takes a built-in model by id, or a design, never both', () => {
    expect(parseTrainingRequest({ model: 'seed-19698', epochs: 2 }).config).toMatchObject({ model: 'seed-19698', epochs: 2 });
    const { config, spec } = parseTrainingRequest({ modelSpec: design, epochs: 3 });
    expect(spec.layers.map((layer) => layer.type)).toEqual(['conv2d', 'relu', 'gap', 'dense']);
    expect(config).toMatchObject({ model: 'tiny', epochs: 3 });
    expect(errorOf(() => parseTrainingRequest({ model: 'seed-19698', modelSpec: design }, (f) => `body.${f}`)).message).toBe('give body.model or body.modelSpec, not both');
  });

  it('refuses an unknown model and a design that cannot be built with their own codes', () => {
    expect(errorOf(() => parseTrainingRequest({ model: 'nope' })).code).toBe('UNKNOWN_MODEL');
    const bad = errorOf(() => parseTrainingRequest({ modelSpec: { layers: [{ type: 'Conv2d', filters: 4, kernel: 40 }] } }));
    expect(bad.code).toBe('INVALID_MODEL');
    expect(bad.message).toMatch(/layer 1/);
  });

  it('names each field the way the caller does', () => {
    const flag = (field: string) => `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    expect(errorOf(() => parseTrainingRequest({ epochs: 51 }, flag)).message).toBe('--epochs must be a whole number from 1 to 50, got 51');
    expect(errorOf(() => parseTrainingRequest({ batchSize: 0 }, (f) => `body.${f}`)).message).toMatch(/^body\.batchSize must be a whole number from 1 to 2,048/);
    expect(errorOf(() => parseTrainingRequest({ emaDecay: 1 }, flag)).message).toBe('--ema-decay must be a number at least 0 and below 1, got 1');
    expect(errorOf(() => parseTrainingRequest({ lr: -1 }, () => 'Learning rate')).message).toBe('Learning rate must be a number greater than 0 and at most 10, got -1');
    expect(errorOf(() => parseTrainingRequest({ backend: 'gpu' as never }, flag)).message).toBe('--backend must be one of auto, wasm, node, webgpu, got "gpu"');
  });

  it('holds the image counts to MNIST’s', () => {
    expect(REQUEST_LIMITS.training.limitTrain.max).toBe(MNIST_TRAIN_COUNT);
    expect(REQUEST_LIMITS.training.limitTest.max).toBe(MNIST_TEST_COUNT);
    expect(parseTrainingRequest({ limitTrain: MNIST_TRAIN_COUNT, limitTest: 1 }).config).toMatchObject({ limitTrain: MNIST_TRAIN_COUNT, limitTest: 1 });
    expect(() => parseTrainingRequest({ limitTest: MNIST_TEST_COUNT + 1 })).toThrow(/limit-test must be a whole number from 1 to 10,000/);
  });

  it('names a design’s own out-of-range default as the model’s, not the caller’s', () => {
    const message = errorOf(() => parseTrainingRequest({ modelSpec: { ...design, training: { epochs: 80 } } }, (f) => `--${f}`)).message;
    expect(message).toBe("the model's training.epochs must be a whole number from 1 to 50, got 80");
  });

  it('refuses a batch whose activations would pass the bound, and says how large a batch fits', () => {
    const wide = { layers: [{ type: 'Conv2d', filters: 256, kernel: 3, padding: 'same' }, { type: 'ReLU' }, { type: 'GAP' }, { type: 'Linear', units: 10 }] };
    const perImage = activationsPerImage(parseTrainingRequest({ modelSpec: wide, batchSize: 1 }).spec);
    const most = Math.floor(DESIGN_LIMITS.maxActivationsPerBatch / perImage);
    expect(most).toBeLessThan(REQUEST_LIMITS.training.batchSize.max);
    expect(parseTrainingRequest({ modelSpec: wide, batchSize: most }).config.batchSize).toBe(most);
    const refused = errorOf(() => parseTrainingRequest({ modelSpec: wide, batchSize: most + 1 }, (f) => `body.${f}`));
    expect(refused.code).toBe('INVALID_INPUT');
    expect(refused.message).toMatch(new RegExp(`^body\\.batchSize ${most + 1} is too large .*use at most ${most.toLocaleString('en-US')}$`));
  });

  it('lets every built-in model train at the largest batch', () => {
    for (const id of ['gradsheet-7774', 'seed-19698', 'seed-11154', 'seed-18050']) {
      expect(parseTrainingRequest({ model: id, batchSize: REQUEST_LIMITS.training.batchSize.max }).spec).toBe(getModel(id));
    }
  });
});
