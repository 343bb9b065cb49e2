import { describe, expect, it } from 'vitest';
import { GradSheetError } from '../errors.js';
import { parseIdx, parseMnistSplit } from './idx.js';

function idx(dims: number[], data: number[], type = 0x08): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  header.set([0, 0, type, dims.length]);
  const view = new DataView(header.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  return new Uint8Array([...header, ...data]);
}

describe('parseIdx', () => {
  it('reads dimensions and data', () => {
    const parsed = parseIdx(idx([2, 3], [1, 2, 3, 4, 5, 6]), { name: 'x', dims: [2, null] });
    expect(parsed.dims).toEqual([2, 3]);
    expect([...parsed.data]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it.each([
    ['an empty file', new Uint8Array(0), /empty or truncated/],
    ['a bad magic number', new Uint8Array([1, 0, 8, 1, 0, 0, 0, 1, 5]), /bad magic/],
    ['the wrong data type', idx([1], [5], 0x0d), /type 0x8.*0xd|unsigned-byte/],
    ['the wrong number of dimensions', idx([1, 1], [5]), /expected 1 dimensions, found 2/],
    ['a wrong count', idx([2], [5, 6]), /dimension 1 is 2, expected 3/],
    ['truncated data', idx([3], [5, 6]), /truncated: expected 3 bytes of data, found 2/],
    ['trailing bytes', idx([3], [5, 6, 7, 8]), /1 unexpected bytes/],
  ])('refuses %s with a clear message', (_what, bytes, message) => {
    const call = () => parseIdx(bytes, { name: 'labels', dims: [3] });
    expect(call).toThrow(GradSheetError);
    expect(call).toThrow(message);
  });
});

describe('parseMnistSplit', () => {
  it('refuses a label that is not a digit', () => {
    const images = idx([10_000, 28, 28], new Array(10_000 * 28 * 28).fill(0));
    const labels = idx([10_000], [...new Array(9_999).fill(3), 11]);
    expect(() => parseMnistSplit(images, labels, 'test')).toThrow(/label 9999 is 11/);
  });
});
