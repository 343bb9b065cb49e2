// Channel layouts: SIMD kernels read and write pixels as whole vectors of four floats.

/**
 * Copies `channels` floats of each pixel from rows `fromStride` floats apart to rows
 * `toStride` apart; a wider destination gets zeros in its extra channels. Pads dy to
 * whole vectors, and trims a padded result back to its tensor.
 */
export function repackChannels(from: usize, fromStride: i32, to: usize, toStride: i32, pixels: i32, channels: i32): void {
  if (toStride > channels) memory.fill(to, 0, <usize>(pixels * toStride) << 2);
  for (let p = 0; p < pixels; p++) {
    memory.copy(to + (<usize>(p * toStride) << 2), from + (<usize>(p * fromStride) << 2), <usize>channels << 2);
  }
}
