// Partial vectors: a pixel's channels end in 1 to 3 floats that must not be read or
// written past (the next pixel's channels, or the end of a tensor).

/** Stores the first `lanes` (1 to 4) floats of v at p. */
// @ts-ignore: decorator
@inline export function storeLanes(p: usize, v: v128, lanes: i32): void {
  if (lanes >= 4) {
    v128.store(p, v);
    return;
  }
  v128.store32_lane(p, v, 0);
  if (lanes >= 2) v128.store32_lane(p, v, 1, 4);
  if (lanes >= 3) v128.store32_lane(p, v, 2, 8);
}

/** The first `lanes` (1 to 4) floats at p, zeros after; reads nothing beyond them. */
// @ts-ignore: decorator
@inline export function loadLanes(p: usize, lanes: i32): v128 {
  if (lanes >= 4) return v128.load(p);
  let v = v128.load32_zero(p);
  if (lanes >= 2) v = v128.load32_lane(p, v, 1, 4);
  if (lanes >= 3) v = v128.load32_lane(p, v, 2, 8);
  return v;
}
