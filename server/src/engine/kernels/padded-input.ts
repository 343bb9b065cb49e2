import type { backend_util } from '@tensorflow/tfjs';
import type { SimdExports } from '../simd/simd-kernels.js';

/** The input rows (or columns) that Winograd's 2×2 output tiles of a 3×3 convolution read for `out` output rows. */
export const winogradSpan = (out: number) => 2 * Math.ceil(out / 2) + 2;

/**
 * The input of a convolution as its 'valid' kernels read it: every window in range.
 * Where the convolution pads, the input is copied into a zeroed buffer with the
 * padding around it; rows and columns that no window reaches (a stride that skips the
 * last pixels) are left out. `bytes` is the scratch the copy needs, 0 when none.
 */
export interface PaddedInput {
  readonly rows: number;
  readonly cols: number;
  readonly bytes: number;
  /** Copies x into `scratch` when a copy is needed; returns the address the kernels read. */
  place(kernels: SimdExports, x: number, scratch: number): number;
}

export function paddedInput(info: backend_util.Conv2DInfo, tiles: 'pixels' | 'winograd' = 'pixels'): PaddedInput {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  // Every window: (out − 1)·stride + kernel rows and columns; Winograd's 2×2 tiles read
  // one row and column more where the output's size is odd (zeros).
  const rows = tiles === 'winograd' ? winogradSpan(outHeight) : (outHeight - 1) * strideHeight + filterHeight;
  const cols = tiles === 'winograd' ? winogradSpan(outWidth) : (outWidth - 1) * strideWidth + filterWidth;
  const pads = top > 0 || left > 0 || rows > inHeight || cols > inWidth;
  if (!pads) return { rows: inHeight, cols: inWidth, bytes: 0, place: (_, x) => x };
  return {
    rows,
    cols,
    bytes: batchSize * rows * cols * inChannels * 4,
    place(kernels, x, scratch) {
      kernels.padInput(x, scratch, batchSize, inHeight, inWidth, inChannels, rows, cols, top, left, 1, 1);
      return scratch;
    },
  };
}
