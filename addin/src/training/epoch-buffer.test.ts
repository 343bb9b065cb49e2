import { describe, expect, it } from 'vitest';
import type { EpochMetrics } from '@gradsheet/shared';
import { contiguousEpochs, EpochBuffer } from './epoch-buffer.js';

const epoch = (n: number, trainLoss = 1 / n) => ({ epoch: n, trainLoss }) as EpochMetrics;

describe('EpochBuffer', () => {
  it('writes one batch at a time; epochs arriving meanwhile go in the next, each epoch once', async () => {
    const writes: number[][] = [];
    let release: () => void = () => {};
    const buffer = new EpochBuffer(
      (rows) => {
        writes.push(rows.map((r) => r.epoch));
        return writes.length === 1 ? new Promise<void>((done) => (release = done)) : Promise.resolve();
      },
      (error) => {
        throw error;
      },
      1_000_000,
    );
    buffer.push(epoch(1));
    const first = buffer.flush();
    buffer.push(epoch(3));
    buffer.push(epoch(2));
    buffer.push(epoch(2, 0.25)); // a replay of epoch 2 replaces the first copy
    const second = buffer.flush();
    expect(writes).toEqual([[1]]);
    release();
    await Promise.all([first, second]);
    expect(writes).toEqual([[1], [2, 3]]);
    buffer.dispose();
  });

  it('keeps the rows of a failed write for the next flush', async () => {
    const errors: unknown[] = [];
    let fail = true;
    const written: number[] = [];
    const buffer = new EpochBuffer(
      async (rows) => {
        if (fail) throw new Error('Excel is busy');
        written.push(...rows.map((r) => r.epoch));
      },
      (error) => errors.push(error),
      1_000_000,
    );
    buffer.push(epoch(1));
    await buffer.flush();
    expect(errors).toHaveLength(1);
    expect(buffer.pending).toBe(1);
    fail = false;
    await buffer.flush();
    expect(written).toEqual([1]);
    buffer.dispose();
  });

  it('writes on its own after a short wait', async () => {
    const written: number[] = [];
    const buffer = new EpochBuffer(async (rows) => void written.push(...rows.map((r) => r.epoch)), () => {}, 5);
    buffer.push(epoch(1));
    buffer.push(epoch(2));
    await new Promise((done) => setTimeout(done, 50));
    expect(written).toEqual([1, 2]);
  });
});

describe('contiguousEpochs', () => {
  it('is where a resumed stream starts: the end of the unbroken run from epoch 1', () => {
    expect(contiguousEpochs([])).toBe(0);
    expect(contiguousEpochs([1, 2, 3])).toBe(3);
    expect(contiguousEpochs([1, 2, 4])).toBe(2);
    expect(contiguousEpochs([2, 3])).toBe(0);
  });
});
