/**
 * BatchMatMul for wasm in GradSheet's SIMD kernels: C = op(A)·op(B), each transposed
 * or not, for every matrix of a batch (the same batch on both sides, or one side
 * shared). A Linear layer's gradients are such products with a transpose (dW = xᵀ·dy,
 * dx = dy·Wᵀ), which the shipped kernel computes in a scalar loop: on a 576 → 64
 * layer at batch 256, a tenth of a training step.
 */
import { util } from '@tensorflow/tfjs';
import type { BatchMatMulAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { addressOf, simdKernels, withScratch } from '../simd/simd-kernels.js';
import { shippedKernel, WASM } from './wasm-scope.js';

const batchMatMul: KernelFunc = (args) => {
  const wasm = args.backend as BackendWasm;
  const a = args.inputs['a'] as TensorInfo;
  const b = args.inputs['b'] as TensorInfo;
  const { transposeA, transposeB } = args.attrs as unknown as BatchMatMulAttrs;
  const batchA = util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = util.sizeFromShape(b.shape.slice(0, -2));
  const batch = Math.max(batchA, batchB);
  // Broadcasting beyond one shared matrix, or other types, go to the shipped kernel.
  const simple = a.dtype === 'float32' && b.dtype === 'float32' && a.shape.length >= 2 && b.shape.length >= 2 && (batchA === batchB || batchA === 1 || batchB === 1);
  if (!simple) return shippedKernel('BatchMatMul')(args);
  const [aRows, aCols] = a.shape.slice(-2) as [number, number];
  const [bRows, bCols] = b.shape.slice(-2) as [number, number];
  const m = transposeA ? aCols : aRows;
  const k = transposeA ? aRows : aCols;
  const n = transposeB ? bRows : bCols;
  if ((transposeB ? bCols : bRows) !== k) return shippedKernel('BatchMatMul')(args);
  const outer = (batchA >= batchB ? a : b).shape.slice(0, -2);
  const c = wasm.makeOutput([...outer, m, n], 'float32');
  if (m === 0 || n === 0) return c;
  const kernels = simdKernels(wasm);
  const nP = Math.ceil(n / 4) * 4;
  // A(r, i) in place: a row of A is aCols floats; transposed, rows and columns swap.
  const aRow = transposeA ? 4 : aCols * 4;
  const aCol = transposeA ? aCols * 4 : 4;
  const bRow = transposeB ? 4 : bCols * 4;
  const bCol = transposeB ? bCols * 4 : 4;
  withScratch(wasm, k * nP * 4, (packed) => {
    for (let i = 0; i < batch; i++) {
      const aAt = addressOf(wasm, a) + (batchA === 1 ? 0 : i * aRows * aCols * 4);
      const bAt = addressOf(wasm, b) + (batchB === 1 ? 0 : i * bRows * bCols * 4);
      if (i === 0 || batchB !== 1) kernels.packColumns(bAt, packed, k, n, nP, bRow, bCol);
      kernels.gemm(aAt, aRow, aCol, packed, addressOf(wasm, c) + i * m * n * 4, m, n, nP, k);
    }
  });
  return c;
};

export const batchMatMulConfig: KernelConfig = { kernelName: 'BatchMatMul', backendName: WASM, kernelFunc: batchMatMul };
