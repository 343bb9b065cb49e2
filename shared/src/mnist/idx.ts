import { invalidInput } from '../errors.js';

/**
 * The IDX format of the original MNIST files: a 4-byte magic (0, 0, data type,
 * number of dimensions), one big-endian uint32 per dimension, then the data.
 * Parsing checks everything a corrupt or truncated download could break.
 */

const UNSIGNED_BYTE = 0x08;

export interface IdxExpectation {
  /** Used in messages, e.g. "train-images-idx3-ubyte". */
  readonly name: string;
  /** Expected dimensions; `null` accepts any size in that position. */
  readonly dims: readonly (number | null)[];
}

export interface IdxTensor {
  readonly dims: readonly number[];
  readonly data: Uint8Array;
}

export function parseIdx(bytes: Uint8Array, expect: IdxExpectation): IdxTensor {
  const { name } = expect;
  const headerSize = 4 + 4 * expect.dims.length;
  if (bytes.length < 4) throw invalidInput(`${name}: file is empty or truncated (${bytes.length} bytes)`);
  if (bytes[0] !== 0 || bytes[1] !== 0) throw invalidInput(`${name}: not an IDX file (bad magic number)`);
  if (bytes[2] !== UNSIGNED_BYTE) throw invalidInput(`${name}: expected unsigned-byte data (type 0x08), found type 0x${(bytes[2] ?? 0).toString(16)}`);
  if (bytes[3] !== expect.dims.length) {
    throw invalidInput(`${name}: expected ${expect.dims.length} dimensions, found ${bytes[3] ?? 0}`);
  }
  if (bytes.length < headerSize) throw invalidInput(`${name}: header is truncated`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = expect.dims.map((expected, index) => {
    const actual = view.getUint32(4 + 4 * index, false);
    if (expected !== null && actual !== expected) {
      throw invalidInput(`${name}: dimension ${index + 1} is ${actual}, expected ${expected}`);
    }
    return actual;
  });
  const size = dims.reduce((a, b) => a * b, 1);
  const available = bytes.length - headerSize;
  if (available < size) throw invalidInput(`${name}: truncated: expected ${size} bytes of data, found ${available}`);
  if (available > size) throw invalidInput(`${name}: ${available - size} unexpected bytes after the data`);
  return { dims, data: bytes.subarray(headerSize) };
}

export interface MnistSplit {
  /** Pixels 0..255, image after image, 28×28 row-major. */
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly count: number;
}

export const MNIST_SIDE = 28;
export const MNIST_TRAIN_COUNT = 60_000;
export const MNIST_TEST_COUNT = 10_000;

/** Checks that an images file and a labels file form one split of MNIST. */
export function parseMnistSplit(images: Uint8Array, labels: Uint8Array, split: 'train' | 'test'): MnistSplit {
  const prefix = split === 'train' ? 'train' : 't10k';
  const count = split === 'train' ? MNIST_TRAIN_COUNT : MNIST_TEST_COUNT;
  const imageTensor = parseIdx(images, { name: `${prefix}-images-idx3-ubyte`, dims: [count, MNIST_SIDE, MNIST_SIDE] });
  const labelTensor = parseIdx(labels, { name: `${prefix}-labels-idx1-ubyte`, dims: [count] });
  const bad = labelTensor.data.findIndex((label) => label > 9);
  if (bad >= 0) throw invalidInput(`${prefix}-labels-idx1-ubyte: label ${bad} is ${labelTensor.data[bad]}, not a digit 0-9`);
  return { images: imageTensor.data, labels: labelTensor.data, count };
}
