import { describe, expect, it, vi } from 'vitest';
import type { EpochMetrics } from '@gradsheet/shared';
import { contiguousEpochs, EpochBuffer, type RetryPolicy } from './epoch-buffer.js';

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
    await vi.waitFor(() => expect(written).toEqual([1, 2]), { timeout: 5_000, interval: 5 });
  });
});

describe('EpochBuffer, when Excel refuses a write for a while', () => {
  const cellEdit = () => Object.assign(new Error('Excel is in cell-editing mode.'), { code: 'InvalidOperationInCellEditMode' });

  it('tries again with doubling pauses until the write goes through, with the epochs that arrived meanwhile, the last flush included', async () => {
    const written: number[][] = [];
    const attempts: number[] = [];
    const errors: unknown[] = [];
    let refusals = 3;
    const retry: RetryPolicy = {
      retryable: (error) => (error as { code?: string }).code === 'InvalidOperationInCellEditMode',
      firstDelayMs: 1,
      maxDelayMs: 4,
      onRetry: (_error, attempt) => {
        attempts.push(attempt);
        if (attempt === 1) buffer.push(epoch(2)); // an epoch that arrives while Excel waits
      },
    };
    const buffer = new EpochBuffer(
      async (rows) => {
        if (refusals-- > 0) throw cellEdit();
        written.push(rows.map((r) => r.epoch));
      },
      (error) => errors.push(error),
      1_000_000,
      retry,
    );
    buffer.push(epoch(1));
    await buffer.flush();
    // flush() resolved only once the rows were in.
    expect(written).toEqual([[1, 2]]);
    expect(attempts).toEqual([1, 2, 3]);
    expect(errors).toEqual([]);
    expect(buffer.pending).toBe(0);
    buffer.dispose();
  });

  it('does not try again after other failures, nor once disposed', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const retry: RetryPolicy = { retryable: () => true, firstDelayMs: 1, maxDelayMs: 1, onRetry: () => buffer.dispose() };
    const buffer = new EpochBuffer(
      async () => {
        calls++;
        throw cellEdit();
      },
      (error) => errors.push(error),
      1_000_000,
      retry,
    );
    buffer.push(epoch(1));
    await buffer.flush();
    expect([calls, buffer.pending, errors.length]).toEqual([1, 1, 0]);

    const plain = new EpochBuffer(async () => Promise.reject(new Error('the sheet is gone')), (error) => errors.push(error), 1_000_000, { ...retry, retryable: () => false });
    plain.push(epoch(1));
    await plain.flush();
    expect([errors.length, plain.pending]).toEqual([1, 1]);
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
