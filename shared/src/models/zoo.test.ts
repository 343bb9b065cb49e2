import { describe, expect, it } from 'vitest';
import { GradSheetError } from '../errors.js';
import { countParams, inferShapes } from './shapes.js';
import { summaryText } from './summary.js';
import { DEFAULT_MODEL_ID, MODEL_ZOO, getModel, isBuiltInModel, modelIds } from './zoo.js';

/** The torchsummary tables exactly as the seeds print them. */
const SEED_TABLES: Record<string, string> = {
  // Seeds 000 and 002.
  'seed-19698': `
----------------------------------------------------------------
        Layer (type)               Output Shape         Param #
================================================================
            Conv2d-1           [-1, 16, 26, 26]             160
              ReLU-2           [-1, 16, 26, 26]               0
       BatchNorm2d-3           [-1, 16, 26, 26]              32
            Conv2d-4           [-1, 16, 24, 24]           2,320
              ReLU-5           [-1, 16, 24, 24]               0
       BatchNorm2d-6           [-1, 16, 24, 24]              32
            Conv2d-7           [-1, 30, 22, 22]           4,350
              ReLU-8           [-1, 30, 22, 22]               0
       BatchNorm2d-9           [-1, 30, 22, 22]              60
           Conv2d-10           [-1, 30, 11, 11]             930
             ReLU-11           [-1, 30, 11, 11]               0
      BatchNorm2d-12           [-1, 30, 11, 11]              60
           Conv2d-13             [-1, 16, 9, 9]           4,336
             ReLU-14             [-1, 16, 9, 9]               0
      BatchNorm2d-15             [-1, 16, 9, 9]              32
           Conv2d-16             [-1, 16, 7, 7]           2,320
             ReLU-17             [-1, 16, 7, 7]               0
      BatchNorm2d-18             [-1, 16, 7, 7]              32
           Conv2d-19             [-1, 32, 5, 5]           4,640
             ReLU-20             [-1, 32, 5, 5]               0
      BatchNorm2d-21             [-1, 32, 5, 5]              64
        AvgPool2d-22             [-1, 32, 1, 1]               0
           Linear-23                   [-1, 10]             330
================================================================
Total params: 19,698
Trainable params: 19,698
Non-trainable params: 0
----------------------------------------------------------------`,
  // Seed 001.
  'seed-11154': `
----------------------------------------------------------------
        Layer (type)               Output Shape         Param #
================================================================
            Conv2d-1            [-1, 4, 24, 24]             104
              ReLU-2            [-1, 4, 24, 24]               0
       BatchNorm2d-3            [-1, 4, 24, 24]               8
            Conv2d-4            [-1, 8, 22, 22]             296
              ReLU-5            [-1, 8, 22, 22]               0
       BatchNorm2d-6            [-1, 8, 22, 22]              16
         MaxPool2d-7            [-1, 8, 11, 11]               0
           Dropout-8            [-1, 8, 11, 11]               0
            Conv2d-9             [-1, 16, 9, 9]           1,168
             ReLU-10             [-1, 16, 9, 9]               0
      BatchNorm2d-11             [-1, 16, 9, 9]              32
          Dropout-12             [-1, 16, 9, 9]               0
           Conv2d-13             [-1, 32, 7, 7]           4,640
             ReLU-14             [-1, 32, 7, 7]               0
      BatchNorm2d-15             [-1, 32, 7, 7]              64
           Conv2d-16             [-1, 16, 5, 5]           4,624
             ReLU-17             [-1, 16, 5, 5]               0
      BatchNorm2d-18             [-1, 16, 5, 5]              32
          Dropout-19             [-1, 16, 5, 5]               0
        AvgPool2d-20             [-1, 16, 1, 1]               0
           Linear-21                   [-1, 10]             170
================================================================
Total params: 11,154
Trainable params: 11,154
Non-trainable params: 0
----------------------------------------------------------------`,
  // Seed 004.
  'seed-18050': `
----------------------------------------------------------------
        Layer (type)               Output Shape         Param #
================================================================
            Conv2d-1            [-1, 8, 26, 26]              80
       BatchNorm2d-2            [-1, 8, 26, 26]              16
           Dropout-3            [-1, 8, 26, 26]               0
              ReLU-4            [-1, 8, 26, 26]               0
            Conv2d-5           [-1, 16, 24, 24]           1,168
       BatchNorm2d-6           [-1, 16, 24, 24]              32
           Dropout-7           [-1, 16, 24, 24]               0
              ReLU-8           [-1, 16, 24, 24]               0
         MaxPool2d-9           [-1, 16, 12, 12]               0
           Conv2d-10           [-1, 32, 10, 10]           4,640
      BatchNorm2d-11           [-1, 32, 10, 10]              64
          Dropout-12           [-1, 32, 10, 10]               0
             ReLU-13           [-1, 32, 10, 10]               0
        MaxPool2d-14             [-1, 32, 5, 5]               0
           Conv2d-15             [-1, 40, 3, 3]          11,560
      BatchNorm2d-16             [-1, 40, 3, 3]              80
AdaptiveAvgPool2d-17             [-1, 40, 1, 1]               0
           Linear-18                   [-1, 10]             410
================================================================
Total params: 18,050
Trainable params: 18,050
Non-trainable params: 0
----------------------------------------------------------------`,
};

describe('the seed models', () => {
  it.each(Object.entries(SEED_TABLES))('%s reproduces its seed table exactly', (id, table) => {
    expect(summaryText(getModel(id), { receptiveField: false })).toBe(table.slice(1));
  });

  it.each([
    ['seed-19698', 19_698],
    ['seed-11154', 11_154],
    ['seed-18050', 18_050],
  ])('%s has %i parameters', (id, total) => {
    expect(countParams(getModel(id))).toBe(total);
  });

  it('keeps the seeds\' training set-ups that the logs show', () => {
    expect(getModel('seed-19698').training).toMatchObject({ lr: 0.05, schedule: 'step', stepSize: 10, gamma: 0.1, batchSize: 512, epochs: 20 });
    expect(getModel('seed-11154').training).toMatchObject({ batchSize: 128, epochs: 20 });
    expect(getModel('seed-18050').training).toMatchObject({ batchSize: 128, epochs: 19 });
  });
});

describe("GradSheet's own model", () => {
  const own = getModel(DEFAULT_MODEL_ID);

  it('is the default and stays under 8,000 parameters, matching its id', () => {
    expect(MODEL_ZOO[0]).toBe(own);
    const params = countParams(own);
    expect(params).toBeLessThan(8_000);
    expect(own.id).toBe(`gradsheet-${params}`);
  });

  it('uses what the course asks for: BatchNorm, dropout, GAP, a Linear, at most 15 epochs', () => {
    const types = own.layers.map((layer) => layer.type);
    for (const type of ['batchnorm', 'dropout', 'gap', 'dense', 'maxpool'] as const) expect(types).toContain(type);
    expect(own.training.epochs).toBeLessThanOrEqual(15);
  });

  it('pools at RF 6 and reaches RF 22 at its last conv', () => {
    const shapes = inferShapes(own);
    const pool = shapes.find((s) => s.layer.type === 'maxpool');
    const lastConv = shapes.filter((s) => s.layer.type === 'conv2d').at(-1);
    expect(pool?.receptiveField).toBe(6);
    expect(lastConv?.receptiveField).toBe(22);
    expect(lastConv?.outputShape).toEqual([12, 4, 4]);
  });
});

describe('the zoo', () => {
  it('has unique ids and only models that build', () => {
    expect(new Set(modelIds()).size).toBe(MODEL_ZOO.length);
    for (const model of MODEL_ZOO) expect(() => inferShapes(model)).not.toThrow();
  });

  it('rejects an unknown id, listing the known ones', () => {
    const call = () => getModel('resnet-50');
    expect(call).toThrow(GradSheetError);
    expect(call).toThrow(/unknown model "resnet-50"; known models: gradsheet-7774, seed-19698, seed-11154, seed-18050/);
  });

  it('tells a built-in model from a design by its id', () => {
    for (const id of modelIds()) expect(isBuiltInModel(id)).toBe(true);
    expect(isBuiltInModel('my-design-3')).toBe(false);
    expect(isBuiltInModel('GRADSHEET-7774')).toBe(false);
  });
});
