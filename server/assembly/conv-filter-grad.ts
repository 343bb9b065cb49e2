import { madd } from './madd';

// The filter gradient of an NHWC convolution (dilation 1):
//   dW[kh, kw, ci, co] = Σ_{n, oh, ow} x[n, oh·sh + kh − pt, ow·sw + kw − pl, ci] · dy[n, oh, ow, co]
// For each filter tap and input channel, four output channels at a time accumulate in
// registers over one image's positions; images add into a float32 scratch table
// [kh, kw, ci, co padded to a multiple of 4], so each sum is a sum of per-image sums.

function ceilDiv(a: i32, b: i32): i32 {
  return a >= 0 ? (a + b - 1) / b : -(-a / b);
}

function floorDiv(a: i32, b: i32): i32 {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/** Sixteen output channels from one input channel, over rows × cols positions. */
// @ts-ignore: decorator
@inline function accumulate16(acc: usize, xp: usize, xStep: usize, xRowStep: usize, dp: usize, dStep: usize, dRowStep: usize, rows: i32, cols: i32): void {
  let a0 = v128.load(acc);
  let a1 = v128.load(acc, 16);
  let a2 = v128.load(acc, 32);
  let a3 = v128.load(acc, 48);
  for (let r = 0; r < rows; r++) {
    let xq = xp;
    let dq = dp;
    for (let c = 0; c < cols; c++) {
      const xv = v128.load32_splat(xq);
      a0 = madd(xv, v128.load(dq), a0);
      a1 = madd(xv, v128.load(dq, 16), a1);
      a2 = madd(xv, v128.load(dq, 32), a2);
      a3 = madd(xv, v128.load(dq, 48), a3);
      xq += xStep;
      dq += dStep;
    }
    xp += xRowStep;
    dp += dRowStep;
  }
  v128.store(acc, a0);
  v128.store(acc, a1, 16);
  v128.store(acc, a2, 32);
  v128.store(acc, a3, 48);
}

/** Sixteen output channels from two neighbouring input channels, sharing each load of dy. */
// @ts-ignore: decorator
@inline function accumulate16Pair(acc: usize, accNext: usize, xp: usize, xStep: usize, xRowStep: usize, dp: usize, dStep: usize, dRowStep: usize, rows: i32, cols: i32): void {
  let a0 = v128.load(acc);
  let a1 = v128.load(acc, 16);
  let a2 = v128.load(acc, 32);
  let a3 = v128.load(acc, 48);
  let b0 = v128.load(accNext);
  let b1 = v128.load(accNext, 16);
  let b2 = v128.load(accNext, 32);
  let b3 = v128.load(accNext, 48);
  for (let r = 0; r < rows; r++) {
    let xq = xp;
    let dq = dp;
    for (let c = 0; c < cols; c++) {
      const xa = v128.load32_splat(xq);
      const xb = v128.load32_splat(xq, 4);
      const d0 = v128.load(dq);
      const d1 = v128.load(dq, 16);
      a0 = madd(xa, d0, a0);
      b0 = madd(xb, d0, b0);
      a1 = madd(xa, d1, a1);
      b1 = madd(xb, d1, b1);
      const d2 = v128.load(dq, 32);
      const d3 = v128.load(dq, 48);
      a2 = madd(xa, d2, a2);
      b2 = madd(xb, d2, b2);
      a3 = madd(xa, d3, a3);
      b3 = madd(xb, d3, b3);
      xq += xStep;
      dq += dStep;
    }
    xp += xRowStep;
    dp += dRowStep;
  }
  v128.store(acc, a0);
  v128.store(acc, a1, 16);
  v128.store(acc, a2, 32);
  v128.store(acc, a3, 48);
  v128.store(accNext, b0);
  v128.store(accNext, b1, 16);
  v128.store(accNext, b2, 32);
  v128.store(accNext, b3, 48);
}

/** Eight output channels from one input channel. */
// @ts-ignore: decorator
@inline function accumulate8(acc: usize, xp: usize, xStep: usize, xRowStep: usize, dp: usize, dStep: usize, dRowStep: usize, rows: i32, cols: i32): void {
  let a0 = v128.load(acc);
  let a1 = v128.load(acc, 16);
  for (let r = 0; r < rows; r++) {
    let xq = xp;
    let dq = dp;
    for (let c = 0; c < cols; c++) {
      const xv = v128.load32_splat(xq);
      a0 = madd(xv, v128.load(dq), a0);
      a1 = madd(xv, v128.load(dq, 16), a1);
      xq += xStep;
      dq += dStep;
    }
    xp += xRowStep;
    dp += dRowStep;
  }
  v128.store(acc, a0);
  v128.store(acc, a1, 16);
}

/** Four output channels from one input channel. */
// @ts-ignore: decorator
@inline function accumulate4(acc: usize, xp: usize, xStep: usize, xRowStep: usize, dp: usize, dStep: usize, dRowStep: usize, rows: i32, cols: i32): void {
  let a0 = v128.load(acc);
  for (let r = 0; r < rows; r++) {
    let xq = xp;
    let dq = dp;
    for (let c = 0; c < cols; c++) {
      a0 = madd(v128.load32_splat(xq), v128.load(dq), a0);
      xq += xStep;
      dq += dStep;
    }
    xp += xRowStep;
    dp += dRowStep;
  }
  v128.store(acc, a0);
}

/**
 * dy's pixels are `dyChannels` floats apart, a multiple of 4 (see repackChannels), of
 * which the first `outChannels` are real. `scratch` holds kh·kw·ci·dyChannels floats.
 */
export function conv2dFilterGrad(
  x: usize, dy: usize, dyChannels: i32, dw: usize, scratch: usize,
  batch: i32, inHeight: i32, inWidth: i32, inChannels: i32,
  outHeight: i32, outWidth: i32, outChannels: i32,
  filterHeight: i32, filterWidth: i32, strideHeight: i32, strideWidth: i32, padTop: i32, padLeft: i32,
): void {
  const vectors = dyChannels >> 2;
  const rowBytes = <usize>vectors << 4;
  memory.fill(scratch, 0, <usize>(filterHeight * filterWidth * inChannels) * rowBytes);
  const xStep = <usize>(strideWidth * inChannels) << 2;
  const xRowStep = <usize>(strideHeight * inWidth * inChannels) << 2;
  const dStep = <usize>dyChannels << 2;
  const dRowStep = <usize>(outWidth * dyChannels) << 2;
  for (let n = 0; n < batch; n++) {
    for (let kh = 0; kh < filterHeight; kh++) {
      const ohFrom = max(0, ceilDiv(padTop - kh, strideHeight));
      const ohTo = min(outHeight, floorDiv(inHeight - 1 + padTop - kh, strideHeight) + 1);
      if (ohTo <= ohFrom) continue;
      for (let kw = 0; kw < filterWidth; kw++) {
        const owFrom = max(0, ceilDiv(padLeft - kw, strideWidth));
        const owTo = min(outWidth, floorDiv(inWidth - 1 + padLeft - kw, strideWidth) + 1);
        if (owTo <= owFrom) continue;
        const rows = ohTo - ohFrom;
        const cols = owTo - owFrom;
        const ih = ohFrom * strideHeight + kh - padTop;
        const iw = owFrom * strideWidth + kw - padLeft;
        const xFirst = x + (<usize>(((n * inHeight + ih) * inWidth + iw) * inChannels) << 2);
        const dFirst = dy + (<usize>(((n * outHeight + ohFrom) * outWidth + owFrom) * dyChannels) << 2);
        let ci = 0;
        if (vectors == 4) {
          for (; ci + 2 <= inChannels; ci += 2) {
            const acc = scratch + <usize>((kh * filterWidth + kw) * inChannels + ci) * rowBytes;
            accumulate16Pair(acc, acc + rowBytes, xFirst + (<usize>ci << 2), xStep, xRowStep, dFirst, dStep, dRowStep, rows, cols);
          }
        }
        for (; ci < inChannels; ci++) {
          const acc = scratch + <usize>((kh * filterWidth + kw) * inChannels + ci) * rowBytes;
          const xp = xFirst + (<usize>ci << 2);
          let v = 0;
          for (; v + 4 <= vectors; v += 4) accumulate16(acc + (<usize>v << 4), xp, xStep, xRowStep, dFirst + (<usize>v << 4), dStep, dRowStep, rows, cols);
          if (v + 2 <= vectors) {
            accumulate8(acc + (<usize>v << 4), xp, xStep, xRowStep, dFirst + (<usize>v << 4), dStep, dRowStep, rows, cols);
            v += 2;
          }
          if (v < vectors) accumulate4(acc + (<usize>v << 4), xp, xStep, xRowStep, dFirst + (<usize>v << 4), dStep, dRowStep, rows, cols);
        }
      }
    }
  }
  // Copy the table out, dropping the padding channels.
  const taps = filterHeight * filterWidth * inChannels;
  for (let t = 0; t < taps; t++) {
    memory.copy(dw + (<usize>(t * outChannels) << 2), scratch + <usize>t * rowBytes, <usize>outChannels << 2);
  }
}
