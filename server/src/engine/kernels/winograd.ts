/**
 * When a convolution runs through Winograd's F(2×2, 3×3) (winograd.ts in
 * server/assembly), and the scratch it needs. It takes 16 multiplications per channel
 * pair for each 2×2 block of outputs where the direct kernels take 36, at the price of
 * transforming each 4×4 window, each filter and each block of outputs: worth it for 3×3
 * convolutions at stride 1 once both sides have enough channels for the products to
 * outweigh the transforms.
 */
import type { backend_util } from '@tensorflow/tfjs';

/** Tiles per block, as WINOGRAD_TILE_BLOCK in server/assembly/winograd.ts. */
const TILE_BLOCK = 64;

/** Which pass of a convolution: its output, its input gradient, its filter gradient. */
export type ConvPass = 'forward' | 'input' | 'filter';

/**
 * How much Winograd saves on a pass, as the products' channels (into × out / (into +
 * out): the products grow with both, the transforms with each) times the share of
 * each 2×2 tile that is real output (an odd size pays for a row or column of tiles
 * that is half empty). The input gradient's products go from the output's channels
 * to the input's, over the input's map.
 */
export function winogradGain(info: backend_util.Conv2DInfo, pass: ConvPass): number {
  const [into, out, rows, cols] =
    pass === 'input'
      ? [info.outChannels, info.inChannels, info.inHeight, info.inWidth]
      : [info.inChannels, info.outChannels, info.outHeight, info.outWidth];
  const used = (rows * cols) / (4 * Math.ceil(rows / 2) * Math.ceil(cols / 2));
  return ((into * out) / (into + out)) * used;
}

/**
 * The gain from which Winograd is the faster, per pass (`npm run bench:conv` on
 * the zoo's layers): the forward pass and the input gradient run their products in
 * conv2dValid's blocks, which are slower per multiply-add at few channels; the filter
 * gradient's products keep their speed, so it pays from fewer channels, as long as
 * the input channels come in whole vectors of four (with a remainder, every window
 * is transformed partly lane by lane, which its short products do not repay: a layer
 * of 30 input channels ran at half the direct speed).
 */
const WINOGRAD_MIN_GAIN: Record<ConvPass, number> = { forward: 10, input: 10, filter: 7 };

/** 'auto' picks by the gain; 'always' and 'never' are for tests and benchmarks that compare both paths. */
export type WinogradPolicy = 'auto' | 'always' | 'never';

let policy: WinogradPolicy = 'auto';

/** Sets when 3×3 convolutions at stride 1 go through Winograd, from their next run. */
export function useWinograd(next: WinogradPolicy): void {
  policy = next;
}

/** Whether this pass of this convolution goes through Winograd's F(2×2, 3×3). */
export function winogradFits(info: backend_util.Conv2DInfo, pass: ConvPass): boolean {
  const shape =
    info.filterHeight === 3 &&
    info.filterWidth === 3 &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1;
  if (!shape || policy === 'never') return false;
  if (policy === 'always') return true;
  if (pass === 'filter' && info.inChannels % 4 !== 0) return false;
  return winogradGain(info, pass) >= WINOGRAD_MIN_GAIN[pass];
}

/** Bytes of the transformed filter (or of the filter gradient's sums): 16 planes of [into, outPadded]. */
export const winogradFilterBytes = (into: number, outPadded: number) => 16 * into * outPadded * 4;

/** Bytes of the work space for one block of tiles: its windows and its products (each plane 64 bytes longer, see planeBytes). */
export const winogradWorkBytes = (into: number, outPadded: number) => 16 * (TILE_BLOCK * (into + outPadded) + 32) * 4;
