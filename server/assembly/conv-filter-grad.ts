import { madd } from './madd';

// The filter gradient of an NHWC convolution (dilation 1), on an input already padded
// so that every window is in range (padInput):
//   dW[kh, kw, ci, co] = Σ_{n, oh, ow} x[n, oh·sh + kh, ow·sw + kw, ci] · dy[n, oh, ow, co]
// For a filter row kh, the taps (kw, ci) of a window are one contiguous run of kw·ci
// floats, so up to four neighbouring taps are broadcasts at fixed offsets. Four taps ×
// eight output channels accumulate in registers: eight independent multiply-add
// chains, enough to hide their latency. The positions are taken a band of rows at a
// time (about 64 positions), so that a band's x and dy stay in the L1 cache while
// every tap and channel block passes over them; each band adds into a float32 table
// [kh, kw, ci, co padded to a multiple of 4], so each sum is a sum of per-band sums.

/**
 * `taps` (1 to 4) neighbouring taps × `pairs` (1: eight output channels, 0: four) over
 * rows × cols positions, added into acc (one tap's row of the table every accStep
 * bytes). Called with constant taps and pairs, so each call compiles to its own loop.
 */
// @ts-ignore: decorator
@inline function accumulate(taps: i32, pairs: i32, acc: usize, accStep: usize, xp: usize, xStep: usize, xRowStep: usize, dp: usize, dStep: usize, dRowStep: usize, rows: i32, cols: i32): void {
  let a0 = f32x4.splat(0);
  let a1 = a0;
  let b0 = a0;
  let b1 = a0;
  let c0 = a0;
  let c1 = a0;
  let e0 = a0;
  let e1 = a0;
  for (let r = 0; r < rows; r++) {
    let xq = xp;
    let dq = dp;
    for (let c = 0; c < cols; c++) {
      const d0 = v128.load(dq);
      const d1 = pairs > 0 ? v128.load(dq, 16) : d0;
      const x0 = v128.load32_splat(xq);
      a0 = madd(x0, d0, a0);
      if (pairs > 0) a1 = madd(x0, d1, a1);
      if (taps > 1) {
        const x1 = v128.load32_splat(xq, 4);
        b0 = madd(x1, d0, b0);
        if (pairs > 0) b1 = madd(x1, d1, b1);
      }
      if (taps > 2) {
        const x2 = v128.load32_splat(xq, 8);
        c0 = madd(x2, d0, c0);
        if (pairs > 0) c1 = madd(x2, d1, c1);
      }
      if (taps > 3) {
        const x3 = v128.load32_splat(xq, 12);
        e0 = madd(x3, d0, e0);
        if (pairs > 0) e1 = madd(x3, d1, e1);
      }
      xq += xStep;
      dq += dStep;
    }
    xp += xRowStep;
    dp += dRowStep;
  }
  v128.store(acc, f32x4.add(v128.load(acc), a0));
  if (pairs > 0) v128.store(acc, f32x4.add(v128.load(acc, 16), a1), 16);
  if (taps > 1) {
    acc += accStep;
    v128.store(acc, f32x4.add(v128.load(acc), b0));
    if (pairs > 0) v128.store(acc, f32x4.add(v128.load(acc, 16), b1), 16);
  }
  if (taps > 2) {
    acc += accStep;
    v128.store(acc, f32x4.add(v128.load(acc), c0));
    if (pairs > 0) v128.store(acc, f32x4.add(v128.load(acc, 16), c1), 16);
  }
  if (taps > 3) {
    acc += accStep;
    v128.store(acc, f32x4.add(v128.load(acc), e0));
    if (pairs > 0) v128.store(acc, f32x4.add(v128.load(acc, 16), e1), 16);
  }
}

/** Every channel block of `taps` neighbouring taps. */
// @ts-ignore: decorator
@inline function tapBlock(taps: i32, vectors: i32, acc: usize, accStep: usize, xp: usize, xStep: usize, xRowStep: usize, dp: usize, dStep: usize, dRowStep: usize, rows: i32, cols: i32): void {
  let v = 0;
  for (; v + 2 <= vectors; v += 2) {
    accumulate(taps, 1, acc + (<usize>v << 4), accStep, xp, xStep, xRowStep, dp + (<usize>v << 4), dStep, dRowStep, rows, cols);
  }
  if (v < vectors) accumulate(taps, 0, acc + (<usize>v << 4), accStep, xp, xStep, xRowStep, dp + (<usize>v << 4), dStep, dRowStep, rows, cols);
}

/** Positions per band: enough to amortise adding the accumulators into the table. */
const BAND_POSITIONS = 64;

/**
 * Adds the filter gradient into `table` ([kh, kw, ci, dyChannels], float32), without
 * zeroing it first: a caller may sum several passes (Winograd's tile blocks) into one table.
 * dy's pixels are `dyChannels` floats apart, a multiple of 4 (see repackChannels).
 * `x` is [batch, inHeight, inWidth, inChannels] with every window of the convolution inside it.
 */
export function filterGradInto(
  table: usize, x: usize, dy: usize, dyChannels: i32,
  batch: i32, inHeight: i32, inWidth: i32, inChannels: i32,
  outHeight: i32, outWidth: i32,
  filterHeight: i32, filterWidth: i32, strideHeight: i32, strideWidth: i32,
): void {
  const vectors = dyChannels >> 2;
  const rowBytes = <usize>dyChannels << 2;
  const run = filterWidth * inChannels;
  const xStep = <usize>(strideWidth * inChannels) << 2;
  const xRowStep = <usize>(strideHeight * inWidth * inChannels) << 2;
  const dStep = <usize>dyChannels << 2;
  const dRowStep = <usize>(outWidth * dyChannels) << 2;
  const band = max<i32>(1, (BAND_POSITIONS + outWidth - 1) / outWidth);
  const tail = run & 3;
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outHeight; oh += band) {
      const rows = min<i32>(band, outHeight - oh);
      const dp = dy + (<usize>((n * outHeight + oh) * outWidth * dyChannels) << 2);
      for (let kh = 0; kh < filterHeight; kh++) {
        const xRow = x + (<usize>((n * inHeight + oh * strideHeight + kh) * inWidth * inChannels) << 2);
        const accRow = table + <usize>(kh * run) * rowBytes;
        let t = 0;
        for (; t + 4 <= run; t += 4) {
          tapBlock(4, vectors, accRow + <usize>t * rowBytes, rowBytes, xRow + (<usize>t << 2), xStep, xRowStep, dp, dStep, dRowStep, rows, outWidth);
        }
        const acc = accRow + <usize>t * rowBytes;
        const xp = xRow + (<usize>t << 2);
        if (tail == 3) tapBlock(3, vectors, acc, rowBytes, xp, xStep, xRowStep, dp, dStep, dRowStep, rows, outWidth);
        else if (tail == 2) tapBlock(2, vectors, acc, rowBytes, xp, xStep, xRowStep, dp, dStep, dRowStep, rows, outWidth);
        else if (tail == 1) tapBlock(1, vectors, acc, rowBytes, xp, xStep, xRowStep, dp, dStep, dRowStep, rows, outWidth);
      }
    }
  }
}

/**
 * dy's pixels are `dyChannels` floats apart, a multiple of 4 (see repackChannels), of
 * which the first `outChannels` are real. `x` is [batch, inHeight, inWidth, inChannels]
 * with every window of the convolution inside it. `scratch` holds kh·kw·ci·dyChannels floats.
 */
export function conv2dFilterGrad(
  x: usize, dy: usize, dyChannels: i32, dw: usize, scratch: usize,
  batch: i32, inHeight: i32, inWidth: i32, inChannels: i32,
  outHeight: i32, outWidth: i32, outChannels: i32,
  filterHeight: i32, filterWidth: i32, strideHeight: i32, strideWidth: i32,
): void {
  const rowBytes = <usize>dyChannels << 2;
  const taps = filterHeight * filterWidth * inChannels;
  memory.fill(scratch, 0, <usize>taps * rowBytes);
  filterGradInto(scratch, x, dy, dyChannels, batch, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth);
  // Copy the table out, dropping the padding channels.
  for (let t = 0; t < taps; t++) {
    memory.copy(dw + (<usize>(t * outChannels) << 2), scratch + <usize>t * rowBytes, <usize>outChannels << 2);
  }
}
