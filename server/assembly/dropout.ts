// Dropout with its mask drawn from a counter-based hash: element i is dropped when
// hash(seed, i) < threshold, so the forward pass and the gradient make the same mask
// from the seed alone, and no mask is stored. The hash is murmur3's finaliser of
// i·φ + seed (φ = 0x9E3779B1), computed four elements at a time; GradSheet's
// TypeScript (dropout-mask.ts) computes the same one for the other backends.

// @ts-ignore: decorator
@inline function hash(v: v128): v128 {
  v = v128.xor(v, i32x4.shr_u(v, 16));
  v = i32x4.mul(v, i32x4.splat(0x85ebca6b));
  v = v128.xor(v, i32x4.shr_u(v, 13));
  v = i32x4.mul(v, i32x4.splat(0xc2b2ae35));
  return v128.xor(v, i32x4.shr_u(v, 16));
}

// @ts-ignore: decorator
@inline function hashOne(h: u32): u32 {
  h ^= h >>> 16;
  h *= 0x85ebca6b;
  h ^= h >>> 13;
  h *= 0xc2b2ae35;
  return h ^ (h >>> 16);
}

/** out[i] = 0 where hash(seed, i) < threshold (unsigned), else x[i]·keep. */
export function dropout(x: usize, out: usize, count: i32, seed: u32, threshold: u32, keep: f32): void {
  const golden = i32x4.splat(0x9e3779b1);
  const step = i32x4.splat(4);
  const limit = i32x4.splat(threshold);
  const scale = f32x4.splat(keep);
  let index = i32x4(0, 1, 2, 3);
  const base = i32x4.splat(seed);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const dropped = i32x4.lt_u(hash(i32x4.add(i32x4.mul(index, golden), base)), limit);
    const at = <usize>i << 2;
    v128.store(out + at, v128.andnot(f32x4.mul(v128.load(x + at), scale), dropped));
    index = i32x4.add(index, step);
  }
  for (; i < count; i++) {
    const at = <usize>i << 2;
    const h = hashOne(<u32>i * 0x9e3779b1 + seed);
    store<f32>(out + at, h < threshold ? <f32>0 : load<f32>(x + at) * keep);
  }
}
