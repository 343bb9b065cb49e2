// Winograd's F(2×2, 3×3) for 3×3 convolutions at stride 1 (Lavin and Gray, "Fast
// Algorithms for Convolutional Neural Networks", 2015).
//
// Each 2×2 block of output pixels ("tile") reads a 4×4 window of the input. In the
// transformed domain the 3×3 filter and the 4×4 window are both 4×4, and the tile's
// output is the transform back of their elementwise product: 16 multiplications per
// (input, output) channel pair where the direct form takes 36 (4 pixels × 9 taps).
// Summed over input channels, each of the 16 positions ξ is a matrix product
//   M_ξ[tile, co] = Σ_ci V_ξ[tile, ci] · U_ξ[ci, co]
// which runs in conv2dValid's register blocks (a 1×1 convolution over tiles). Tiles go
// a block at a time, so that a block's V and M stay in the L2 cache between the
// transforms and the products.
//
//   U = G g Gᵀ    G  = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]        (filter, 3×3 → 4×4)
//   V = Bᵀ d B    Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1] (window, 4×4 → 4×4)
//   y = Aᵀ M A    Aᵀ = [1 1 1 0; 0 1 −1 −1]                  (tile, 4×4 → 2×2)
//
// The filter gradient is the same algorithm run backwards: y is bilinear in g and d,
// so dL/dg = Gᵀ [Σ_tiles V ⊙ (A dy Aᵀ)] G, where the sum over tiles is again a matrix
// product per ξ (filterGradInto over tiles). The input gradient at stride 1 is a
// forward convolution of dy with the rotated filter and needs nothing of its own.

import { conv2dValid } from './conv';
import { filterGradInto } from './conv-filter-grad';
import { loadLanes, storeLanes } from './lanes';

/** Tiles per block: V and M of a block of 64 tiles at 64 channels are 256 KiB each. */
export const WINOGRAD_TILE_BLOCK: i32 = 64;

/**
 * Bytes from one plane ξ to the next for `count` tiles of `channels` floats. A plane of
 * 64 tiles × 16 channels is 4 KiB, so unpadded the 16 planes of a tile would fall in one
 * set of the L1 cache and evict each other; 64 bytes more puts each in the next set.
 */
// @ts-ignore: decorator
@inline function planeBytes(count: i32, channels: i32): usize {
  return ((<usize>count * channels) << 2) + 64;
}

/**
 * U[ξ, i, o] = (G·g·Gᵀ)[ξ] for g = w[·, ·, i, o], w laid out [3, 3, cin, cout]; o is
 * padded to outP with zeros. ξ = 4·row + column of the 4×4 transform.
 */
export function winogradFilter(w: usize, u: usize, cin: i32, cout: i32, outP: i32): void {
  memory.fill(u, 0, (<usize>16 * cin * outP) << 2);
  const tap = (<usize>cin * cout) << 2;
  const plane = (<usize>cin * outP) << 2;
  for (let i = 0; i < cin; i++) {
    for (let o = 0; o < cout; o++) {
      const g = w + ((<usize>(i * cout + o)) << 2);
      const to = u + ((<usize>(i * outP + o)) << 2);
      // t = G·g, four rows of three.
      for (let c = 0; c < 3; c++) {
        const g0 = load<f32>(g + <usize>c * tap);
        const g1 = load<f32>(g + <usize>(3 + c) * tap);
        const g2 = load<f32>(g + <usize>(6 + c) * tap);
        // Column c of t; the rows of U follow from t·Gᵀ below, so keep t in U's first three columns for now.
        store<f32>(to + <usize>(c) * plane, g0);
        store<f32>(to + <usize>(4 + c) * plane, <f32>0.5 * (g0 + g1 + g2));
        store<f32>(to + <usize>(8 + c) * plane, <f32>0.5 * (g0 - g1 + g2));
        store<f32>(to + <usize>(12 + c) * plane, g2);
      }
      // U = t·Gᵀ, row by row.
      for (let r = 0; r < 4; r++) {
        const row = to + <usize>(4 * r) * plane;
        const t0 = load<f32>(row);
        const t1 = load<f32>(row + plane);
        const t2 = load<f32>(row + 2 * plane);
        store<f32>(row, t0);
        store<f32>(row + plane, <f32>0.5 * (t0 + t1 + t2));
        store<f32>(row + 2 * plane, <f32>0.5 * (t0 - t1 + t2));
        store<f32>(row + 3 * plane, t2);
      }
    }
  }
}

/**
 * One row of V = t·B, for the row t = u ± w of t = Bᵀ·d (u, w two rows of the window,
 * `sign` +1 or −1), stored to four planes `plane` bytes apart.
 */
// @ts-ignore: decorator
@inline function windowRow(u: usize, w: usize, sign: i32, pixel: usize, out: usize, plane: usize, lanes: i32): void {
  let t0 = loadLanes(u, lanes);
  let t1 = loadLanes(u + pixel, lanes);
  let t2 = loadLanes(u + 2 * pixel, lanes);
  let t3 = loadLanes(u + 3 * pixel, lanes);
  const w0 = loadLanes(w, lanes);
  const w1 = loadLanes(w + pixel, lanes);
  const w2 = loadLanes(w + 2 * pixel, lanes);
  const w3 = loadLanes(w + 3 * pixel, lanes);
  if (sign > 0) {
    t0 = f32x4.add(t0, w0);
    t1 = f32x4.add(t1, w1);
    t2 = f32x4.add(t2, w2);
    t3 = f32x4.add(t3, w3);
  } else {
    t0 = f32x4.sub(t0, w0);
    t1 = f32x4.sub(t1, w1);
    t2 = f32x4.sub(t2, w2);
    t3 = f32x4.sub(t3, w3);
  }
  storeLanes(out, f32x4.sub(t0, t2), lanes);
  storeLanes(out + plane, f32x4.add(t1, t2), lanes);
  storeLanes(out + 2 * plane, f32x4.sub(t2, t1), lanes);
  storeLanes(out + 3 * plane, f32x4.sub(t1, t3), lanes);
}

/**
 * V[ξ, b, c..c+lanes] = (Bᵀ·d·B)[ξ] for the 4×4 window d whose first pixel is at `at`
 * (rows `row` bytes apart, pixels `pixel` bytes apart); planes ξ are `plane` bytes apart.
 * The rows of t = Bᵀ·d are d0 − d2, d1 + d2, d2 − d1 and d1 − d3.
 */
// @ts-ignore: decorator
@inline function transformWindow(at: usize, row: usize, pixel: usize, out: usize, plane: usize, lanes: i32): void {
  windowRow(at, at + 2 * row, -1, pixel, out, plane, lanes);
  windowRow(at + row, at + 2 * row, 1, pixel, out + 4 * plane, plane, lanes);
  windowRow(at + 2 * row, at + row, -1, pixel, out + 8 * plane, plane, lanes);
  windowRow(at + row, at + 3 * row, -1, pixel, out + 12 * plane, plane, lanes);
}

/** Transforms the windows of tiles first … first + count − 1 into V ([16, count, ci]). */
function transformWindows(x: usize, v: usize, first: i32, count: i32, inH: i32, inW: i32, ci: i32, tilesH: i32, tilesW: i32): void {
  const row = (<usize>inW * ci) << 2;
  const pixel = <usize>ci << 2;
  const plane = planeBytes(count, ci);
  const perImage = tilesH * tilesW;
  for (let b = 0; b < count; b++) {
    const t = first + b;
    const n = t / perImage;
    const th = (t % perImage) / tilesW;
    const tw = t % tilesW;
    const at = x + ((<usize>((n * inH + 2 * th) * inW + 2 * tw) * ci) << 2);
    const out = v + ((<usize>b * ci) << 2);
    let c = 0;
    for (; c + 4 <= ci; c += 4) transformWindow(at + (<usize>c << 2), row, pixel, out + (<usize>c << 2), plane, 4);
    if (c < ci) transformWindow(at + (<usize>c << 2), row, pixel, out + (<usize>c << 2), plane, ci - c);
  }
}

/**
 * y = the 'valid' 3×3 convolution of x with the filter U (winogradFilter's output,
 * [16, ci, coP]) (+ bias, coP floats, or 0 for none): y is [batch, outH, outW, co].
 * x is [batch, inH, inW, ci] with inH ≥ 2·⌈outH/2⌉ + 2 and inW ≥ 2·⌈outW/2⌉ + 2 (an
 * odd output reads a row or column of zeros past its last window). `work` holds
 * 16 · (WINOGRAD_TILE_BLOCK · (ci + coP) + 32) floats.
 */
export function winogradConv(x: usize, u: usize, bias: usize, y: usize, work: usize, batch: i32, inH: i32, inW: i32, ci: i32, outH: i32, outW: i32, co: i32, coP: i32): void {
  const tilesH = (outH + 1) >> 1;
  const tilesW = (outW + 1) >> 1;
  const tiles = batch * tilesH * tilesW;
  const perImage = tilesH * tilesW;
  const v = work;
  const m = work + 16 * planeBytes(WINOGRAD_TILE_BLOCK, ci);
  const vectors = coP >> 2;
  const lastLanes = co - ((vectors - 1) << 2);
  const yPixel = <usize>co << 2;
  const yRow = <usize>outW * yPixel;
  for (let first = 0; first < tiles; first += WINOGRAD_TILE_BLOCK) {
    const count = min<i32>(WINOGRAD_TILE_BLOCK, tiles - first);
    transformWindows(x, v, first, count, inH, inW, ci, tilesH, tilesW);
    const vPlane = planeBytes(count, ci);
    const mPlane = planeBytes(count, coP);
    const uPlane = (<usize>ci * coP) << 2;
    for (let xi = 0; xi < 16; xi++) {
      conv2dValid(v + <usize>xi * vPlane, u + <usize>xi * uPlane, 0, m + <usize>xi * mPlane, 1, 1, count, ci, 1, count, coP, coP, 1, 1, 1, 1, count, 0, count, 1);
    }
    // y = Aᵀ·M·A for each tile, cropped where an odd output ends inside a tile.
    for (let b = 0; b < count; b++) {
      const t = first + b;
      const n = t / perImage;
      const oh = 2 * ((t % perImage) / tilesW);
      const ow = 2 * (t % tilesW);
      const right = ow + 1 < outW;
      const below = oh + 1 < outH;
      const out = y + <usize>(n * outH + oh) * yRow + <usize>ow * yPixel;
      const from = m + ((<usize>b * coP) << 2);
      for (let k = 0; k < vectors; k++) {
        const lanes = k + 1 == vectors ? lastLanes : 4;
        const at = from + (<usize>k << 4);
        // t = Aᵀ·M, two rows of four: M's rows 0 + 1 + 2 and 1 − 2 − 3, column by column.
        const m00 = v128.load(at);
        const m01 = v128.load(at + mPlane);
        const m02 = v128.load(at + 2 * mPlane);
        const m03 = v128.load(at + 3 * mPlane);
        const m10 = v128.load(at + 4 * mPlane);
        const m11 = v128.load(at + 5 * mPlane);
        const m12 = v128.load(at + 6 * mPlane);
        const m13 = v128.load(at + 7 * mPlane);
        const s0 = f32x4.add(m10, v128.load(at + 8 * mPlane));
        const s1 = f32x4.add(m11, v128.load(at + 9 * mPlane));
        const s2 = f32x4.add(m12, v128.load(at + 10 * mPlane));
        const s3 = f32x4.add(m13, v128.load(at + 11 * mPlane));
        const d0 = f32x4.sub(m10, v128.load(at + 8 * mPlane));
        const d1 = f32x4.sub(m11, v128.load(at + 9 * mPlane));
        const d2 = f32x4.sub(m12, v128.load(at + 10 * mPlane));
        const d3 = f32x4.sub(m13, v128.load(at + 11 * mPlane));
        const a0 = f32x4.add(m00, s0);
        const a1 = f32x4.add(m01, s1);
        const a2 = f32x4.add(m02, s2);
        const a3 = f32x4.add(m03, s3);
        const c0 = f32x4.sub(d0, v128.load(at + 12 * mPlane));
        const c1 = f32x4.sub(d1, v128.load(at + 13 * mPlane));
        const c2 = f32x4.sub(d2, v128.load(at + 14 * mPlane));
        const c3 = f32x4.sub(d3, v128.load(at + 15 * mPlane));
        let start = f32x4.splat(0);
        if (bias != 0) start = v128.load(bias + (<usize>k << 4));
        const p = out + (<usize>k << 4);
        storeLanes(p, f32x4.add(start, f32x4.add(f32x4.add(a0, a1), a2)), lanes);
        if (right) storeLanes(p + yPixel, f32x4.add(start, f32x4.sub(f32x4.sub(a1, a2), a3)), lanes);
        if (below) {
          storeLanes(p + yRow, f32x4.add(start, f32x4.add(f32x4.add(c0, c1), c2)), lanes);
          if (right) storeLanes(p + yRow + yPixel, f32x4.add(start, f32x4.sub(f32x4.sub(c1, c2), c3)), lanes);
        }
      }
    }
  }
}

/**
 * The filter gradient of a 'valid' 3×3 convolution at stride 1, as winogradConv's
 * transpose: dW[kh, kw, ci, co] (co of `co`) from x (as winogradConv reads it) and dy
 * ([batch, outH, outW, dyChannels], dyChannels a multiple of 4 with zeros beyond co).
 * `table` holds 16 · ci · dyChannels floats, `work` 16 · (WINOGRAD_TILE_BLOCK · (ci + dyChannels) + 32).
 */
export function winogradFilterGrad(x: usize, dy: usize, dyChannels: i32, dw: usize, table: usize, work: usize, batch: i32, inH: i32, inW: i32, ci: i32, outH: i32, outW: i32, co: i32): void {
  const tilesH = (outH + 1) >> 1;
  const tilesW = (outW + 1) >> 1;
  const tiles = batch * tilesH * tilesW;
  const perImage = tilesH * tilesW;
  const tablePlane = (<usize>ci * dyChannels) << 2;
  memory.fill(table, 0, 16 * tablePlane);
  const v = work;
  const e = work + 16 * planeBytes(WINOGRAD_TILE_BLOCK, ci);
  const vectors = dyChannels >> 2;
  const dyPixel = <usize>dyChannels << 2;
  const dyRow = <usize>outW * dyPixel;
  const zero = f32x4.splat(0);
  for (let first = 0; first < tiles; first += WINOGRAD_TILE_BLOCK) {
    const count = min<i32>(WINOGRAD_TILE_BLOCK, tiles - first);
    transformWindows(x, v, first, count, inH, inW, ci, tilesH, tilesW);
    const vPlane = planeBytes(count, ci);
    const ePlane = planeBytes(count, dyChannels);
    // E = A·dy·Aᵀ for each tile's 2×2 of dy (zeros past an odd edge).
    for (let b = 0; b < count; b++) {
      const t = first + b;
      const n = t / perImage;
      const oh = 2 * ((t % perImage) / tilesW);
      const ow = 2 * (t % tilesW);
      const right = ow + 1 < outW;
      const below = oh + 1 < outH;
      const from = dy + <usize>(n * outH + oh) * dyRow + <usize>ow * dyPixel;
      const to = e + <usize>b * dyPixel;
      for (let k = 0; k < vectors; k++) {
        const at = from + (<usize>k << 4);
        const e00 = v128.load(at);
        const e01 = right ? v128.load(at + dyPixel) : zero;
        const e10 = below ? v128.load(at + dyRow) : zero;
        const e11 = right && below ? v128.load(at + dyRow + dyPixel) : zero;
        // t = A·dy: rows e0, e0 + e1, e0 − e1, −e1 (two columns each); then each row times Aᵀ.
        const s0 = f32x4.add(e00, e10);
        const s1 = f32x4.add(e01, e11);
        const d0 = f32x4.sub(e00, e10);
        const d1 = f32x4.sub(e01, e11);
        const q = to + (<usize>k << 4);
        edgeRow(e00, e01, q, ePlane);
        edgeRow(s0, s1, q + 4 * ePlane, ePlane);
        edgeRow(d0, d1, q + 8 * ePlane, ePlane);
        edgeRow(f32x4.neg(e10), f32x4.neg(e11), q + 12 * ePlane, ePlane);
      }
    }
    for (let xi = 0; xi < 16; xi++) {
      filterGradInto(table + <usize>xi * tablePlane, v + <usize>xi * vPlane, e + <usize>xi * ePlane, dyChannels, 1, 1, count, ci, 1, count, 1, 1, 1, 1);
    }
  }
  // dW = Gᵀ·M·G for each (ci, co): 4×4 → 3×3.
  const tap = (<usize>ci * co) << 2;
  for (let i = 0; i < ci; i++) {
    for (let o = 0; o < co; o++) {
      const at = table + ((<usize>(i * dyChannels + o)) << 2);
      const to = dw + ((<usize>(i * co + o)) << 2);
      for (let c = 0; c < 4; c++) {
        // Column c of t = Gᵀ·M (three rows).
        const m0 = load<f32>(at + <usize>c * tablePlane);
        const m1 = load<f32>(at + <usize>(4 + c) * tablePlane);
        const m2 = load<f32>(at + <usize>(8 + c) * tablePlane);
        const m3 = load<f32>(at + <usize>(12 + c) * tablePlane);
        const half = <f32>0.5 * (m1 + m2);
        store<f32>(at + <usize>c * tablePlane, m0 + half);
        store<f32>(at + <usize>(4 + c) * tablePlane, <f32>0.5 * (m1 - m2));
        store<f32>(at + <usize>(8 + c) * tablePlane, half + m3);
      }
      for (let r = 0; r < 3; r++) {
        const row = at + <usize>(4 * r) * tablePlane;
        const t0 = load<f32>(row);
        const t1 = load<f32>(row + tablePlane);
        const t2 = load<f32>(row + 2 * tablePlane);
        const t3 = load<f32>(row + 3 * tablePlane);
        const half = <f32>0.5 * (t1 + t2);
        store<f32>(to + <usize>(3 * r) * tap, t0 + half);
        store<f32>(to + <usize>(3 * r + 1) * tap, <f32>0.5 * (t1 - t2));
        store<f32>(to + <usize>(3 * r + 2) * tap, half + t3);
      }
    }
  }
}

/** One row of E = t·Aᵀ from a row (t0, t1) of t = A·dy: t0, t0 + t1, t0 − t1, −t1. */
// @ts-ignore: decorator
@inline function edgeRow(t0: v128, t1: v128, out: usize, plane: usize): void {
  v128.store(out, t0);
  v128.store(out + plane, f32x4.add(t0, t1));
  v128.store(out + 2 * plane, f32x4.sub(t0, t1));
  v128.store(out + 3 * plane, f32x4.neg(t1));
}
