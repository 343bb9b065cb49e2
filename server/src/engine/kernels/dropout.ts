/**
 * Dropout as one kernel that is its own gradient: element i of a call seeded `seed` is
 * dropped when a counter-based hash of (seed, i) falls below rate·2³², so the backward
 * pass makes the same mask from the seed and nothing is stored between them. It
 * replaces a mask drawn element by element in JavaScript and uploaded, a Multiply each
 * way and a Cast of the mask. On wasm it runs in GradSheet's SIMD kernels (dropout.ts
 * in server/assembly), on cpu in the loop below, which computes the same hash, so both
 * drop the same elements; other backends multiply by the same mask made here.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { addressOf, simdKernels } from '../simd/simd-kernels.js';
import { WASM } from './wasm-scope.js';
import { kernelSet } from './kernel-set.js';

export const DROPOUT = 'GradSheetDropout';

interface DropoutAttrs {
  readonly rate: number;
  /** An unsigned 32-bit seed. */
  readonly seed: number;
}

/** murmur3's finaliser of i·φ + seed: the same bits as the SIMD kernel's. */
function dropoutHash(seed: number, i: number): number {
  let h = (Math.imul(i, 0x9e3779b1) + seed) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The threshold below which a hash drops its element, and the kept elements' scale (a float32, as the kernels multiply). */
function constants({ rate }: DropoutAttrs): { threshold: number; keep: number } {
  return { threshold: Math.min(2 ** 32 - 1, Math.floor(rate * 2 ** 32)), keep: Math.fround(1 / (1 - rate)) };
}

/** out[i] = x[i]·keep, or 0 where the mask drops element i. */
export function applyDropout(x: Float32Array, out: Float32Array, attrs: DropoutAttrs): void {
  const { threshold, keep } = constants(attrs);
  for (let i = 0; i < x.length; i++) out[i] = dropoutHash(attrs.seed, i) < threshold ? 0 : Math.fround((x[i] as number) * keep);
}

const attrsOf = (attrs: NamedAttrMap | undefined) => attrs as unknown as DropoutAttrs;

const wasmDropout: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const x = inputs['x'] as TensorInfo;
  const out = wasm.makeOutput([...x.shape], 'float32');
  const { threshold, keep } = constants(attrsOf(attrs));
  simdKernels(wasm).dropout(addressOf(wasm, x), addressOf(wasm, out), x.shape.reduce((a, b) => a * b, 1), attrsOf(attrs).seed, threshold, keep);
  return out;
};

/** The cpu backend's tensors are plain arrays. */
interface CpuLike {
  data: { get(id: object): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

const cpuDropout: KernelFunc = ({ inputs, backend, attrs }) => {
  const cpu = backend as unknown as CpuLike;
  const x = inputs['x'] as TensorInfo;
  const values = cpu.data.get(x.dataId).values as Float32Array;
  const out = new Float32Array(values.length);
  applyDropout(values, out, attrsOf(attrs));
  return cpu.makeTensorInfo([...x.shape], 'float32', out);
};

const DROPOUT_KERNELS: readonly KernelConfig[] = [
  { kernelName: DROPOUT, backendName: WASM, kernelFunc: wasmDropout },
  { kernelName: DROPOUT, backendName: 'cpu', kernelFunc: cpuDropout },
];

/** Registers the kernels and their gradient once; true where the current backend has them. */
const hasDropoutKernel = kernelSet(DROPOUT_KERNELS, DROPOUT, [
  {
    kernelName: DROPOUT,
    gradFunc: (dy, _saved, attrs) => ({ x: () => tf.engine().runKernel(DROPOUT, { x: dy as tf.Tensor }, attrs as NamedAttrMap) as tf.Tensor }),
  },
]);

/** x with the elements of this call's mask dropped and the rest scaled by 1/(1 − rate). */
export function dropout(x: tf.Tensor, rate: number, seed: number): tf.Tensor {
  const attrs: DropoutAttrs = { rate, seed: seed >>> 0 };
  if (hasDropoutKernel()) return tf.engine().runKernel(DROPOUT, { x }, attrs as unknown as NamedAttrMap) as tf.Tensor;
  // Other backends: the same mask, made here, times x.
  const mask = new Float32Array(x.size).fill(1);
  applyDropout(mask, mask, attrs);
  return tf.tidy(() => x.mul(tf.tensor(mask, x.shape, 'float32')));
}
