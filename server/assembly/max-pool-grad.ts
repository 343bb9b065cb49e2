// MaxPoolGrad over NHWC data: each dy goes to the first maximum of its window in
// row-major order, as the cpu backend routes it; windows of values all ≤ 0 included.
// Four channels at a time where the channel count allows, one at a time otherwise.

// @ts-ignore: decorator
@inline function addAt(dx: usize, index: i32, value: f32): void {
  if (index >= 0) {
    const target = dx + (<usize>index << 2);
    store<f32>(target, load<f32>(target) + value);
  }
}

export function maxPoolGrad(
  x: usize, dy: usize, dx: usize,
  batch: i32, inHeight: i32, inWidth: i32, channels: i32,
  outHeight: i32, outWidth: i32, filterHeight: i32, filterWidth: i32,
  strideHeight: i32, strideWidth: i32, padTop: i32, padLeft: i32,
): void {
  memory.fill(dx, 0, <usize>batch * inHeight * inWidth * channels << 2);
  const vectorised = (channels & 3) == 0;
  const lanes = i32x4(0, 1, 2, 3);
  let dyAt: usize = dy;
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const r0 = oh * strideHeight - padTop;
      const rFrom = max(0, r0);
      const rTo = min(inHeight, r0 + filterHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const c0 = ow * strideWidth - padLeft;
        const cFrom = max(0, c0);
        const cTo = min(inWidth, c0 + filterWidth);
        if (vectorised) {
          for (let ch = 0; ch < channels; ch += 4) {
            let best = f32x4.splat(-Infinity);
            let bestAt = i32x4.splat(-1);
            for (let r = rFrom; r < rTo; r++) {
              for (let c = cFrom; c < cTo; c++) {
                const at = ((b * inHeight + r) * inWidth + c) * channels + ch;
                const value = v128.load(x + (<usize>at << 2));
                const greater = f32x4.gt(value, best);
                best = v128.bitselect(value, best, greater);
                bestAt = v128.bitselect(i32x4.add(i32x4.splat(at), lanes), bestAt, greater);
              }
            }
            addAt(dx, i32x4.extract_lane(bestAt, 0), load<f32>(dyAt));
            addAt(dx, i32x4.extract_lane(bestAt, 1), load<f32>(dyAt, 4));
            addAt(dx, i32x4.extract_lane(bestAt, 2), load<f32>(dyAt, 8));
            addAt(dx, i32x4.extract_lane(bestAt, 3), load<f32>(dyAt, 12));
            dyAt += 16;
          }
          continue;
        }
        for (let ch = 0; ch < channels; ch++) {
          let best = -Infinity;
          let bestAt = -1;
          for (let r = rFrom; r < rTo; r++) {
            for (let c = cFrom; c < cTo; c++) {
              const at = ((b * inHeight + r) * inWidth + c) * channels + ch;
              const value = load<f32>(x + (<usize>at << 2));
              if (value > best) {
                best = value;
                bestAt = at;
              }
            }
          }
          addAt(dx, bestAt, load<f32>(dyAt));
          dyAt += 4;
        }
      }
    }
  }
}
