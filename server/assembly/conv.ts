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
// conv2dScatter is the input gradient of a strided convolution: each dy pixel adds
// W·dy into the window it came from, so no zeros are multiplied (the zero-dilated dy
// of the direct form is mostly zeros at stride 2 and more).

import { madd } from './madd';

/**
 * out[n, top + i·dh, left + j·dw, :] = x[n, i, j, :] in a zeroed [batch, outH, outW, c];
 * pixels that land outside it (a negative pad, or rows no window reaches) are left out.
 */
export function padInput(x: usize, out: usize, batch: i32, h: i32, w: i32, c: i32, outH: i32, outW: i32, top: i32, left: i32, dh: i32, dw: i32): void {
  memory.fill(out, 0, <usize>batch * outH * outW * c << 2);
  const iFrom = top >= 0 ? 0 : (-top + dh - 1) / dh;
  const iTo = min<i32>(h, outH - 1 - top >= 0 ? (outH - 1 - top) / dh + 1 : 0);
  const jFrom = left >= 0 ? 0 : (-left + dw - 1) / dw;
  const jTo = min<i32>(w, outW - 1 - left >= 0 ? (outW - 1 - left) / dw + 1 : 0);
  if (iTo <= iFrom || jTo <= jFrom) return;
  const pixelBytes = <usize>c << 2;
  for (let n = 0; n < batch; n++) {
    for (let i = iFrom; i < iTo; i++) {
      const from = x + ((<usize>((n * h + i) * w + jFrom) * c) << 2);
      const to = out + ((<usize>((n * outH + top + i * dh) * outW + left + jFrom * dw) * c) << 2);
      if (dw == 1) {
        memory.copy(to, from, <usize>(jTo - jFrom) * pixelBytes);
      } else {
        for (let j = 0; j < jTo - jFrom; j++) memory.copy(to + <usize>j * dw * pixelBytes, from + <usize>j * pixelBytes, pixelBytes);
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
 * out[kh, kw, co, ci] = w[kh', kw', ci, co] with ci padded to ciP, where with `flip`
 * kh' = kH − 1 − kh and kw' = kW − 1 − kw (the filter that turns a convolution's
 * input gradient into a convolution of dy), and without it kh' = kh, kw' = kw.
 */
export function packTransposed(w: usize, out: usize, kH: i32, kW: i32, ci: i32, co: i32, ciP: i32, flip: bool): void {
  memory.fill(out, 0, <usize>kH * kW * co * ciP << 2);
  for (let kh = 0; kh < kH; kh++) {
    for (let kw = 0; kw < kW; kw++) {
      const sh = flip ? kH - 1 - kh : kh;
      const sw = flip ? kW - 1 - kw : kw;
      const from = w + ((<usize>(sh * kW + sw) * ci * co) << 2);
      const to = out + ((<usize>(kh * kW + kw) * co * ciP) << 2);
      for (let c = 0; c < ci; c++) {
        for (let o = 0; o < co; o++) store<f32>(to + ((<usize>(o * ciP + c)) << 2), load<f32>(from + ((<usize>(c * co + o)) << 2)));
      }
    }
  }
}

/** Stores the first `lanes` (1 to 4) floats of v at p. */
// @ts-ignore: decorator
@inline function storeLanes(p: usize, v: v128, lanes: i32): void {
  if (lanes >= 4) {
    v128.store(p, v);
    return;
  }
  v128.store32_lane(p, v, 0);
  if (lanes >= 2) v128.store32_lane(p, v, 1, 4);
  if (lanes >= 3) v128.store32_lane(p, v, 2, 8);
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
 */
export function conv2dValid(
  x: usize, w: usize, bias: usize, y: usize,
  batch: i32, inH: i32, inW: i32, ci: i32,
  outH: i32, outW: i32, co: i32, coP: i32,
  kH: i32, kW: i32, sH: i32, sW: i32,
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
      if (k == 1) b1 = b;
      else if (k == 2) b2 = b;
      else b3 = b;
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
    const y0 = y + <usize>p * yPixel;
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
      const out = y0 + (<usize>v << 4);
      v128.store(out, a0);
      storeLanes(out + 16, a1, lanes);
      if (count > 1) {
        v128.store(out + yPixel, c0);
        storeLanes(out + yPixel + 16, c1, lanes);
      }
      if (count > 2) {
        v128.store(out + 2 * yPixel, d0);
        storeLanes(out + 2 * yPixel + 16, d1, lanes);
      }
      if (count > 3) {
        v128.store(out + 3 * yPixel, e0);
        storeLanes(out + 3 * yPixel + 16, e1, lanes);
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
      const out = y0 + (<usize>v << 4);
      storeLanes(out, a0, lastLanes);
      if (count > 1) storeLanes(out + yPixel, c0, lastLanes);
      if (count > 2) storeLanes(out + 2 * yPixel, d0, lastLanes);
      if (count > 3) storeLanes(out + 3 * yPixel, e0, lastLanes);
    }
    p += count;
  }
}

/**
 * The input gradient of a convolution by scattering: for every dy pixel and filter tap
 * in range, dx[window pixel, :] += Σ_co dy[pixel, co] · wT[kh, kw, co, :]. `wT` is
 * [kH, kW, co, ciP] (packTransposed without flip); `dx` is a scratch [.., ciP] (pixels
 * ciP floats apart), zeroed here.
 */
export function conv2dScatter(
  dy: usize, wT: usize, dx: usize,
  batch: i32, inH: i32, inW: i32, ciP: i32,
  outH: i32, outW: i32, co: i32,
  kH: i32, kW: i32, sH: i32, sW: i32, padT: i32, padL: i32,
): void {
  memory.fill(dx, 0, <usize>batch * inH * inW * ciP << 2);
  const vectors = ciP >> 2;
  const tapBytes = <usize>co * ciP << 2;
  const coStep = <usize>ciP << 2;
  let dp = dy;
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        for (let kh = 0; kh < kH; kh++) {
          const ih = oh * sH + kh - padT;
          if (ih < 0 || ih >= inH) continue;
          for (let kw = 0; kw < kW; kw++) {
            const iw = ow * sW + kw - padL;
            if (iw < 0 || iw >= inW) continue;
            const target = dx + ((<usize>((n * inH + ih) * inW + iw) * ciP) << 2);
            const taps = wT + <usize>(kh * kW + kw) * tapBytes;
            let v = 0;
            for (; v + 2 <= vectors; v += 2) {
              const at = target + (<usize>v << 4);
              let a0 = v128.load(at);
              let a1 = v128.load(at, 16);
              let wp = taps + (<usize>v << 4);
              for (let o = 0; o < co; o++) {
                const d = v128.load32_splat(dp + (<usize>o << 2));
                a0 = madd(d, v128.load(wp), a0);
                a1 = madd(d, v128.load(wp, 16), a1);
                wp += coStep;
              }
              v128.store(at, a0);
              v128.store(at, a1, 16);
            }
            if (v < vectors) {
              const at = target + (<usize>v << 4);
              let a0 = v128.load(at);
              let wp = taps + (<usize>v << 4);
              for (let o = 0; o < co; o++) {
                a0 = madd(v128.load32_splat(dp + (<usize>o << 2)), v128.load(wp), a0);
                wp += coStep;
              }
              v128.store(at, a0);
            }
          }
        }
        dp += <usize>co << 2;
      }
    }
  }
}
