import { GradSheetError } from '../errors.js';
import type { LayerSpec, ModelSpec } from './spec.js';

/** MNIST: one grey 28×28 channel, ten digits. */
const MNIST_INPUT = [1, 28, 28] as const;

const relu: LayerSpec = { type: 'relu' };
const batchnorm: LayerSpec = { type: 'batchnorm' };
const flatten: LayerSpec = { type: 'flatten' };
const conv = (filters: number, kernel: number, more: { stride?: number; padding?: number; bias?: boolean } = {}): LayerSpec => ({
  type: 'conv2d',
  filters,
  kernel,
  ...more,
});
const dropout = (rate: number): LayerSpec => ({ type: 'dropout', rate });

/**
 * GradSheet's own default: the course's recipe at under 8k parameters.
 * Block 1 (3×3, 8→16) reaches RF 5; a 1×1 transition halves the channels before
 * MaxPool (RF 6), so pooling works on few, well-formed edge/texture channels. Block 2
 * (3×3, 12→14→16→12, no padding) takes the RF to 22 at 4×4, enough for a whole
 * digit once GAP averages the map; a 12→10 Linear gives the class scores. Every conv
 * has BatchNorm and no bias (BN's β replaces it).
 *
 * Dropout is light (2%, in block 2 only): a model this size underfits (its training
 * accuracy stays below its test accuracy), so more only costs accuracy. Test
 * accuracy at the end of OneCycle still wanders by ±0.1% from batch to batch, so the
 * weights kept and evaluated are a moving average of the trained ones (decay 0.999).
 */
const gradsheet7774: ModelSpec = {
  id: 'gradsheet-7774',
  title: 'GradSheet 7,774: 3×3 blocks, 1×1 transition, GAP, small Linear',
  description:
    'Conv-BN-ReLU 8→16, a 1×1 transition to 8, MaxPool at RF 6, then 12→14→16→12 up to RF 22, GAP and a 12→10 Linear. ' +
    'Light dropout (2%) in block 2. Passes 99.4% test accuracy within 15 epochs with SGD, OneCycle, light rotation and averaged weights.',
  input: MNIST_INPUT,
  classes: 10,
  layers: [
    conv(8, 3, { bias: false }), batchnorm, relu, //  26×26, RF 3
    conv(16, 3, { bias: false }), batchnorm, relu, // 24×24, RF 5
    conv(8, 1, { bias: false }), batchnorm, relu, // transition: 24×24, RF 5
    { type: 'maxpool', size: 2 }, // 12×12, RF 6
    conv(12, 3, { bias: false }), batchnorm, relu, dropout(0.02), // 10×10, RF 10
    conv(14, 3, { bias: false }), batchnorm, relu, dropout(0.02), // 8×8, RF 14
    conv(16, 3, { bias: false }), batchnorm, relu, dropout(0.02), // 6×6, RF 18
    conv(12, 3, { bias: false }), batchnorm, relu, // 4×4, RF 22
    { type: 'gap' },
    flatten,
    { type: 'dense', units: 10 },
  ],
  // OneCycle's warm-up lets SGD use a high peak rate safely; it anneals to almost 0 by the last epoch.
  training: { epochs: 15, batchSize: 128, optimizer: 'sgd', lr: 0.1, momentum: 0.9, schedule: 'onecycle', emaDecay: 0.999 },
};

/** Seeds 000 and 002: Conv-ReLU-BN throughout, a strided 1×1 instead of MaxPool, AvgPool(5) and a Linear. */
const seed19698: ModelSpec = {
  id: 'seed-19698',
  title: 'Seed 19,698: seven convs with a strided 1×1 transition',
  description:
    'Conv2d-ReLU-BatchNorm ×7 (16, 16, 30, then a 1×1 stride-2 conv to 30, then 16, 16, 32), AvgPool2d(5) and Linear(32→10). ' +
    'The seed logs 99.44% at epoch 13 with SGD at 0.05, divided by 10 after epoch 10.',
  input: MNIST_INPUT,
  classes: 10,
  layers: [
    conv(16, 3), relu, batchnorm,
    conv(16, 3), relu, batchnorm,
    conv(30, 3), relu, batchnorm,
    conv(30, 1, { stride: 2 }), relu, batchnorm,
    conv(16, 3), relu, batchnorm,
    conv(16, 3), relu, batchnorm,
    conv(32, 3), relu, batchnorm,
    { type: 'avgpool', size: 5 },
    flatten,
    { type: 'dense', units: 10 },
  ],
  // The log: lr 5.0000e-02 for epochs 1–10, 5.0000e-03 from epoch 11; 118 batches an epoch is a batch of 512.
  training: { epochs: 20, batchSize: 512, optimizer: 'sgd', lr: 0.05, momentum: 0.9, schedule: 'step', stepSize: 10, gamma: 0.1 },
};

/** Seed 001: a 5×5 first conv, MaxPool early, dropout after three of the blocks. */
const seed11154: ModelSpec = {
  id: 'seed-11154',
  title: 'Seed 11,154: 5×5 stem, MaxPool, dropout, AvgPool',
  description:
    'Conv2d 5×5 to 4 channels, then 3×3 convs to 8, 16, 32 and 16, each followed by ReLU and BatchNorm; MaxPool after the second, ' +
    'dropout after the pool and two later blocks; AvgPool2d(5) and Linear(16→10). The seed logs 99.40–99.42% at epochs 13, 18 and 19.',
  input: MNIST_INPUT,
  classes: 10,
  layers: [
    conv(4, 5), relu, batchnorm,
    conv(8, 3), relu, batchnorm,
    { type: 'maxpool', size: 2 },
    dropout(0.1),
    conv(16, 3), relu, batchnorm,
    dropout(0.1),
    conv(32, 3), relu, batchnorm,
    conv(16, 3), relu, batchnorm,
    dropout(0.1),
    { type: 'avgpool', size: 5 },
    flatten,
    { type: 'dense', units: 10 },
  ],
  // The seed names no optimiser; 469 batches an epoch is a batch of 128, for 20 epochs.
  training: { epochs: 20, batchSize: 128, optimizer: 'sgd', lr: 0.01, momentum: 0.9, schedule: 'none' },
};

/** Seed 004: Conv-BN-Dropout-ReLU, two MaxPools, a wide last conv, GAP and a Linear. */
const seed18050: ModelSpec = {
  id: 'seed-18050',
  title: 'Seed 18,050: Conv-BN-Dropout-ReLU, two MaxPools, GAP',
  description:
    'Conv2d-BatchNorm-Dropout(0.02)-ReLU with 8, 16 and 32 channels, MaxPool after the second and third, a last 3×3 conv to 40 ' +
    'with BatchNorm only, AdaptiveAvgPool2d(1) and Linear(40→10). The seed logs 99.13% after 19 epochs.',
  input: MNIST_INPUT,
  classes: 10,
  layers: [
    conv(8, 3), batchnorm, dropout(0.02), relu,
    conv(16, 3), batchnorm, dropout(0.02), relu,
    { type: 'maxpool', size: 2 },
    conv(32, 3), batchnorm, dropout(0.02), relu,
    { type: 'maxpool', size: 2 },
    conv(40, 3), batchnorm,
    { type: 'gap' },
    flatten,
    { type: 'dense', units: 10 },
  ],
  // The text says 20 epochs and a batch of 512, but the log shows 19 epochs of 469 batches (a batch of 128): the log wins.
  training: { epochs: 19, batchSize: 128, optimizer: 'sgd', lr: 0.01, momentum: 0.9, schedule: 'none' },
};

/** The model used when none is named. */
export const DEFAULT_MODEL_ID = gradsheet7774.id;

/** Built-in models, the default first. */
export const MODEL_ZOO: readonly ModelSpec[] = [gradsheet7774, seed19698, seed11154, seed18050];

export function modelIds(): string[] {
  return MODEL_ZOO.map((model) => model.id);
}

/** Whether this id names a built-in model (else it is a learner's design). */
export function isBuiltInModel(id: string): boolean {
  return MODEL_ZOO.some((model) => model.id === id);
}

/** The built-in model with this id; GradSheetError UNKNOWN_MODEL, listing the ids, when there is none. */
export function getModel(id: string): ModelSpec {
  const model = MODEL_ZOO.find((candidate) => candidate.id === id);
  if (!model) throw new GradSheetError('UNKNOWN_MODEL', `unknown model "${id}"; known models: ${modelIds().join(', ')}`);
  return model;
}
