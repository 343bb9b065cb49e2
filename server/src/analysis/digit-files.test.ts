import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GradSheetError, type MnistSplit } from '@gradsheet/shared';
import { loadMnistSplit } from '../mnist/load-mnist.js';
import { digitFromCsv, greyFromPng } from './digit-files.js';
import { mnistDigit } from './mnist-digit.js';

let test: MnistSplit;
beforeAll(async () => {
  test = await loadMnistSplit('test');
});

const pixelsOf = (index: number) => Array.from(test.images.subarray(index * 784, (index + 1) * 784), (p) => p / 255);

/** A PNG of test image `index`: `scale`× larger, dark ink on white paper, at (left, top) on a canvas of the given size. */
function pngOf(index: number, options: { scale?: number; width?: number; height?: number; left?: number; top?: number; alpha?: boolean } = {}): Buffer {
  const { scale = 1, left = 0, top = 0, alpha = false } = options;
  const { width = 28 * scale, height = 28 * scale } = options;
  const png = new PNG({ width, height });
  png.data.fill(255);
  for (let y = 0; y < 28 * scale; y++) {
    for (let x = 0; x < 28 * scale; x++) {
      const ink = test.images[index * 784 + Math.floor(y / scale) * 28 + Math.floor(x / scale)] as number;
      const at = 4 * ((top + y) * width + left + x);
      if (alpha) {
        // Black ink whose opacity is the ink, over a transparent page.
        png.data.fill(0, at, at + 3);
        png.data[at + 3] = ink;
      } else {
        png.data.fill(255 - ink, at, at + 3);
      }
    }
  }
  if (alpha) for (let i = 0; i < width * height; i++) if ((png.data[4 * i + 3] as number) === 255 && (png.data[4 * i] as number) === 255) png.data[4 * i + 3] = 0;
  return PNG.sync.write(png);
}

function refusal(work: () => unknown): GradSheetError {
  try {
    work();
  } catch (error) {
    if (error instanceof GradSheetError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('reducing a picture to an MNIST digit', () => {
  it('gives an MNIST test digit back pixel for pixel: its box is 20 pixels long and its centre of mass is at the centre', () => {
    let same = 0;
    for (let index = 0; index < 500; index++) {
      const grey = Float64Array.from(test.images.subarray(index * 784, (index + 1) * 784));
      const pixels = pixelsOf(index);
      if (mnistDigit({ width: 28, height: 28, grey }).every((v, i) => v === pixels[i])) same++;
    }
    // MNIST's test set has three digits 19 pixels long and one off centre, none of them among the first 500.
    expect(same).toBe(500);
  });

  it('a PNG of a test digit, dark on light at 28×28, decodes to the same pixels', () => {
    const png = greyFromPng(pngOf(0), 'seven.png');
    expect(mnistDigit(png)).toEqual(pixelsOf(0));
  });

  it('a test digit drawn three times larger, anywhere on a larger page, comes back as the digit', () => {
    const png = greyFromPng(pngOf(1, { scale: 3, width: 200, height: 150, left: 110, top: 40 }), 'two.png');
    const digit = mnistDigit(png);
    pixelsOf(1).forEach((value, i) => expect(digit[i]).toBeCloseTo(value, 10));
  });

  it('transparent paper is white paper', () => {
    const digit = mnistDigit(greyFromPng(pngOf(2, { alpha: true }), 'one.png'));
    pixelsOf(2).forEach((value, i) => expect(digit[i]).toBeCloseTo(value, 10));
  });

  it('a small digit is scaled up to 20 pixels, its aspect kept, its centre of mass at the centre', () => {
    const grey = new Float64Array(100 * 100);
    // A bar 10 pixels tall and 2 wide, white on black, in a corner.
    for (let y = 5; y < 15; y++) for (let x = 3; x < 5; x++) grey[y * 100 + x] = 255;
    const digit = mnistDigit({ width: 100, height: 100, grey });
    const inked = digit.flatMap((v, i) => (v > 0 ? [i] : []));
    const rows = new Set(inked.map((i) => Math.floor(i / 28)));
    const columns = new Set(inked.map((i) => i % 28));
    expect([rows.size, columns.size]).toEqual([20, 4]);
    // Centres of mass at 9.5 and 1.5 in the 20×4 block: moved by 4.5 and 12.5 pixels, rounded up.
    expect(Math.min(...rows)).toBe(5);
    expect(Math.min(...columns)).toBe(13);
    expect(digit.filter((v) => v > 0).every((v) => v === 1)).toBe(true);
  });

  it('refuses a blank picture, bytes that are not a PNG, a damaged PNG and a huge one, each with one sentence', () => {
    expect(refusal(() => mnistDigit({ width: 5, height: 5, grey: new Float64Array(25).fill(255) })).message).toBe(
      'the image holds no digit: every pixel is the colour of its paper',
    );
    const notPng = refusal(() => greyFromPng(Buffer.from('7,7,7\n'), 'digit.png'));
    expect([notPng.code, notPng.message]).toEqual(['INVALID_FILE', 'digit.png is not a PNG image']);
    const damaged = pngOf(0);
    damaged.fill(0, 40, 60);
    const broken = refusal(() => greyFromPng(damaged, 'digit.png'));
    expect(broken.code).toBe('INVALID_FILE');
    expect(broken.message).toMatch(/^digit\.png is not a readable PNG image: /);
    const huge = Buffer.from(pngOf(0));
    huge.writeUInt32BE(5000, 16);
    huge.writeUInt32BE(4000, 20);
    expect(refusal(() => greyFromPng(huge, 'digit.png')).message).toBe('digit.png is 5000×4000 pixels; a digit picture may have at most 16,777,216');
  });
});

describe('a digit from a CSV grid', () => {
  const csv = (rows: readonly (readonly unknown[])[]) => rows.map((row) => row.join(',')).join('\n');
  const grid = () => Array.from({ length: 28 }, (_, r) => pixelsOf(0).slice(r * 28, (r + 1) * 28).map(String));

  it('reads the values as written, blank cells as 0, with a header byte-order mark and a closing newline', () => {
    expect(digitFromCsv(`${csv(grid())}\n`, 'seven.csv')).toEqual(pixelsOf(0));
    const blanks = grid().map((row) => row.map((v) => (v === '0' ? '' : v)));
    expect(digitFromCsv(`\uFEFF${csv(blanks)}`, 'seven.csv')).toEqual(pixelsOf(0));
    expect(digitFromCsv(grid().map((row) => row.join(';')).join('\r\n'), 'seven.csv')).toEqual(pixelsOf(0));
  });

  it('names the cell with text, and a grid of the wrong size', () => {
    const text = grid();
    (text[9] as string[])[13] = 'x';
    expect(refusal(() => digitFromCsv(csv(text), 'seven.csv')).message).toBe('seven.csv row 10, column 14 is "x", not a number from 0 to 1');
    expect(refusal(() => digitFromCsv(csv(grid().slice(0, 20)), 'seven.csv')).message).toBe(
      'seven.csv must be 28 rows of 28 values from 0 (paper) to 1 (ink); it has 20 rows',
    );
    expect(refusal(() => digitFromCsv(csv(grid().map((row) => row.slice(1))), 'seven.csv')).message).toBe('seven.csv row 1 has 27 values, not 28');
  });
});
