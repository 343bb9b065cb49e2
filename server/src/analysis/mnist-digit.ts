import { DIGIT_SIDE, invalidInput } from '@gradsheet/shared';

/** MNIST's digits were scaled to fit a 20×20 box, then placed in 28×28 by their centre of mass. */
const BOX = 20;
/** Where a digit's centre of mass sits, in pixel indices: where MNIST's test digits have theirs. */
const CENTRE = DIGIT_SIDE / 2;

/** A picture as grey levels from 0 (black) to 255 (white), row by row. */
export interface GreyImage {
  readonly width: number;
  readonly height: number;
  readonly grey: Float64Array;
}

/**
 * A picture of a digit, of any size, reduced to 28×28 as MNIST's digits were:
 * ink made white on black (a picture on light paper is inverted, judged by its
 * border; an even grey paper is taken off), the ink's bounding box scaled to 20
 * pixels on its longer side keeping its aspect (each pixel the mean of the area it
 * covers), then placed so that its centre of mass falls on the centre. A digit
 * that is already so, as MNIST's are, comes back pixel for pixel. Returns 784 ink
 * values from 0 to 1, row by row.
 */
export function mnistDigit(image: GreyImage): number[] {
  const { width, height } = image;
  const ink = inkOf(image);
  let [left, top, right, bottom] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if ((ink[y * width + x] as number) > 0) {
        left = Math.min(left, x);
        right = Math.max(right, x);
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
      }
    }
  }
  if (right < 0) throw invalidInput('the image holds no digit: every pixel is the colour of its paper');
  const boxWidth = right - left + 1;
  const boxHeight = bottom - top + 1;
  const scale = BOX / Math.max(boxWidth, boxHeight);
  const outWidth = Math.max(1, Math.round(boxWidth * scale));
  const outHeight = Math.max(1, Math.round(boxHeight * scale));
  const box = new Float64Array(boxWidth * boxHeight);
  for (let y = 0; y < boxHeight; y++) box.set(ink.subarray((top + y) * width + left, (top + y) * width + left + boxWidth), y * boxWidth);
  const scaled = resample(box, boxWidth, boxHeight, outWidth, outHeight);

  let [mass, sumX, sumY] = [0, 0, 0];
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      const v = scaled[y * outWidth + x] as number;
      mass += v;
      sumX += v * x;
      sumY += v * y;
    }
  }
  // Whole-pixel shifts, kept inside the 28×28 field.
  const place = (centre: number, size: number) => Math.min(DIGIT_SIDE - size, Math.max(0, Math.round(CENTRE - centre)));
  const left28 = place(sumX / mass, outWidth);
  const top28 = place(sumY / mass, outHeight);
  const digit = new Array<number>(DIGIT_SIDE * DIGIT_SIDE).fill(0);
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) digit[(top28 + y) * DIGIT_SIDE + left28 + x] = (scaled[y * outWidth + x] as number) / 255;
  }
  return digit;
}

/** Ink from 0 to 255: grey as is on dark paper, inverted on light paper; the paper's own level taken off. */
function inkOf({ width, height, grey }: GreyImage): Float64Array {
  const border: number[] = [];
  for (let x = 0; x < width; x++) border.push(grey[x] as number, grey[(height - 1) * width + x] as number);
  for (let y = 1; y < height - 1; y++) border.push(grey[y * width] as number, grey[y * width + width - 1] as number);
  border.sort((a, b) => a - b);
  const paperGrey = border[Math.floor(border.length / 2)] as number;
  const light = paperGrey > 127.5;
  const ink = Float64Array.from(grey, (g) => (light ? 255 - g : g));
  const paper = light ? 255 - paperGrey : paperGrey;
  if (paper > 0 && paper < 255) {
    for (let i = 0; i < ink.length; i++) ink[i] = (Math.max(0, (ink[i] as number) - paper) * 255) / (255 - paper);
  }
  return ink;
}

/** Area resampling, one axis after the other: each new pixel is the mean of the old area it covers. The same size is a plain copy. */
function resample(pixels: Float64Array, width: number, height: number, newWidth: number, newHeight: number): Float64Array {
  if (newWidth === width && newHeight === height) return pixels;
  const across = spans(width, newWidth);
  const down = spans(height, newHeight);
  const rows = new Float64Array(height * newWidth);
  for (let y = 0; y < height; y++) {
    across.forEach((span, x) => {
      rows[y * newWidth + x] = span.reduce((sum, [from, weight]) => sum + weight * (pixels[y * width + from] as number), 0);
    });
  }
  const out = new Float64Array(newHeight * newWidth);
  for (let x = 0; x < newWidth; x++) {
    down.forEach((span, y) => {
      out[y * newWidth + x] = span.reduce((sum, [from, weight]) => sum + weight * (rows[from * newWidth + x] as number), 0);
    });
  }
  return out;
}

/** For each of `to` new pixels along an axis of `from` old ones: the old pixels it covers and their shares of it. */
function spans(from: number, to: number): [number, number][][] {
  const step = from / to;
  return Array.from({ length: to }, (_, i) => {
    const start = i * step;
    const end = (i + 1) * step;
    const span: [number, number][] = [];
    for (let j = Math.floor(start); j < Math.min(from, Math.ceil(end)); j++) {
      const overlap = Math.min(end, j + 1) - Math.max(start, j);
      if (overlap > 0) span.push([j, overlap / step]);
    }
    return span;
  });
}
