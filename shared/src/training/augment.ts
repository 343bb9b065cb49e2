import { uniform, type Random } from '../random.js';

/** The MNIST training set's mean and standard deviation of pixel/255, as the course normalises. */
export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;

/** One pixel as the network sees it: ink from 0 (paper) to 1, normalised as training normalises. */
export function normalisePixel(ink: number): number {
  return (ink - MNIST_MEAN) / MNIST_STD;
}

export interface AugmentOptions {
  /** Largest rotation either way, in degrees (the course uses ±7°). */
  readonly maxRotationDeg: number;
  /** Largest shift either way, in pixels. */
  readonly maxShift: number;
  /** Largest relative change of scale, e.g. 0.05 for 95%–105%. */
  readonly maxScale: number;
}

export const DEFAULT_AUGMENT: AugmentOptions = { maxRotationDeg: 7, maxShift: 1.5, maxScale: 0.05 };

/**
 * Writes one normalised side×side image into `out` at `outOffset`, optionally
 * warped by a random rotation, shift and scale around the centre (bilinear
 * sampling, zeros outside). The pixels come from `pixels` at `inOffset`.
 */
export function normaliseImage(
  pixels: Uint8Array,
  inOffset: number,
  side: number,
  out: Float32Array,
  outOffset: number,
  random: Random | null,
  options: AugmentOptions = DEFAULT_AUGMENT,
): void {
  const background = normalisePixel(0);
  if (!random) {
    for (let i = 0; i < side * side; i++) out[outOffset + i] = normalisePixel((pixels[inOffset + i] as number) / 255);
    return;
  }
  const angle = (uniform(random, -options.maxRotationDeg, options.maxRotationDeg) * Math.PI) / 180;
  const scale = 1 + uniform(random, -options.maxScale, options.maxScale);
  const shiftX = uniform(random, -options.maxShift, options.maxShift);
  const shiftY = uniform(random, -options.maxShift, options.maxShift);
  // Inverse map: for each output pixel, where to sample in the source.
  const cos = Math.cos(angle) / scale;
  const sin = Math.sin(angle) / scale;
  const centre = (side - 1) / 2;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const dx = x - centre - shiftX;
      const dy = y - centre - shiftY;
      const sx = cos * dx + sin * dy + centre;
      const sy = -sin * dx + cos * dy + centre;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const at = (xi: number, yi: number) =>
        xi < 0 || yi < 0 || xi >= side || yi >= side ? 0 : (pixels[inOffset + yi * side + xi] as number);
      const value = (at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy) + (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy;
      out[outOffset + y * side + x] = value === 0 ? background : normalisePixel(value / 255);
    }
  }
}
