/**
 * Building blocks for kernels that are compositions of the wasm backend's own kernels.
 * They run below the engine (no tape, no tensor tracking), so a kernel must free every
 * intermediate it makes: a WasmScope records them and frees all but the result.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { assertState, GradSheetError } from '@gradsheet/shared';

export const WASM = 'wasm';

/** Pads on each side of the two spatial axes; a negative pad crops. */
export interface SpatialPads {
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;
}

export class WasmScope {
  private readonly made: TensorInfo[] = [];

  constructor(readonly backend: BackendWasm) {}

  /** Runs the kernel registered for wasm under `name` and records its output. */
  run(name: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const kernel = tf.getKernel(name, WASM);
    if (kernel === undefined) throw missingKernel(name);
    const out = kernel.kernelFunc({ inputs, attrs, backend: this.backend });
    assertState(!Array.isArray(out), `the wasm ${name} kernel returns one tensor`);
    this.made.push(out);
    return out;
  }

  /** Frees every recorded intermediate except `result`, which the caller hands to the engine. */
  keep(result: TensorInfo): TensorInfo {
    for (const info of this.made) if (info !== result) this.backend.disposeData(info.dataId);
    this.made.length = 0;
    return result;
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  /**
   * NHWC conv2d (XNNPACK) with explicit pads that may be negative: a negative pad
   * crops the input first, since XNNPACK only takes pads ≥ 0.
   */
  conv2d(x: TensorInfo, filter: TensorInfo, pads: SpatialPads, strides: [number, number], dilations: [number, number]): TensorInfo {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const crop = (p: number) => Math.max(0, -p);
    let input = x;
    if (pads.top < 0 || pads.bottom < 0 || pads.left < 0 || pads.right < 0) {
      input = this.run(
        'Slice',
        { x },
        {
          begin: [0, crop(pads.top), crop(pads.left), 0],
          size: [n, h - crop(pads.top) - crop(pads.bottom), w - crop(pads.left) - crop(pads.right), c],
        },
      );
    }
    const pad = (p: number) => Math.max(0, p);
    return this.run(
      'Conv2D',
      { x: input, filter },
      {
        strides,
        dilations,
        pad: [
          [0, 0],
          [pad(pads.top), pad(pads.bottom)],
          [pad(pads.left), pad(pads.right)],
          [0, 0],
        ],
        dataFormat: 'NHWC',
      },
    );
  }
}

/** The wasm backend's own kernels that ours replace, for the cases ours leave to them. */
const shippedKernels = new Map<string, KernelFunc>();

export function rememberShippedKernel(name: string, kernelFunc: KernelFunc): void {
  shippedKernels.set(name, kernelFunc);
}

export function shippedKernel(name: string): KernelFunc {
  const kernelFunc = shippedKernels.get(name);
  if (kernelFunc === undefined) throw missingKernel(name);
  return kernelFunc;
}

/** A tfjs wasm backend without a kernel GradSheet's kernels build on: another tfjs version than the one GradSheet ships with. */
function missingKernel(name: string): GradSheetError {
  return new GradSheetError('BACKEND_UNAVAILABLE', `The wasm backend has no ${name} kernel; reinstall GradSheet's dependencies (npm install).`);
}

/** A float32 view of a tensor's memory on the wasm heap; valid until the next allocation. */
export function heapView(backend: BackendWasm, info: TensorInfo): Float32Array {
  assertState(info.dtype === 'float32', `a float32 tensor, not ${info.dtype}`);
  return backend.typedArrayFromHeap(info) as Float32Array;
}

export function requireNhwc(dataFormat: string, kernel: string): void {
  // GradSheet's models are NHWC throughout.
  assertState(dataFormat === 'NHWC', `${kernel} on wasm runs NHWC data, not ${dataFormat}`);
}
