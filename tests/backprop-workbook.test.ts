import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BACKPROP_WORKBOOK_OPTIONS as D, runBackprop, type BackpropWorkbookOptions, type Pair, type Weights } from '@gradsheet/shared';
import { expectClose, expectWorkbookMatchesEngine } from './support/backprop-check.js';
import { gradsheet } from './support/cli.js';
import { convertTo, numberAt, recalculateToCsv } from './support/libreoffice.js';
import { setCellNumber } from './support/xlsx-edit.js';

/**
 * The exported workbook, recalculated from scratch by LibreOffice Calc (a real,
 * independent spreadsheet engine), must reproduce the float64 engine.
 */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gradsheet-backprop-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

function flagsFor(o: BackpropWorkbookOptions): string[] {
  return [
    '--steps', String(o.steps),
    '--lr', String(o.learningRate),
    '--lrs', o.comparisonLearningRates.join(','),
    '--inputs', o.inputs.join(','),
    '--targets', o.targets.join(','),
    '--weights', o.initialWeights.join(','),
  ];
}

async function exportWith(name: string, args: string[]): Promise<string> {
  const out = join(dir, name);
  const result = await gradsheet(['backprop', '--out', out, ...args]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return out;
}

describe('backprop workbook recalculated by LibreOffice', () => {
  it('matches the float64 engine for the course defaults', async () => {
    const file = await exportWith('defaults.xlsx', []);
    expectWorkbookMatchesEngine(await recalculateToCsv(file), D);
  });

  it.each([1, 2, 3])('matches the float64 engine for random parameters (seed %i)', async (seed) => {
    const next = seeded(seed);
    const round = (x: number) => Number(x.toPrecision(6));
    const options: BackpropWorkbookOptions = {
      steps: 20 + Math.floor(next() * 300),
      learningRate: round(0.05 + next() * 3),
      comparisonLearningRates: Array.from({ length: 1 + Math.floor(next() * 7) }, () => round(0.01 + next() * 4)),
      inputs: [round(next() * 2 - 1), round(next() * 2 - 1)] as Pair,
      targets: [round(next()), round(next())] as Pair,
      initialWeights: Array.from({ length: 8 }, () => round(next() * 2 - 1)) as unknown as Weights,
    };
    const file = await exportWith(`random-${seed}.xlsx`, flagsFor(options));
    expectWorkbookMatchesEngine(await recalculateToCsv(file), options);
  });

  it('matches the float64 engine over the full 10,000 steps', async () => {
    const options = { ...D, steps: 10_000 };
    const file = await exportWith('max.xlsx', ['--steps', '10000']);
    expectWorkbookMatchesEngine(await recalculateToCsv(file), options);
  });
});

describe('the formulas are live', () => {
  it('recomputes every step when the learner changes η, a starting weight, or a compared η', async () => {
    const steps = 60;
    const file = await exportWith('live.xlsx', ['--steps', String(steps)]);
    const before = await recalculateToCsv(file);

    // Parameters!B5 holds η and B12 the initial w3 (see the Parameters sheet layout).
    await setCellNumber(file, 'Parameters', 'B5', 1.7);
    await setCellNumber(file, 'Parameters', 'B12', -0.4);
    // LR Comparison!C1 heads the second compared η.
    await setCellNumber(file, 'LR Comparison', 'C1', 0.33);
    const after = await recalculateToCsv(file);

    const weights = [...D.initialWeights] as number[];
    weights[2] = -0.4;
    const changed = { ...D, steps, learningRate: 1.7, initialWeights: weights as unknown as Weights, comparisonLearningRates: [0.1, 0.33, 0.5, 0.8, 1, 2] };
    expectWorkbookMatchesEngine(after, changed);

    const lastBefore = numberAt(before.get('Backprop')!, steps, 19);
    const lastAfter = numberAt(after.get('Backprop')!, steps, 19);
    expect(Math.abs(lastAfter - lastBefore)).toBeGreaterThan(1e-6);
    const expected = runBackprop(weights as unknown as Weights, D.inputs, D.targets, 1.7, steps);
    expectClose(numberAt(after.get('Parameters')!, 20, 1), expected[steps - 1]!.eTotal, 'Parameters: E_total at the last step');
  });
});

describe('charts', () => {
  it('are native charts that LibreOffice reads, with their series bound to the sheet ranges', async () => {
    const file = await exportWith('charts.xlsx', ['--steps', '40', '--lrs', '0.1,0.5,2']);
    const ods = await convertTo(file, join(dir, 'ods'), 'ods');
    const zip = await JSZip.loadAsync(await readFile(ods));
    const chartParts = Object.keys(zip.files).filter((name) => /^Object \d+\/content\.xml$/.test(name));
    expect(chartParts).toHaveLength(2);
    const charts = await Promise.all(chartParts.map((name) => zip.file(name)!.async('string')));
    const decode = (text: string) => text.replace(/&apos;/g, "'");
    const ranges = charts.flatMap((xml) => [...xml.matchAll(/chart:values-cell-range-address="([^"]+)"/g)].map((m) => decode(m[1] ?? '')));
    const labels = charts.flatMap((xml) => [...xml.matchAll(/chart:label-cell-address="([^"]+)"/g)].map((m) => decode(m[1] ?? '')));
    expect(labels).toContain("'LR Runs'.O1:'LR Runs'.O1");
    expect(ranges).toContain('Backprop.T2:Backprop.T41');
    for (const column of ['B', 'C', 'D']) {
      expect(ranges).toContain(`'LR Comparison'.${column}2:'LR Comparison'.${column}41`);
    }
    expect(charts.every((xml) => xml.includes('chart:class="chart:line"'))).toBe(true);
  });
});
