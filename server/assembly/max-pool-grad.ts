// MaxPoolGrad over NHWC data: each dy goes to the first maximum of its window in
// row-major order, as the cpu backend routes it; windows of values all ≤ 0 included.

export function maxPoolGrad(
  x: usize, dy: usize, dx: usize,
  batch: i32, inHeight: i32, inWidth: i32, channels: i32,
  outHeight: i32, outWidth: i32, filterHeight: i32, filterWidth: i32,
  strideHeight: i32, strideWidth: i32, padTop: i32, padLeft: i32,
): void {
  memory.fill(dx, 0, <usize>batch * inHeight * inWidth * channels << 2);
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
        for (let ch = 0; ch < channels; ch++) {
          let best = -Infinity;
          let bestAt: isize = -1;
          for (let r = rFrom; r < rTo; r++) {
            for (let c = cFrom; c < cTo; c++) {
              const at = <isize>(((b * inHeight + r) * inWidth + c) * channels + ch) << 2;
              const value = load<f32>(x + at);
              if (value > best) {
                best = value;
                bestAt = at;
              }
            }
          }
          if (bestAt >= 0) {
            const target = dx + bestAt;
            store<f32>(target, load<f32>(target) + load<f32>(dyAt));
          }
          dyAt += 4;
        }
      }
    }
  }
}
