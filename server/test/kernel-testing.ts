/**
 * Helpers for the kernel tests: run the same computation on wasm (with GradSheet's
 * kernels) and on the cpu backend, moving data across as plain arrays.
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/engine/backend/select-backend.js';

export type Backend = 'wasm' | 'cpu';

let started: Promise<unknown> | undefined;

/** Starts wasm with our kernels once per test file; the cpu backend needs nothing. */
export function startWasm(): Promise<unknown> {
  started ??= selectBackend('wasm');
  return started;
}

/** Runs `compute` on `backend` and returns its result as a fresh Float32Array. */
export async function runOn(backend: Backend, compute: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(backend);
  return tf.tidy(compute).dataSync().slice() as Float32Array;
}

/** Runs a kernel directly (no tape) on both backends, inputs rebuilt from `data`. */
export async function kernelOnBoth(
  kernelName: string,
  data: Record<string, { values: Float32Array; shape: number[] }>,
  attrs: tf.NamedAttrMap,
): Promise<{ wasm: Float32Array; cpu: Float32Array }> {
  const compute = () => {
    const inputs: Record<string, tf.Tensor> = {};
    for (const [name, { values, shape }] of Object.entries(data)) inputs[name] = tf.tensor(values, shape);
    return tf.engine().runKernel(kernelName, inputs, attrs) as tf.Tensor;
  };
  return { wasm: await runOn('wasm', compute), cpu: await runOn('cpu', compute) };
}

/** max |a − b| / max |b|; 0 when both are all zeros. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs((a[i] as number) - (b[i] as number)));
    scale = Math.max(scale, Math.abs(b[i] as number));
  }
  return scale === 0 ? diff : diff / scale;
}

/** A small seeded generator (mulberry32), so failing cases can be replayed. */
export function seededRandom(seed: number): { next(): number; int(lo: number, hi: number): number; normals(n: number): Float32Array } {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    normals: (n) => Float32Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next())),
  };
}
