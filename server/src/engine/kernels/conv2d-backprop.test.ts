import { backend_util } from '@tensorflow/tfjs';
import type { NamedAttrMap } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { kernelOnBoth, relativeError, runOn, seededRandom, startWasm } from '../../../test/kernel-testing.js';
import { conv2dWithBias } from './conv2d.js';
import { useWinograd, winogradFits } from './winograd.js';
import { availableKernelVariants, useKernelVariant } from '../simd/simd-kernels.js';

type Pad = 'same' | 'valid' | number | [[0, 0], [number, number], [number, number], [0, 0]];

interface ConvCase {
  readonly x: [number, number, number, number];
  readonly filter: [number, number, number, number];
  readonly strides: [number, number];
  readonly pad: Pad;
}

/** Random cases over the ranges the models use: batch 1–4, channels 1–8, sizes 5–14, kernels 1/3/5, strides 1/2. */
/** y, dW and dx each within 1e-5 (relative) of tfjs' cpu backend; the case names a failure. */
function expectAccurate(errors: { forward: number; filter: number; input: number }, c: ConvCase): void {
  const label = JSON.stringify(c);
  expect(errors.forward, `y ${label}`).toBeLessThanOrEqual(1e-5);
  expect(errors.filter, `dW ${label}`).toBeLessThanOrEqual(1e-5);
  expect(errors.input, `dx ${label}`).toBeLessThanOrEqual(1e-5);
}

/** Every case checked, each with its own seed from `firstSeed` on. */
async function expectAllAccurate(cases: readonly ConvCase[], firstSeed: number): Promise<void> {
  for (const [i, c] of cases.entries()) expectAccurate(await checkBackprop(c, firstSeed + i), c);
}

function convCases(seed: number, count: number, pads: () => Pad): ConvCase[] {
  const random = seededRandom(seed);
  const kernels = [1, 3, 5];
  return Array.from({ length: count }, () => {
    const k = kernels[random.int(0, 2)] as number;
    return {
      x: [random.int(1, 4), random.int(5, 14), random.int(5, 14), random.int(1, 8)],
      filter: [k, k, 0, random.int(1, 8)],
      strides: [random.int(1, 2), random.int(1, 2)],
      pad: pads(),
    } satisfies ConvCase;
  }).map((c) => ({ ...c, filter: [c.filter[0], c.filter[1], c.x[3], c.filter[3]] }));
}

function dyShape(c: ConvCase): [number, number, number, number] {
  return backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad).outShape;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

async function checkBackprop(c: ConvCase, seed: number): Promise<{ forward: number; filter: number; input: number }> {
  const random = seededRandom(seed);
  const dyDims = dyShape(c);
  const x = { values: random.normals(size(c.x)), shape: c.x };
  const filter = { values: random.normals(size(c.filter)), shape: c.filter };
  const dy = { values: random.normals(size(dyDims)), shape: dyDims };
  const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC' } as unknown as NamedAttrMap;
  const dW = await kernelOnBoth('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: c.filter });
  const dX = await kernelOnBoth('Conv2DBackpropInput', { dy, filter }, { ...attrs, inputShape: c.x });
  const y = await kernelOnBoth('Conv2D', { x, filter }, { ...attrs, dilations: [1, 1] } as unknown as NamedAttrMap);
  return { forward: relativeError(y.wasm, y.cpu), filter: relativeError(dW.wasm, dW.cpu), input: relativeError(dX.wasm, dX.cpu) };
}

describe.each(availableKernelVariants())('Conv2D, Conv2DBackpropFilter and Conv2DBackpropInput on wasm (%s kernels) match the cpu backend', (variant) => {
  beforeAll(async () => {
    await startWasm();
    useKernelVariant(variant);
  });
  const samePadding = convCases(1, 40, () => 'same');
  const validPadding = convCases(2, 40, () => 'valid');
  const explicitRandom = seededRandom(3);
  const explicitPadding = convCases(4, 20, () =>
    explicitRandom.next() < 0.5
      ? explicitRandom.int(0, 2)
      : [[0, 0], [explicitRandom.int(0, 2), explicitRandom.int(0, 2)], [explicitRandom.int(0, 2), explicitRandom.int(0, 2)], [0, 0]],
  );

  for (const [name, cases] of [
    ['same', samePadding],
    ['valid', validPadding],
    ['explicit', explicitPadding],
  ] as const) {
    it(`${name} padding, ${cases.length} random shapes, relative error ≤ 1e-5`, async () => {
      await expectAllAccurate(cases, 100);
    });
  }

  it.each([
    { x: [3, 9, 7, 5], filter: [1, 1, 5, 6], strides: [1, 1], pad: 'valid' },
    { x: [8, 24, 24, 16], filter: [1, 1, 16, 8], strides: [1, 1], pad: 'same' },
  ] satisfies ConvCase[])('1×1 filters at stride 1 (a matrix product): %j', async (c) => {
    const errors = await checkBackprop(c, 11);
    expectAccurate(errors, c);
  });

  it.each([
    { x: [4, 26, 26, 8], filter: [3, 3, 8, 16], strides: [1, 1], pad: 'valid' },
    { x: [3, 10, 10, 12], filter: [3, 3, 12, 14], strides: [1, 1], pad: 'valid' },
    { x: [2, 9, 11, 5], filter: [3, 3, 5, 20], strides: [2, 1], pad: 'same' },
    { x: [2, 8, 8, 16], filter: [5, 5, 16, 13], strides: [1, 2], pad: 2 },
    { x: [2, 7, 9, 5], filter: [3, 3, 5, 15], strides: [1, 1], pad: 'same' },
  ] satisfies ConvCase[])('the models\' wider layers, 12 to 20 output channels (whole and padded vectors, paired and single input channels): %j', async (c) => {
    const errors = await checkBackprop(c, 13);
    expectAccurate(errors, c);
  });

  // Designs may use any kernel from 1 to 7, strides up to 3 (also above the kernel, which
  // skips input pixels), odd sizes, and channel counts that are not multiples of four.
  const designRandom = seededRandom(21);
  const designCases: ConvCase[] = [];
  for (const k of [1, 2, 3, 4, 5, 6, 7]) {
    for (const stride of [1, 2, 3]) {
      for (const pad of ['same', 'valid', Math.floor(k / 2)] as const) {
        const side = designRandom.int(Math.max(k, 5), 15) | 1;
        const inChannels = [1, 3, 5, 17][designRandom.int(0, 3)] as number;
        const outChannels = [1, 3, 5, 17][designRandom.int(0, 3)] as number;
        designCases.push({ x: [designRandom.int(1, 3), side, side, inChannels], filter: [k, k, inChannels, outChannels], strides: [stride, stride], pad });
      }
    }
  }

  it(`the designs' shapes: kernels 1 to 7, strides 1 to 3, 'same', 'valid' and numeric padding, odd sizes, channels 1/3/5/17 (${designCases.length} cases), relative error ≤ 1e-5`, async () => {
    await expectAllAccurate(designCases, 200);
  });

  it.each([
    { x: [2, 28, 28, 1], filter: [7, 7, 1, 17], strides: [2, 2], pad: 3 },
    { x: [2, 13, 13, 17], filter: [5, 5, 17, 5], strides: [2, 2], pad: 'same' },
    { x: [3, 11, 11, 3], filter: [1, 1, 3, 17], strides: [3, 3], pad: 'valid' },
    { x: [2, 9, 9, 5], filter: [2, 2, 5, 3], strides: [3, 3], pad: [[0, 0], [1, 1], [1, 1], [0, 0]] },
    { x: [4, 1, 1, 17], filter: [1, 1, 17, 10], strides: [1, 1], pad: 'valid' },
    { x: [2, 7, 7, 12], filter: [7, 7, 12, 10], strides: [1, 1], pad: 'valid' },
    { x: [2, 28, 28, 1], filter: [28, 28, 1, 10], strides: [1, 1], pad: 'valid' },
    { x: [2, 28, 28, 3], filter: [11, 11, 3, 5], strides: [4, 4], pad: 5 },
  ] satisfies ConvCase[])('edge shapes of designs (a 1×1 map, a kernel covering the map, the largest kernels, stride above the kernel): %j', async (c) => {
    const errors = await checkBackprop(c, 17);
    expectAccurate(errors, c);
  });

  // 3×3 convolutions at stride 1 with 8 or more channels on each side run through
  // Winograd's F(2×2, 3×3): odd sizes (a tile that overhangs the output), every padding,
  // channel counts that are not multiples of four, and more tiles than one block (64).
  const winogradRandom = seededRandom(31);
  const winogradCases: ConvCase[] = [];
  for (const pad of ['same', 'valid', 0, 1, 2, [[0, 0], [0, 2], [1, 0], [0, 0]]] satisfies Pad[]) {
    for (const [ci, co] of [[8, 8], [9, 13], [16, 64], [64, 32], [13, 8]] as const) {
      const h = winogradRandom.int(3, 14);
      const w = winogradRandom.int(3, 14);
      winogradCases.push({ x: [winogradRandom.int(1, 5), h, w, ci], filter: [3, 3, ci, co], strides: [1, 1], pad });
    }
  }

  it(`3×3 at stride 1 through Winograd: odd and even sizes, every padding, 8 to 64 channels (${winogradCases.length} cases), relative error ≤ 1e-5`, async () => {
    // Small layers would go the direct way by the gain: make every case take Winograd.
    useWinograd('always');
    onTestFinished(() => useWinograd('auto'));
    await expectAllAccurate(winogradCases, 300);
  });

  it.each([
    { x: [16, 6, 6, 64], filter: [3, 3, 64, 64], strides: [1, 1], pad: 'same' },
    { x: [8, 24, 24, 16], filter: [3, 3, 16, 30], strides: [1, 1], pad: 'valid' },
    { x: [3, 14, 14, 24], filter: [3, 3, 24, 48], strides: [1, 1], pad: 1 },
  ] satisfies ConvCase[])('the zoo\'s and designs\' Winograd layers, many blocks of tiles: %j', async (c) => {
    const info = backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad);
    expect((['forward', 'input', 'filter'] as const).map((pass) => winogradFits(info, pass))).toEqual([true, true, true]);
    const errors = await checkBackprop(c, 19);
    expectAccurate(errors, c);
  });

  it('covers stride 2 with leftover rows, where dW crops and dx pads', async () => {
    const c: ConvCase = { x: [2, 14, 13, 3], filter: [3, 3, 3, 4], strides: [2, 2], pad: 'valid' };
    const errors = await checkBackprop(c, 7);
    expectAccurate(errors, c);
  });
});

describe('a convolution with its bias in one kernel', () => {
  beforeAll(startWasm);

  it.each([
    { x: [3, 9, 9, 5], filter: [3, 3, 5, 6], strides: 1, pad: 'valid' },
    { x: [2, 11, 11, 4], filter: [5, 5, 4, 17], strides: 2, pad: 2 },
    { x: [2, 8, 8, 16], filter: [3, 3, 16, 8], strides: 1, pad: 'same' },
  ] as const)('value and gradients of x, filter and bias equal conv2d + add on cpu: %j', async (c) => {
    const random = seededRandom(23);
    const x = random.normals(size([...c.x]));
    const filter = random.normals(size([...c.filter]));
    const bias = random.normals(c.filter[3]);
    const outShape = backend_util.computeConv2DInfo([...c.x], [...c.filter], c.strides, 1, c.pad).outShape;
    const dyValues = random.normals(size(outShape));
    const compute = (fused: boolean) => () => {
      const [xt, ft, bt] = [tf.tensor4d(x, [...c.x]), tf.tensor4d(filter, [...c.filter]), tf.tensor1d(bias)];
      const forward = (a: tf.Tensor, b: tf.Tensor, d: tf.Tensor) =>
        fused ? conv2dWithBias(a as tf.Tensor4D, b as tf.Tensor4D, d as tf.Tensor1D, c.strides, c.pad) : tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad).add(d);
      const y = forward(xt, ft, bt);
      const dy = tf.tensor(dyValues, y.shape);
      const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, d: tf.Tensor) => forward(a, b, d).mul(dy).sum())([xt, ft, bt]);
      return tf.concat([y.flatten(), ...grads.map((g) => g.flatten())]);
    };
    const wasm = await runOn('wasm', compute(true));
    const cpu = await runOn('cpu', compute(false));
    expect(relativeError(wasm, cpu)).toBeLessThanOrEqual(1e-5);
  });
});
