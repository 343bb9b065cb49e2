import { madd } from './madd';

// BatchNorm's two passes over NHWC data, for GradSheet's wasm training kernels.
//
// Data is a flat float32 array whose channel repeats every `channels` floats. SIMD
// works on 4 floats, so the pattern of channels under the vector lanes repeats every
// `period` = lcm(channels, 4) floats: per-channel constants are passed expanded to one
// period, and per-lane sums are folded into channels at the end.

/** lcm(channels, 4): the floats after which channels and vector lanes line up again. */
export function batchNormPeriod(channels: i32): i32 {
  if ((channels & 3) == 0) return channels;
  if ((channels & 1) == 0) return channels * 2;
  return channels * 4;
}

/** Rows summed in float32 before joining the float64 totals. */
const CHUNK_ROWS = 32;

/** Adds float32 sums of one vector (Σa, Σa·b) into its float64 slot (Σa low, high, Σa·b low, high). */
// @ts-ignore: decorator
@inline function addToSlot(slot: usize, sa: v128, sab: v128): void {
  v128.store(slot, f64x2.add(v128.load(slot), f64x2.promote_low_f32x4(sa)));
  v128.store(slot, f64x2.add(v128.load(slot, 16), f64x2.promote_low_f32x4(f32x4.shuffle(sa, sa, 2, 3, 2, 3))), 16);
  v128.store(slot, f64x2.add(v128.load(slot, 32), f64x2.promote_low_f32x4(sab)), 32);
  v128.store(slot, f64x2.add(v128.load(slot, 48), f64x2.promote_low_f32x4(f32x4.shuffle(sab, sab, 2, 3, 2, 3))), 48);
}

/** a, with the lanes where mask ≤ 0 zeroed when `masked`. */
// @ts-ignore: decorator
@inline function maskedLoad(masked: bool, a: usize, mask: usize, at: usize): v128 {
  const va = v128.load(a + at);
  return masked ? v128.and(va, f32x4.gt(v128.load(mask + at), f32x4.splat(0))) : va;
}

/**
 * Σa and Σa·b of rows of one to four vectors (a period of 4 to 16 floats), row by row
 * with the sums in registers; with one or two vectors, two rows at a time in separate
 * chains, to hide the additions' latency. Called with constant flags and count, so
 * each variant is its own loop.
 */
// @ts-ignore: decorator
@inline function sumNarrow(vectors: i32, masked: bool, same: bool, a: usize, b: usize, mask: usize, rows: i32, rowBytes: usize, scratch: usize): void {
  const twoRows = vectors <= 2;
  for (let from = 0; from < rows; from += CHUNK_ROWS) {
    const to = min<i32>(rows, from + CHUNK_ROWS);
    const zero = f32x4.splat(0);
    let sa0 = zero;
    let sab0 = zero;
    let sa1 = zero;
    let sab1 = zero;
    let sa2 = zero;
    let sab2 = zero;
    let sa3 = zero;
    let sab3 = zero;
    let at = <usize>from * rowBytes;
    let r = from;
    if (twoRows) {
      // The second row's sums go to the slots of vectors 2 and 3, unused here.
      for (; r + 2 <= to; r += 2) {
        const va = maskedLoad(masked, a, mask, at);
        sa0 = f32x4.add(sa0, va);
        sab0 = madd(va, same ? va : v128.load(b + at), sab0);
        const vc = maskedLoad(masked, a, mask, at + rowBytes);
        sa2 = f32x4.add(sa2, vc);
        sab2 = madd(vc, same ? vc : v128.load(b + at + rowBytes), sab2);
        if (vectors > 1) {
          const vd = maskedLoad(masked, a, mask, at + 16);
          sa1 = f32x4.add(sa1, vd);
          sab1 = madd(vd, same ? vd : v128.load(b + at + 16), sab1);
          const ve = maskedLoad(masked, a, mask, at + rowBytes + 16);
          sa3 = f32x4.add(sa3, ve);
          sab3 = madd(ve, same ? ve : v128.load(b + at + rowBytes + 16), sab3);
        }
        at += rowBytes << 1;
      }
    }
    for (; r < to; r++) {
      const va = maskedLoad(masked, a, mask, at);
      sa0 = f32x4.add(sa0, va);
      sab0 = madd(va, same ? va : v128.load(b + at), sab0);
      if (vectors > 1) {
        const vd = maskedLoad(masked, a, mask, at + 16);
        sa1 = f32x4.add(sa1, vd);
        sab1 = madd(vd, same ? vd : v128.load(b + at + 16), sab1);
      }
      if (vectors > 2) {
        const vf = maskedLoad(masked, a, mask, at + 32);
        sa2 = f32x4.add(sa2, vf);
        sab2 = madd(vf, same ? vf : v128.load(b + at + 32), sab2);
      }
      if (vectors > 3) {
        const vg = maskedLoad(masked, a, mask, at + 48);
        sa3 = f32x4.add(sa3, vg);
        sab3 = madd(vg, same ? vg : v128.load(b + at + 48), sab3);
      }
      at += rowBytes;
    }
    if (twoRows) {
      addToSlot(scratch, f32x4.add(sa0, sa2), f32x4.add(sab0, sab2));
      if (vectors > 1) addToSlot(scratch + 64, f32x4.add(sa1, sa3), f32x4.add(sab1, sab3));
    } else {
      addToSlot(scratch, sa0, sab0);
      addToSlot(scratch + 64, sa1, sab1);
      addToSlot(scratch + 128, sa2, sab2);
      if (vectors > 3) addToSlot(scratch + 192, sa3, sab3);
    }
  }
}

/**
 * Σa and Σa·b of rows of five or more vectors, row by row, each vector's float32
 * sums kept in a slot of `partial` (a row has enough vectors between two uses of a
 * slot), joining the float64 totals every chunk of rows.
 */
// @ts-ignore: decorator
@inline function sumWide(masked: bool, same: bool, a: usize, b: usize, mask: usize, rows: i32, vectors: i32, rowBytes: usize, scratch: usize, partial: usize): void {
  for (let from = 0; from < rows; from += CHUNK_ROWS) {
    const to = min<i32>(rows, from + CHUNK_ROWS);
    memory.fill(partial, 0, <usize>vectors << 5);
    let at = <usize>from * rowBytes;
    for (let r = from; r < to; r++) {
      let slot = partial;
      let column = at;
      for (let k = 0; k < vectors; k++) {
        const va = maskedLoad(masked, a, mask, column);
        v128.store(slot, f32x4.add(v128.load(slot), va));
        v128.store(slot, madd(va, same ? va : v128.load(b + column), v128.load(slot, 16)), 16);
        slot += 32;
        column += 16;
      }
      at += rowBytes;
    }
    for (let k = 0; k < vectors; k++) {
      const slot = partial + (<usize>k << 5);
      addToSlot(scratch + (<usize>k << 6), v128.load(slot), v128.load(slot, 16));
    }
  }
}

// @ts-ignore: decorator
@inline function sumRows(masked: bool, same: bool, a: usize, b: usize, mask: usize, rows: i32, vectors: i32, rowBytes: usize, scratch: usize, partial: usize): void {
  if (vectors == 1) sumNarrow(1, masked, same, a, b, mask, rows, rowBytes, scratch);
  else if (vectors == 2) sumNarrow(2, masked, same, a, b, mask, rows, rowBytes, scratch);
  else if (vectors == 3) sumNarrow(3, masked, same, a, b, mask, rows, rowBytes, scratch);
  else if (vectors == 4) sumNarrow(4, masked, same, a, b, mask, rows, rowBytes, scratch);
  else sumWide(masked, same, a, b, mask, rows, vectors, rowBytes, scratch, partial);
}

/**
 * Per-channel Σa and Σa·b over `count` floats (pass b = a for Σa²). The data is taken
 * as rows of one period; a chunk of 32 rows is summed in float32 registers, column by
 * column (it stays in the L1 cache meanwhile), and each chunk's sums join float64
 * totals: float32 running sums over a whole channel drift by about 1e-2 in BatchNorm's
 * gradient. With a `mask` (not 0), a counts only where mask > 0: the gradient through
 * a ReLU whose output is the mask. `scratch` holds 4·period float64 totals.
 */
export function channelSums(a: usize, b: usize, mask: usize, count: i32, channels: i32, sumA: usize, sumAB: usize, scratch: usize): void {
  const period = batchNormPeriod(channels);
  const vectors = period >> 2;
  memory.fill(scratch, 0, <usize>period << 5);
  const rows = count / period;
  const rowBytes = <usize>period << 2;
  const partial = scratch + (<usize>period << 5);
  if (mask != 0) sumRows(true, false, a, b, mask, rows, vectors, rowBytes, scratch, partial);
  else if (a == b) sumRows(false, true, a, b, 0, rows, vectors, rowBytes, scratch, partial);
  else sumRows(false, false, a, b, 0, rows, vectors, rowBytes, scratch, partial);
  const masked = mask != 0;
  memory.fill(sumA, 0, <usize>channels << 3);
  memory.fill(sumAB, 0, <usize>channels << 3);
  // Fold each lane's sums into its channel.
  for (let j = 0; j < period; j++) {
    const c = <usize>(j % channels) << 3;
    const at = scratch + (<usize>(j >> 2) << 6) + (<usize>(j & 2) << 3) + (<usize>(j & 1) << 3);
    store<f64>(sumA + c, load<f64>(sumA + c) + load<f64>(at));
    store<f64>(sumAB + c, load<f64>(sumAB + c) + load<f64>(at, 32));
  }
  // The tail, shorter than a period, starts on a channel boundary.
  const tailStart = rows * period;
  for (let i = tailStart; i < count; i++) {
    const c = <usize>((i - tailStart) % channels) << 3;
    let av = <f64>load<f32>(a + (<usize>i << 2));
    if (masked && load<f32>(mask + (<usize>i << 2)) <= 0) av = 0;
    const bv = <f64>load<f32>(b + (<usize>i << 2));
    store<f64>(sumA + c, load<f64>(sumA + c) + av);
    store<f64>(sumAB + c, load<f64>(sumAB + c) + av * bv);
  }
}

/** out = A·u + B·(v − M) + O for one vector at byte offset `at`, the constants given. */
// @ts-ignore: decorator
@inline function affineVector(masked: bool, relu: bool, out: usize, u: usize, v: usize, mask: usize, at: usize, scale: v128, slope: v128, centre: v128, offset: v128): void {
  let sum = madd(slope, f32x4.sub(v128.load(v + at), centre), madd(scale, maskedLoad(masked, u, mask, at), offset));
  if (relu) sum = f32x4.max(sum, f32x4.splat(0));
  v128.store(out + at, sum);
}

/** Rows of one or two vectors, their constants in registers. */
// @ts-ignore: decorator
@inline function affineNarrow(pairs: bool, masked: bool, relu: bool, out: usize, u: usize, v: usize, mask: usize, rows: i32, rowBytes: usize, k: usize, stride: usize): void {
  const scale0 = v128.load(k);
  const slope0 = v128.load(k + stride);
  const centre0 = v128.load(k + 2 * stride);
  const offset0 = v128.load(k + 3 * stride);
  const scale1 = v128.load(k, 16);
  const slope1 = v128.load(k + stride, 16);
  const centre1 = v128.load(k + 2 * stride, 16);
  const offset1 = v128.load(k + 3 * stride, 16);
  let at: usize = 0;
  for (let r = 0; r < rows; r++) {
    affineVector(masked, relu, out, u, v, mask, at, scale0, slope0, centre0, offset0);
    if (pairs) affineVector(masked, relu, out, u, v, mask, at + 16, scale1, slope1, centre1, offset1);
    at += rowBytes;
  }
}

/** Rows of three or more vectors, their constants read from the table (in the L1 cache). */
// @ts-ignore: decorator
@inline function affineWide(masked: bool, relu: bool, out: usize, u: usize, v: usize, mask: usize, rows: i32, vectors: i32, rowBytes: usize, constants: usize, stride: usize): void {
  let at: usize = 0;
  for (let r = 0; r < rows; r++) {
    let k = constants;
    for (let j = 0; j < vectors; j++) {
      affineVector(masked, relu, out, u, v, mask, at, v128.load(k), v128.load(k + stride), v128.load(k + 2 * stride), v128.load(k + 3 * stride));
      k += 16;
      at += 16;
    }
  }
}

// @ts-ignore: decorator
@inline function affineChunks(masked: bool, relu: bool, out: usize, u: usize, v: usize, mask: usize, rows: i32, vectors: i32, rowBytes: usize, constants: usize, stride: usize): void {
  if (vectors == 1) affineNarrow(false, masked, relu, out, u, v, mask, rows, rowBytes, constants, stride);
  else if (vectors == 2) affineNarrow(true, masked, relu, out, u, v, mask, rows, rowBytes, constants, stride);
  else affineWide(masked, relu, out, u, v, mask, rows, vectors, rowBytes, constants, stride);
}

/**
 * out = A·u + B·(v − M) + O, with A, B, M, O per channel, each expanded to one period
 * and stored one after the other at `constants` (4·period floats). Subtracting M
 * before scaling keeps x − μ exact where μ is large next to σ. With a `mask` (not 0),
 * u counts only where mask > 0; with `relu`, out is max(0, …): BatchNorm fused with
 * the ReLU after it, backward and forward.
 */
export function channelAffine(out: usize, u: usize, v: usize, mask: usize, relu: bool, count: i32, channels: i32, constants: usize): void {
  const period = batchNormPeriod(channels);
  const vectors = period >> 2;
  const stride = <usize>period << 2;
  const rows = count / period;
  const masked = mask != 0;
  if (masked && relu) affineChunks(true, true, out, u, v, mask, rows, vectors, stride, constants, stride);
  else if (masked) affineChunks(true, false, out, u, v, mask, rows, vectors, stride, constants, stride);
  else if (relu) affineChunks(false, true, out, u, v, 0, rows, vectors, stride, constants, stride);
  else affineChunks(false, false, out, u, v, 0, rows, vectors, stride, constants, stride);
  const tailStart = rows * period;
  for (let i = tailStart; i < count; i++) {
    const k = constants + (<usize>(i - tailStart) << 2);
    const at = <usize>i << 2;
    const ui = masked && load<f32>(mask + at) <= 0 ? <f32>0 : load<f32>(u + at);
    const value = load<f32>(k) * ui + load<f32>(k + stride) * (load<f32>(v + at) - load<f32>(k + 2 * stride)) + load<f32>(k + 3 * stride);
    store<f32>(out + at, relu ? max(value, <f32>0) : value);
  }
}
