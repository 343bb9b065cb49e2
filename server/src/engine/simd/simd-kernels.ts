/// <reference path="./webassembly.d.ts" />
/**
 * GradSheet's own SIMD kernels (AssemblyScript in `server/assembly`, compiled by the
 * build). One instance per wasm backend, sharing that backend's memory, so the kernels
 * read and write tensors where tfjs keeps them: a tensor's address is its offset on
 * the heap, and no data is copied.
 *
 * The build makes two modules of the same source: `gradsheet-kernels.wasm` (WebAssembly
 * SIMD) and `gradsheet-kernels-relaxed.wasm`, whose multiply-adds use relaxed SIMD's
 * fused multiply-add (one instruction, one rounding, on CPUs with FMA). Node 22 and
 * later run relaxed SIMD as standard; Node 20 has it behind V8's
 * --experimental-wasm-relaxed-simd, which is switched on here when Node 20 validates
 * the relaxed module with it. GRADSHEET_WASM_SIMD=plain keeps the plain module.
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import type { TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { assertState, GradSheetError } from '@gradsheet/shared';

/** The module's exports; every address is a byte offset into the backend's heap. */
export interface SimdExports {
  batchNormPeriod(channels: number): number;
  channelSums(a: number, b: number, mask: number, count: number, channels: number, sumA: number, sumAB: number, scratch: number): void;
  channelAffine(out: number, u: number, v: number, mask: number, relu: boolean, count: number, channels: number, constants: number): void;
  maxPoolGrad(x: number, dy: number, dx: number, batch: number, inHeight: number, inWidth: number, channels: number, outHeight: number, outWidth: number, filterHeight: number, filterWidth: number, strideHeight: number, strideWidth: number, padTop: number, padLeft: number): void;
  repackChannels(from: number, fromStride: number, to: number, toStride: number, pixels: number, channels: number): void;
  padInput(x: number, out: number, batch: number, h: number, w: number, c: number, outH: number, outW: number, top: number, left: number, dh: number, dw: number): void;
  packFilter(w: number, out: number, taps: number, co: number, coP: number): void;
  packPhase(w: number, out: number, kW: number, ci: number, co: number, ciP: number, ph: number, pw: number, sH: number, sW: number, mH: number, mW: number): void;
  conv2dValid(x: number, w: number, bias: number, y: number, batch: number, inH: number, inW: number, ci: number, outH: number, outW: number, co: number, coP: number, kH: number, kW: number, sH: number, sW: number, yImage: number, yBase: number, yRow: number, yCol: number): void;
  packColumns(b: number, out: number, k: number, n: number, nP: number, bRow: number, bCol: number): void;
  gemm(a: number, aRow: number, aCol: number, b: number, c: number, m: number, n: number, nP: number, k: number): void;
  avgPoolGrad(dy: number, dx: number, batch: number, inHeight: number, inWidth: number, channels: number, outHeight: number, outWidth: number, filterHeight: number, filterWidth: number, strideHeight: number, strideWidth: number, padTop: number, padLeft: number, scale: number): void;
  relu(x: number, y: number, count: number): void;
  reluGrad(dy: number, y: number, dx: number, count: number): void;
  dropout(x: number, out: number, count: number, seed: number, threshold: number, keep: number): void;
  winogradFilter(w: number, u: number, cin: number, cout: number, outP: number): void;
  winogradConv(x: number, u: number, bias: number, y: number, work: number, batch: number, inH: number, inW: number, ci: number, outH: number, outW: number, co: number, coP: number): void;
  winogradFilterGrad(x: number, dy: number, dyChannels: number, dw: number, table: number, work: number, batch: number, inH: number, inW: number, ci: number, outH: number, outW: number, co: number): void;
  conv2dFilterGrad(x: number, dy: number, dyChannels: number, dw: number, scratch: number, batch: number, inHeight: number, inWidth: number, inChannels: number, outHeight: number, outWidth: number, outChannels: number, filterHeight: number, filterWidth: number, strideHeight: number, strideWidth: number): void;
}

interface EmscriptenHeap {
  /** The single-threaded builds export their memory; threaded builds import it (`wasmMemory`). */
  readonly asm?: { readonly memory?: WebAssembly.Memory };
  readonly wasmMemory?: WebAssembly.Memory;
  _malloc(bytes: number): number;
  _free(address: number): void;
}

export const KERNELS_WASM = new URL('../../../dist/wasm/gradsheet-kernels.wasm', import.meta.url);
export const RELAXED_KERNELS_WASM = new URL('../../../dist/wasm/gradsheet-kernels-relaxed.wasm', import.meta.url);

/** Which of the two modules runs: 'relaxed' (fused multiply-add) or 'simd'. */
export type KernelVariant = 'relaxed' | 'simd';

const compiled = new Map<KernelVariant, WebAssembly.Module>();
let instances = new WeakMap<BackendWasm, SimdExports>();
let chosen: KernelVariant | null = null;

/** Compiles the kernels' module from `file`; a missing file says how to build it. */
export function compileKernels(file: URL = KERNELS_WASM): WebAssembly.Module {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    throw new GradSheetError('BACKEND_UNAVAILABLE', `GradSheet's wasm kernels are not built (${file.pathname}): run "npm run build".`);
  }
  return new WebAssembly.Module(bytes);
}

function compile(variant: KernelVariant): WebAssembly.Module {
  let module = compiled.get(variant);
  if (!module) {
    module = compileKernels(variant === 'relaxed' ? RELAXED_KERNELS_WASM : KERNELS_WASM);
    compiled.set(variant, module);
  }
  return module;
}

/** The variants this Node can run, the plain one always; relaxed first where it can. */
export function availableKernelVariants(): KernelVariant[] {
  return relaxedSimdRuns() ? ['relaxed', 'simd'] : ['simd'];
}

/** The variant the kernels use: relaxed where Node runs it, unless GRADSHEET_WASM_SIMD=plain. */
export function kernelVariant(): KernelVariant {
  chosen ??= process.env['GRADSHEET_WASM_SIMD'] === 'plain' ? 'simd' : (availableKernelVariants()[0] as KernelVariant);
  return chosen;
}

/** Switches every backend's kernels to `variant` from their next use (the tests run both). */
export function useKernelVariant(variant: KernelVariant): void {
  if (variant === 'relaxed' && !relaxedSimdRuns()) throw new GradSheetError('BACKEND_UNAVAILABLE', 'This Node cannot run relaxed SIMD.');
  chosen = variant;
  instances = new WeakMap();
}

let relaxed: boolean | null = null;

function relaxedSimdRuns(): boolean {
  if (relaxed !== null) return relaxed;
  let bytes: Buffer;
  try {
    bytes = readFileSync(RELAXED_KERNELS_WASM);
  } catch {
    relaxed = false;
    return relaxed;
  }
  let runs = WebAssembly.validate(bytes);
  if (!runs && /^v20\./.test(process.version)) {
    // Node 20's V8 has relaxed SIMD complete but behind a flag; it only affects which modules validate.
    setFlagsFromString('--experimental-wasm-relaxed-simd');
    runs = WebAssembly.validate(bytes);
  }
  relaxed = runs;
  return runs;
}

/** The kernels bound to this backend's heap, instantiated on first use. */
export function simdKernels(backend: BackendWasm): SimdExports {
  let kernels = instances.get(backend);
  if (!kernels) {
    const memory = memoryOf(backend);
    try {
      kernels = new WebAssembly.Instance(compile(kernelVariant()), { env: { memory, abort } }).exports as unknown as SimdExports;
    } catch (error) {
      // A shared (threaded) heap cannot be imported as the plain memory the module declares.
      throw new GradSheetError('BACKEND_UNAVAILABLE', `GradSheet's wasm kernels cannot use this wasm backend's memory: ${error instanceof Error ? error.message : String(error)}`);
    }
    instances.set(backend, kernels);
  }
  return kernels;
}

/** AssemblyScript's abort: a kernel's own assertion failed. */
function abort(): never {
  throw new GradSheetError('INTERNAL', 'a GradSheet wasm kernel aborted');
}

function heapOf(backend: BackendWasm): EmscriptenHeap {
  return backend.wasm as unknown as EmscriptenHeap;
}

function memoryOf(backend: BackendWasm): WebAssembly.Memory {
  const heap = heapOf(backend);
  const memory = heap.asm?.memory ?? heap.wasmMemory;
  if (!memory) throw new GradSheetError('BACKEND_UNAVAILABLE', "GradSheet's wasm kernels found no memory on this wasm backend.");
  return memory;
}

/** The backend's whole heap; a new buffer after each time the heap grows. */
export function heapBuffer(backend: BackendWasm): ArrayBuffer {
  return memoryOf(backend).buffer;
}

/** A tensor's byte offset on the wasm heap. */
export function addressOf(backend: BackendWasm, info: TensorInfo): number {
  const data = backend.dataIdMap.get(info.dataId);
  assertState(data, 'the tensor is on the wasm backend');
  return data.memoryOffset;
}

/** Runs `body` with `bytes` of scratch memory on the heap, 16-byte aligned, freed afterwards. */
export function withScratch<T>(backend: BackendWasm, bytes: number, body: (address: number) => T): T {
  const heap = heapOf(backend);
  const raw = heap._malloc(bytes + 16);
  try {
    return body((raw + 15) & ~15);
  } finally {
    heap._free(raw);
  }
}
