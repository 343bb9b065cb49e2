// AvgPoolGrad over NHWC data: each dy, times 1/(window size), is added to every input
// of its window (the shipped kernel is a scalar loop over every input and window).
// Four channels at a time where the channel count allows, one at a time otherwise.

export function avgPoolGrad(
  dy: usize, dx: usize,
  batch: i32, inHeight: i32, inWidth: i32, channels: i32,
  outHeight: i32, outWidth: i32, filterHeight: i32, filterWidth: i32,
  strideHeight: i32, strideWidth: i32, padTop: i32, padLeft: i32, scale: f32,
): void {
  memory.fill(dx, 0, <usize>batch * inHeight * inWidth * channels << 2);
  const vectorised = (channels & 3) == 0;
  const factor = f32x4.splat(scale);
  const pixelBytes = <usize>channels << 2;
  let dyAt: usize = dy;
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const rFrom = max(0, oh * strideHeight - padTop);
      const rTo = min(inHeight, oh * strideHeight - padTop + filterHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const cFrom = max(0, ow * strideWidth - padLeft);
        const cTo = min(inWidth, ow * strideWidth - padLeft + filterWidth);
        for (let r = rFrom; r < rTo; r++) {
          let target = dx + <usize>((b * inHeight + r) * inWidth + cFrom) * pixelBytes;
          for (let c = cFrom; c < cTo; c++) {
            if (vectorised) {
              for (let k: usize = 0; k < pixelBytes; k += 16) {
                v128.store(target + k, f32x4.add(v128.load(target + k), f32x4.mul(v128.load(dyAt + k), factor)));
              }
            } else {
              for (let k: usize = 0; k < pixelBytes; k += 4) store<f32>(target + k, load<f32>(target + k) + load<f32>(dyAt + k) * scale);
            }
            target += pixelBytes;
          }
        }
        dyAt += pixelBytes;
      }
    }
  }
}
