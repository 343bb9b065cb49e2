import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EpochMetrics } from '@gradsheet/shared';
import { trainingReportXlsx } from '@gradsheet/server';
import { convertTo, numberAt, recalculateToCsv } from './support/libreoffice.js';
import { sampleTrainConfig } from './support/train-config.js';

/**
 * The training report, opened and recalculated by LibreOffice Calc: the Epochs
 * table must hold the metrics exactly, the Run sheet's formulas must find the
 * best epoch, and both charts must survive, bound to the Epochs ranges.
 */

const config = sampleTrainConfig(15);

/** Full-precision numbers, as a real run logs them: the table must keep every digit LibreOffice can show. */
function epochMetrics(epoch: number, testCorrect: number): EpochMetrics {
  const seconds = 38.5 + Math.sin(epoch) * 1.7;
  return {
    epoch,
    trainLoss: 2.302585093 * Math.exp(-1.3 * epoch) + 0.0123 / epoch,
    trainAcc: 1 - 0.3 * Math.exp(-1.1 * epoch) - 0.004 / 3,
    testLoss: 0.1 * Math.exp(-0.6 * epoch) + 0.0187 + 1e-7 / 7,
    testAcc: testCorrect / 10_000,
    testCorrect,
    testCount: 10_000,
    // OneCycle anneals towards almost 0, so the last rates are tiny.
    lr: 0.05 * Math.pow(10, -2.5 * (epoch - 1)) / 3,
    seconds,
    imagesPerSecond: 60_000 / seconds,
  };
}
// The best accuracy (epoch 3) is not the last, so "best" and "final" differ.
const metrics = [epochMetrics(1, 9712), epochMetrics(2, 9866), epochMetrics(3, 9931), epochMetrics(4, 9917)];

let dir: string;
let reportFile: string;
let emptyFile: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gradsheet-report-'));
  reportFile = join(dir, 'report.xlsx');
  emptyFile = join(dir, 'empty.xlsx');
  await writeFile(reportFile, await trainingReportXlsx({ runId: 'run-abc', config, metrics, state: 'completed', createdAt: '2025-05-01T10:00:00Z', backend: 'wasm' }));
  await writeFile(emptyFile, await trainingReportXlsx({ runId: 'run-new', config, metrics: [], state: 'running' }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** LibreOffice writes at most 15 significant digits; tiny numbers come back in fixed notation (see the harness). */
function expectClose(actual: number, expected: number, what: string): void {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(1e-9 * Math.abs(expected) + 1e-20);
}

/**
 * The number in a cell. The CSV keeps every digit, but a percent format keeps its
 * sign ("98.6600000000000%"), so that is undone here.
 */
function valueAt(rows: string[][], row: number, col: number): number {
  const text = rows[row]?.[col] ?? '';
  if (!text.endsWith('%')) return numberAt(rows, row, col);
  return numberAt([[text.slice(0, -1)]], 0, 0) / 100;
}

/** The number beside a label in column A. */
function resultOf(rows: string[][], label: string): number {
  const row = rows.findIndex((r) => r[0] === label);
  if (row < 0) throw new Error(`no row labelled ${label}`);
  return valueAt(rows, row, 1);
}

describe('the training report in LibreOffice', () => {
  it('keeps every number of the Epochs table and recalculates the results from it', async () => {
    const sheets = await recalculateToCsv(reportFile);
    expect([...sheets.keys()]).toEqual(['Run', 'Model', 'Epochs']);

    const epochs = sheets.get('Epochs')!;
    expect(epochs[0]).toEqual(['Epoch', 'Train loss', 'Train acc', 'Test loss', 'Test acc', 'LR', 'Seconds', 'Images/s']);
    expect(epochs.filter((r) => r.some((text) => text !== ''))).toHaveLength(1 + metrics.length);
    metrics.forEach((m, i) => {
      const expected = [m.epoch, m.trainLoss, m.trainAcc, m.testLoss, m.testAcc, m.lr, m.seconds, m.imagesPerSecond];
      expected.forEach((value, col) => expectClose(valueAt(epochs, i + 1, col), value, `Epochs row ${i + 2}, column ${col + 1}`));
    });

    const run = sheets.get('Run')!;
    expect(resultOf(run, 'Epochs finished')).toBe(4);
    expectClose(resultOf(run, 'Best test accuracy'), 0.9931, 'best test accuracy');
    expect(resultOf(run, 'Best epoch')).toBe(3);
    expectClose(resultOf(run, 'Final test accuracy'), 0.9917, 'final test accuracy');
    expectClose(resultOf(run, 'Total time (s)'), metrics.reduce((sum, m) => sum + m.seconds, 0), 'total time');
    // Read across from the Model sheet's SUM of the layer parameters.
    expect(resultOf(run, 'Parameters')).toBe(7774);
  });

  it('keeps both charts, with their series bound to the Epochs ranges and named by the header', async () => {
    const ods = await convertTo(reportFile, join(dir, 'ods'), 'ods');
    const zip = await JSZip.loadAsync(await readFile(ods));
    const chartParts = Object.keys(zip.files).filter((name) => /^Object \d+\/content\.xml$/.test(name));
    expect(chartParts).toHaveLength(2);
    const charts = await Promise.all(chartParts.map((name) => zip.file(name)!.async('string')));
    const attributes = (name: string) =>
      charts.map((xml) => [...xml.matchAll(new RegExp(`chart:${name}="([^"]+)"`, 'g'))].map((m) => m[1] ?? '').sort());
    const rangeOf = (col: string) => `Epochs.${col}2:Epochs.${col}5`;
    const labelOf = (col: string) => `Epochs.${col}1:Epochs.${col}1`;
    // One chart plots the losses (B, D), the other the accuracies (C, E), in either part order.
    expect(attributes('values-cell-range-address').sort()).toEqual([
      [rangeOf('B'), rangeOf('D')],
      [rangeOf('C'), rangeOf('E')],
    ]);
    expect(attributes('label-cell-address').sort()).toEqual([
      [labelOf('B'), labelOf('D')],
      [labelOf('C'), labelOf('E')],
    ]);
    expect(charts.every((xml) => xml.includes('chart:class="chart:line"'))).toBe(true);
  });

  it('opens and converts a run with no finished epoch, with no charts', async () => {
    const ods = await convertTo(emptyFile, join(dir, 'ods'), 'ods');
    const zip = await JSZip.loadAsync(await readFile(ods));
    expect(Object.keys(zip.files).filter((name) => name.startsWith('Object '))).toEqual([]);
    const content = await zip.file('content.xml')!.async('string');
    const tables = [...content.matchAll(/<table:table table:name="([^"]+)"/g)].map((m) => m[1]);
    expect(tables).toEqual(['Run', 'Model', 'Epochs']);
    expect(content).toContain('no epoch finished yet');
  });
});
