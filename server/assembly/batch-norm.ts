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

/**
 * Per-channel Σa and Σa·b over `count` floats (pass b = a for Σa²), in float64: the
 * float32 running sums of a long channel drift by about 1e-2 in BatchNorm's gradient.
 * With a `mask` (not 0), a counts only where mask > 0: the gradient through a ReLU
 * whose output is the mask. `scratch` holds 4·period float64 accumulators.
 */
export function channelSums(a: usize, b: usize, mask: usize, count: i32, channels: i32, sumA: usize, sumAB: usize, scratch: usize): void {
  const period = batchNormPeriod(channels);
  const vectors = period >> 2;
  memory.fill(scratch, 0, <usize>period << 5);
  const periods = count / period;
  const masked = mask != 0;
  const zero = f32x4.splat(0);
  let pa = a;
  let pb = b;
  let pm = mask;
  for (let s = 0; s < periods; s++) {
    let slot = scratch;
    for (let k = 0; k < vectors; k++) {
      let va = v128.load(pa);
      if (masked) {
        va = v128.and(va, f32x4.gt(v128.load(pm), zero));
        pm += 16;
      }
      const vb = v128.load(pb);
      // Lanes 0,1 and 2,3 of each vector, widened to float64 before any arithmetic.
      const aLow = f64x2.promote_low_f32x4(va);
      const aHigh = f64x2.promote_low_f32x4(f32x4.shuffle(va, va, 2, 3, 2, 3));
      const bLow = f64x2.promote_low_f32x4(vb);
      const bHigh = f64x2.promote_low_f32x4(f32x4.shuffle(vb, vb, 2, 3, 2, 3));
      v128.store(slot, f64x2.add(v128.load(slot), aLow));
      v128.store(slot, f64x2.add(v128.load(slot, 16), aHigh), 16);
      v128.store(slot, f64x2.add(v128.load(slot, 32), f64x2.mul(aLow, bLow)), 32);
      v128.store(slot, f64x2.add(v128.load(slot, 48), f64x2.mul(aHigh, bHigh)), 48);
      slot += 64;
      pa += 16;
      pb += 16;
    }
  }
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
  const tailStart = periods * period;
  for (let i = tailStart; i < count; i++) {
    const c = <usize>((i - tailStart) % channels) << 3;
    let av = <f64>load<f32>(a + (<usize>i << 2));
    if (masked && load<f32>(mask + (<usize>i << 2)) <= 0) av = 0;
    const bv = <f64>load<f32>(b + (<usize>i << 2));
    store<f64>(sumA + c, load<f64>(sumA + c) + av);
    store<f64>(sumAB + c, load<f64>(sumAB + c) + av * bv);
  }
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
  const periods = count / period;
  const masked = mask != 0;
  const zero = f32x4.splat(0);
  let pu = u;
  let pv = v;
  let pm = mask;
  let po = out;
  for (let s = 0; s < periods; s++) {
    let k = constants;
    for (let j = 0; j < vectors; j++) {
      let vu = v128.load(pu);
      if (masked) {
        vu = v128.and(vu, f32x4.gt(v128.load(pm), zero));
        pm += 16;
      }
      const scaled = f32x4.mul(v128.load(k), vu);
      const centred = f32x4.sub(v128.load(pv), v128.load(k + 2 * stride));
      let sum = f32x4.add(f32x4.add(scaled, f32x4.mul(v128.load(k + stride), centred)), v128.load(k + 3 * stride));
      if (relu) sum = f32x4.max(sum, zero);
      v128.store(po, sum);
      k += 16;
      pu += 16;
      pv += 16;
      po += 16;
    }
  }
  const tailStart = periods * period;
  for (let i = tailStart; i < count; i++) {
    const k = constants + (<usize>(i - tailStart) << 2);
    const at = <usize>i << 2;
    const ui = masked && load<f32>(mask + at) <= 0 ? <f32>0 : load<f32>(u + at);
    const value = load<f32>(k) * ui + load<f32>(k + stride) * (load<f32>(v + at) - load<f32>(k + 2 * stride)) + load<f32>(k + 3 * stride);
    store<f32>(out + at, relu ? max(value, <f32>0) : value);
  }
}
