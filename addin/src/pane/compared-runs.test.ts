import { describe, expect, it, vi } from 'vitest';
import { compareRunsPlan, countParams, getModel, parseModelSpec, RUNS_SHEET, type EpochMetrics, type RunView, type TrainConfig } from '@gradsheet/shared';
import { comparable, compareInputOf, hasLearned, modelOf, runLabel } from './compared-runs.js';

const epoch = (n: number, testAcc: number): EpochMetrics => ({ epoch: n, trainLoss: 0.5, trainAcc: 0.9, testLoss: 0.3, testAcc, testCorrect: 0, testCount: 100, lr: 0.01, seconds: 2, imagesPerSecond: 100 });
const run = (id: string, model: string, state: RunView['state'], metrics: EpochMetrics[]): RunView => ({
  id,
  config: { model } as TrainConfig,
  state,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  metrics,
});

const builtIn = run('1a2b3c4d-0000-4000-8000-000000000001', 'gradsheet-7774', 'done', [epoch(1, 0.9), epoch(2, 0.955)]);
const design = run('5e6f7a8b-0000-4000-8000-000000000002', 'design', 'cancelled', [epoch(1, 0.8)]);
const queued = run('9c0d1e2f-0000-4000-8000-000000000003', 'gradsheet-7774', 'queued', []);
const designSpec = parseModelSpec({ title: 'Four filters', layers: [{ type: 'conv2d', filters: 4, kernel: 3 }, { type: 'relu' }, { type: 'gap' }, { type: 'dense', units: 10 }] });

describe('the runs the pane offers', () => {
  it('offers finished runs to show what they learned, and runs with an epoch to compare', () => {
    expect([builtIn, design, queued].filter(hasLearned)).toEqual([builtIn]);
    expect([builtIn, design, queued].filter(comparable)).toEqual([builtIn, design]);
    expect(runLabel(builtIn)).toBe('1a2b3c4d · gradsheet-7774 · 2 epochs, best 95.50% · done');
    expect(runLabel(queued)).toBe('9c0d1e2f · gradsheet-7774 · 0 epochs · queued');
  });

  it('knows a built-in model by its id and asks the service for a design, then makes one Runs row and one chart series per run', async () => {
    const fromService = vi.fn(async () => designSpec);
    const models = [await modelOf(builtIn, fromService), await modelOf(design, fromService)];
    expect(fromService.mock.calls).toEqual([[design.id]]);
    const inputs = [compareInputOf(builtIn, models[0]!), compareInputOf(design, models[1]!)];
    expect(inputs.map((i) => [i.title, i.params])).toEqual([
      [getModel('gradsheet-7774').title, 7774],
      ['Four filters', countParams(designSpec)],
    ]);
    const runsSheet = compareRunsPlan(inputs).sheets.find((s) => s.name === RUNS_SHEET);
    expect(runsSheet?.charts.map((c) => c.series.length)).toEqual([2, 2]);
  });
});
