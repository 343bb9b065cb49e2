// Convolutions over NHWC data, for the forward pass and the input gradient.
//
// conv2dValid is a 'valid' convolution: a padded input is first copied into a zeroed
// buffer (padInput), so that every tap of every output pixel is in range and the inner
// loop needs no test. Output pixels are taken four at a time in the flattened
// (image, row, column) order, each with its own input pointer, so that blocks run on
// across rows and images and small maps waste nothing. For a fixed filter row, the
// taps (kw, ci) of a pixel are one contiguous run of kw·ci floats in NHWC, and so are
// the filter's weights for them: the inner loop walks both. Four pixels × eight output
// channels accumulate in registers: eight multiply-adds for two weight loads and four
// broadcast loads.
//
// The input gradient is the same kernel, phase by phase: at stride s, the input pixels
// whose row and column leave the same remainders (ph, pw) take their gradient from the
// filter taps ≡ (ph, pw) mod s only, as a stride-1 convolution of dy with those taps;
// conv2dValid writes each phase to every s-th pixel of dx. No zeros are multiplied (a
// zero-dilated dy is mostly zeros at stride 2 and more).

import { madd } from './madd';
import { storeLanes } from './lanes';

/**
 * out[n, top + i·dh, left + j·dw, :] = x[n, i, j, :] in a zeroed [batch, outH, outW, c];
 * pixels that land outside it (a negative pad, or rows no window reaches) are left out.
 */
export function padInput(x: usize, out: usize, batch: i32, h: i32, w: i32, c: i32, outH: i32, outW: i32, top: i32, left: i32, dh: i32, dw: i32): void {
  const iFrom = top >= 0 ? 0 : (-top + dh - 1) / dh;
  const iTo = min<i32>(h, outH - 1 - top >= 0 ? (outH - 1 - top) / dh + 1 : 0);
  const jFrom = left >= 0 ? 0 : (-left + dw - 1) / dw;
  const jTo = min<i32>(w, outW - 1 - left >= 0 ? (outW - 1 - left) / dw + 1 : 0);
  const pixelBytes = <usize>c << 2;
  const rowBytes = <usize>outW * pixelBytes;
  if (iTo <= iFrom || jTo <= jFrom || dh != 1 || dw != 1) {
    memory.fill(out, 0, <usize>batch * outH * rowBytes);
    if (iTo <= iFrom || jTo <= jFrom) return;
  }
  const width = <usize>(jTo - jFrom) * pixelBytes;
  // Where the copied rows and columns land: zeros go only around them (dh = dw = 1).
  const firstRow = top + iFrom * dh;
  const lastRow = top + (iTo - 1) * dh; // inclusive
  const leftBytes = <usize>(left + jFrom * dw) * pixelBytes;
  const rightFrom = leftBytes + width;
  for (let n = 0; n < batch; n++) {
    const image = out + <usize>n * outH * rowBytes;
    if (dh == 1 && dw == 1) {
      memory.fill(image, 0, <usize>firstRow * rowBytes);
      memory.fill(image + <usize>(lastRow + 1) * rowBytes, 0, <usize>(outH - 1 - lastRow) * rowBytes);
    }
    for (let i = iFrom; i < iTo; i++) {
      const from = x + ((<usize>((n * h + i) * w + jFrom) * c) << 2);
      const row = image + <usize>(top + i * dh) * rowBytes;
      if (dw == 1) {
        if (dh == 1) {
          memory.fill(row, 0, leftBytes);
          memory.fill(row + rightFrom, 0, rowBytes - rightFrom);
        }
        memory.copy(row + leftBytes, from, width);
      } else {
        for (let j = 0; j < jTo - jFrom; j++) memory.copy(row + leftBytes + <usize>j * dw * pixelBytes, from + <usize>j * pixelBytes, pixelBytes);
      }
    }
  }
}

/** A filter [taps, co] (taps = kh·kw·ci) with its output channels padded with zeros to coP. */
export function packFilter(w: usize, out: usize, taps: i32, co: i32, coP: i32): void {
  for (let t = 0; t < taps; t++) {
    const to = out + ((<usize>t * coP) << 2);
    memory.copy(to, w + ((<usize>t * co) << 2), <usize>co << 2);
    if (coP > co) memory.fill(to + (<usize>co << 2), 0, <usize>(coP - co) << 2);
  }
}

/**
 * The filter of one phase of a convolution's input gradient, rotated and transposed:
 * out[j, k, co, ci] = w[ph + sH·(mH − 1 − j), pw + sW·(mW − 1 − k), ci, co], with ci
 * padded to ciP (zeros). At stride 1 (phase 0) it is the whole filter rotated by 180°.
 */
export function packPhase(w: usize, out: usize, kW: i32, ci: i32, co: i32, ciP: i32, ph: i32, pw: i32, sH: i32, sW: i32, mH: i32, mW: i32): void {
  memory.fill(out, 0, <usize>mH * mW * co * ciP << 2);
  for (let j = 0; j < mH; j++) {
    for (let k = 0; k < mW; k++) {
      const kh = ph + sH * (mH - 1 - j);
      const kw = pw + sW * (mW - 1 - k);
      const from = w + ((<usize>(kh * kW + kw) * ci * co) << 2);
      const to = out + ((<usize>(j * mW + k) * co * ciP) << 2);
      for (let c = 0; c < ci; c++) {
        for (let o = 0; o < co; o++) store<f32>(to + ((<usize>(o * ciP + c)) << 2), load<f32>(from + ((<usize>(c * co + o)) << 2)));
      }
    }
  }
}

/** The first input float of output pixel (n, oh, ow)'s window. */
// @ts-ignore: decorator
@inline function pixelBase(x: usize, n: i32, oh: i32, ow: i32, inH: i32, inW: i32, ci: i32, sH: i32, sW: i32): usize {
  return x + ((<usize>((n * inH + oh * sH) * inW + ow * sW) * ci) << 2);
}

/**
 * y[p, co] = bias[co] + Σ_{kh, kw, ci} x[p's window at (kh, kw), ci] · w[kh, kw, ci, co]
 * for every output pixel p of a 'valid' convolution. `w` is [kH, kW, ci, coP] with coP
 * a multiple of 4 and zeros beyond co; `bias` is coP floats, or 0 for none.
 * Output pixel (n, oh, ow) is written at pixel n·yImage + yBase + oh·yRow + ow·yCol of
 * y (pixels co floats apart): a tensor of its own, or every s-th pixel of a larger one.
 */
export function conv2dValid(
  x: usize, w: usize, bias: usize, y: usize,
  batch: i32, inH: i32, inW: i32, ci: i32,
  outH: i32, outW: i32, co: i32, coP: i32,
  kH: i32, kW: i32, sH: i32, sW: i32,
  yImage: i32, yBase: i32, yRow: i32, yCol: i32,
): void {
  const pixels = batch * outH * outW;
  const run = kW * ci; // taps per filter row, contiguous in x and in w
  const rowBytes = <usize>inW * ci << 2; // one input row
  const wRowStep = <usize>coP << 2; // one tap in w
  const wKhStep = <usize>run * coP << 2; // one filter row in w
  const yPixel = <usize>co << 2;
  const vectors = coP >> 2;
  const lastLanes = co - ((vectors - 1) << 2);
  // The cursor of the next output pixel.
  let n = 0;
  let oh = 0;
  let ow = 0;
  let p = 0;
  while (p < pixels) {
    const count = min<i32>(4, pixels - p);
    // Input pointers of up to four pixels; a missing pixel repeats the last (its result is not stored).
    const b0 = pixelBase(x, n, oh, ow, inH, inW, ci, sH, sW);
    let b1 = b0;
    let b2 = b0;
    let b3 = b0;
    const o0 = y + <usize>(n * yImage + yBase + oh * yRow + ow * yCol) * yPixel;
    let o1 = o0;
    let o2 = o0;
    let o3 = o0;
    for (let k = 1; k < count; k++) {
      ow++;
      if (ow == outW) {
        ow = 0;
        oh++;
        if (oh == outH) {
          oh = 0;
          n++;
        }
      }
      const b = pixelBase(x, n, oh, ow, inH, inW, ci, sH, sW);
      const o = y + <usize>(n * yImage + yBase + oh * yRow + ow * yCol) * yPixel;
      if (k == 1) {
        b1 = b;
        o1 = o;
      } else if (k == 2) {
        b2 = b;
        o2 = o;
      } else {
        b3 = b;
        o3 = o;
      }
    }
    ow++;
    if (ow == outW) {
      ow = 0;
      oh++;
      if (oh == outH) {
        oh = 0;
        n++;
      }
    }
    let v = 0;
    for (; v + 2 <= vectors; v += 2) {
      let a0 = f32x4.splat(0);
      let a1 = a0;
      if (bias != 0) {
        a0 = v128.load(bias + (<usize>v << 4));
        a1 = v128.load(bias + (<usize>v << 4), 16);
      }
      let c0 = a0;
      let c1 = a1;
      let d0 = a0;
      let d1 = a1;
      let e0 = a0;
      let e1 = a1;
      let wk = w + (<usize>v << 4);
      let rowOffset: usize = 0;
      for (let kh = 0; kh < kH; kh++) {
        let q0 = b0 + rowOffset;
        let q1 = b1 + rowOffset;
        let q2 = b2 + rowOffset;
        let q3 = b3 + rowOffset;
        let wp = wk;
        for (let t = 0; t < run; t++) {
          const w0 = v128.load(wp);
          const w1 = v128.load(wp, 16);
          const x0 = v128.load32_splat(q0);
          a0 = madd(x0, w0, a0);
          a1 = madd(x0, w1, a1);
          const x1 = v128.load32_splat(q1);
          c0 = madd(x1, w0, c0);
          c1 = madd(x1, w1, c1);
          const x2 = v128.load32_splat(q2);
          d0 = madd(x2, w0, d0);
          d1 = madd(x2, w1, d1);
          const x3 = v128.load32_splat(q3);
          e0 = madd(x3, w0, e0);
          e1 = madd(x3, w1, e1);
          q0 += 4;
          q1 += 4;
          q2 += 4;
          q3 += 4;
          wp += wRowStep;
        }
        rowOffset += rowBytes;
        wk += wKhStep;
      }
      const lanes = v + 2 == vectors ? lastLanes : 4;
      const at = <usize>v << 4;
      v128.store(o0 + at, a0);
      storeLanes(o0 + at + 16, a1, lanes);
      if (count > 1) {
        v128.store(o1 + at, c0);
        storeLanes(o1 + at + 16, c1, lanes);
      }
      if (count > 2) {
        v128.store(o2 + at, d0);
        storeLanes(o2 + at + 16, d1, lanes);
      }
      if (count > 3) {
        v128.store(o3 + at, e0);
        storeLanes(o3 + at + 16, e1, lanes);
      }
    }
    if (v < vectors) {
      let a0 = f32x4.splat(0);
      if (bias != 0) a0 = v128.load(bias + (<usize>v << 4));
      let c0 = a0;
      let d0 = a0;
      let e0 = a0;
      let wk = w + (<usize>v << 4);
      let rowOffset: usize = 0;
      for (let kh = 0; kh < kH; kh++) {
        let q0 = b0 + rowOffset;
        let q1 = b1 + rowOffset;
        let q2 = b2 + rowOffset;
        let q3 = b3 + rowOffset;
        let wp = wk;
        for (let t = 0; t < run; t++) {
          const w0 = v128.load(wp);
          a0 = madd(v128.load32_splat(q0), w0, a0);
          c0 = madd(v128.load32_splat(q1), w0, c0);
          d0 = madd(v128.load32_splat(q2), w0, d0);
          e0 = madd(v128.load32_splat(q3), w0, e0);
          q0 += 4;
          q1 += 4;
          q2 += 4;
          q3 += 4;
          wp += wRowStep;
        }
        rowOffset += rowBytes;
        wk += wKhStep;
      }
      const at = <usize>v << 4;
      storeLanes(o0 + at, a0, lastLanes);
      if (count > 1) storeLanes(o1 + at, c0, lastLanes);
      if (count > 2) storeLanes(o2 + at, d0, lastLanes);
      if (count > 3) storeLanes(o3 + at, e0, lastLanes);
    }
    p += count;
  }
}
