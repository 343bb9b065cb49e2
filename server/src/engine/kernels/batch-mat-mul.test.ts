import { beforeAll, describe, expect, it } from 'vitest';
import { kernelOnBoth, relativeError, seededRandom, startWasm } from '../../../test/kernel-testing.js';
import { availableKernelVariants, useKernelVariant } from '../simd/simd-kernels.js';

interface MatMulCase {
  readonly a: number[];
  readonly b: number[];
  readonly transposeA: boolean;
  readonly transposeB: boolean;
}

const size = (shape: number[]) => shape.reduce((x, y) => x * y, 1);

/** A product [batch, m, k]·[batch, k, n] in the layout each transpose asks for. */
function matMulCase(batchA: number, batchB: number, m: number, k: number, n: number, transposeA: boolean, transposeB: boolean): MatMulCase {
  return {
    a: [batchA, ...(transposeA ? [k, m] : [m, k])],
    b: [batchB, ...(transposeB ? [n, k] : [k, n])],
    transposeA,
    transposeB,
  };
}

describe.each(availableKernelVariants())('BatchMatMul on wasm (%s kernels) matches the cpu backend', (variant) => {
  beforeAll(async () => {
    await startWasm();
    useKernelVariant(variant);
  });

  const random = seededRandom(41);
  const cases: MatMulCase[] = [];
  for (const transposeA of [false, true]) {
    for (const transposeB of [false, true]) {
      // Sizes around the blocks of four rows and eight columns, and a Linear layer's gradients.
      for (const [m, k, n] of [[1, 1, 1], [3, 5, 7], [4, 8, 8], [5, 9, 13], [17, 3, 10], [32, 12, 10], [64, 576, 10], [13, 31, 64]]) {
        cases.push(matMulCase(1, 1, m as number, k as number, n as number, transposeA, transposeB));
      }
      cases.push(matMulCase(3, 3, random.int(1, 9), random.int(1, 9), random.int(1, 9), transposeA, transposeB));
      cases.push(matMulCase(1, 2, random.int(1, 9), random.int(1, 9), random.int(1, 9), transposeA, transposeB));
      cases.push(matMulCase(2, 1, random.int(1, 9), random.int(1, 9), random.int(1, 9), transposeA, transposeB));
    }
  }

  it(`${cases.length} products, every transpose, batched and shared operands, relative error ≤ 1e-5`, async () => {
    for (const [i, c] of cases.entries()) {
      const data = seededRandom(100 + i);
      const out = await kernelOnBoth('BatchMatMul', { a: { values: data.normals(size(c.a)), shape: c.a }, b: { values: data.normals(size(c.b)), shape: c.b } }, { transposeA: c.transposeA, transposeB: c.transposeB });
      expect(relativeError(out.wasm, out.cpu), JSON.stringify(c)).toBeLessThanOrEqual(1e-5);
    }
  });
});
