import { describe, expect, it } from 'vitest';
import { parseModelSpec } from '../models/parse-spec.js';
import { summarizeModel } from '../models/summary.js';
import { getModel } from '../models/zoo.js';
import type { EpochMetrics, TrainConfig } from '../training/config.js';
import type { RunAnalysis } from '../analysis/analysis.types.js';
import type { CellBlock, PlanCell, SheetPlan, WorkbookPlan } from '../workbook/plan.js';
import { EPOCH_COLUMNS, MODEL_SPEC_LABEL, REPORT_SHEETS, trainingReportPlan } from './training-report-plan.js';

const config: TrainConfig = {
  model: 'seed-19698',
  epochs: 20,
  batchSize: 512,
  optimizer: 'sgd',
  lr: 0.05,
  schedule: 'step',
  momentum: 0.9,
  stepSize: 10,
  gamma: 0.1,
  seed: 1,
  limitTrain: 2000,
  backend: 'auto',
  augment: true,
  threads: 2,
  emaDecay: 0.999,
};

const metrics: EpochMetrics[] = [
  { epoch: 1, trainLoss: 0.4123, trainAcc: 0.8731, testLoss: 0.0712, testAcc: 0.9781, testCorrect: 9781, testCount: 10000, lr: 0.05, seconds: 41.2, imagesPerSecond: 1456.3 },
  { epoch: 2, trainLoss: 0.0934, trainAcc: 0.9712, testLoss: 0.0402, testAcc: 0.9874, testCorrect: 9874, testCount: 10000, lr: 0.05, seconds: 39.8, imagesPerSecond: 1507.5 },
  { epoch: 3, trainLoss: 0.0661, trainAcc: 0.9795, testLoss: 0.0351, testAcc: 0.9874, testCorrect: 9874, testCount: 10000, lr: 0.005, seconds: 40.1, imagesPerSecond: 1496.2 },
  { epoch: 4, trainLoss: 0.0522, trainAcc: 0.9838, testLoss: 0.0330, testAcc: 0.9866, testCorrect: 9866, testCount: 10000, lr: 0.005, seconds: 40.4, imagesPerSecond: 1485.1 },
];

const sheet = (plan: WorkbookPlan, name: string): SheetPlan => {
  const found = plan.sheets.find((s) => s.name === name);
  if (!found) throw new Error(`no sheet ${name}`);
  return found;
};

/** Every non-empty cell of a sheet, keyed by A1-free "row,col". */
const cellsOf = (s: SheetPlan): Map<string, PlanCell> => {
  const cells = new Map<string, PlanCell>();
  s.blocks.forEach((b: CellBlock) =>
    b.rows.forEach((row, r) => row.forEach((cell, c) => cell && cells.set(`${b.origin.row + r},${b.origin.col + c}`, cell))),
  );
  return cells;
};

/** The cell to the right of the label `text` in column A. */
const valueBeside = (s: SheetPlan, text: string): PlanCell => {
  const cells = cellsOf(s);
  for (const [key, cell] of cells) {
    const [row, col] = key.split(',').map(Number);
    if (col === 0 && cell && 'value' in cell && cell.value === text) return cells.get(`${row},1`) ?? null;
  }
  throw new Error(`no label ${text}`);
};

describe('the training report plan', () => {
  const plan = trainingReportPlan({ runId: 'run-42', config, metrics, state: 'completed', createdAt: '2025-01-02T03:04:05Z', backend: 'wasm' });

  it('has the Run, Model and Epochs sheets', () => {
    expect(plan.sheets.map((s) => s.name)).toEqual(['Run', 'Model', 'Epochs']);
  });

  it('lists the epochs under a frozen header, numbers as values, in order', () => {
    const epochs = sheet(plan, REPORT_SHEETS.epochs);
    expect(epochs.frozen).toEqual({ rows: 1, columns: 0 });
    const cells = cellsOf(epochs);
    expect(EPOCH_COLUMNS.map((_, c) => cells.get(`0,${c}`))).toEqual(EPOCH_COLUMNS.map((h) => expect.objectContaining({ value: h })));
    expect([...EPOCH_COLUMNS]).toEqual(['Epoch', 'Train loss', 'Train acc', 'Test loss', 'Test acc', 'LR', 'Seconds', 'Images/s']);
    const table = metrics.map((_, r) => EPOCH_COLUMNS.map((__, c) => {
      const cell = cells.get(`${r + 1},${c}`);
      return cell && 'value' in cell ? cell.value : undefined;
    }));
    expect(table).toEqual(metrics.map((m) => [m.epoch, m.trainLoss, m.trainAcc, m.testLoss, m.testAcc, m.lr, m.seconds, m.imagesPerSecond]));
    expect(cells.has(`${metrics.length + 1},0`)).toBe(false);
  });

  it('charts loss and accuracy against epoch, named by the header cells', () => {
    const [loss, accuracy] = sheet(plan, REPORT_SHEETS.epochs).charts;
    const column = (col: number) => ({ sheet: 'Epochs', start: { row: 1, col }, end: { row: 4, col } });
    const header = (col: number) => ({ sheet: 'Epochs', start: { row: 0, col }, end: { row: 0, col } });
    expect(loss?.categories).toEqual(column(0));
    expect(loss?.series).toEqual([{ name: header(1), values: column(1) }, { name: header(3), values: column(3) }]);
    expect(accuracy?.categories).toEqual(column(0));
    expect(accuracy?.series).toEqual([{ name: header(2), values: column(2) }, { name: header(4), values: column(4) }]);
    // To the right of the table, without overlapping each other.
    for (const chart of [loss, accuracy]) expect(chart?.anchor.from.col).toBeGreaterThan(EPOCH_COLUMNS.length - 1);
    expect(accuracy!.anchor.from.row).toBeGreaterThanOrEqual(loss!.anchor.to.row);
  });

  it('computes the results with classic formulas over the Epochs table and caches their values', () => {
    const run = sheet(plan, REPORT_SHEETS.run);
    expect(valueBeside(run, 'Epochs finished')).toMatchObject({ formula: 'COUNT(Epochs!$A$2:$A$5)', result: 4 });
    expect(valueBeside(run, 'Best test accuracy')).toMatchObject({ formula: 'MAX(Epochs!$E$2:$E$5)', result: 0.9874 });
    // Epochs 2 and 3 tie; MATCH returns the first.
    expect(valueBeside(run, 'Best epoch')).toMatchObject({ formula: 'INDEX(Epochs!$A$2:$A$5,MATCH(B6,Epochs!$E$2:$E$5,0))', result: 2 });
    expect(valueBeside(run, 'Final test accuracy')).toMatchObject({ formula: 'Epochs!$E$5', result: 0.9866 });
    expect(valueBeside(run, 'Total time (s)')).toMatchObject({ formula: 'SUM(Epochs!$G$2:$G$5)', result: 41.2 + 39.8 + 40.1 + 40.4 });
  });

  it('records the configuration', () => {
    const run = sheet(plan, REPORT_SHEETS.run);
    const total = summarizeModel(getModel('seed-19698')).totalParams;
    expect(total).toBe(19698);
    expect(valueBeside(run, 'Run id')).toMatchObject({ value: 'run-42' });
    expect(valueBeside(run, 'State')).toMatchObject({ value: 'completed' });
    expect(valueBeside(run, 'Model')).toMatchObject({ value: 'seed-19698' });
    expect(valueBeside(run, 'Parameters')).toMatchObject({ result: total });
    expect(valueBeside(run, 'Batch size')).toMatchObject({ value: 512 });
    expect(valueBeside(run, 'Learning rate')).toMatchObject({ value: 0.05 });
    expect(valueBeside(run, 'Schedule')).toMatchObject({ value: 'step' });
    expect(valueBeside(run, 'Training images')).toMatchObject({ value: 2000 });
    expect(valueBeside(run, 'Test images')).toMatchObject({ value: 'all 10,000' });
    expect(valueBeside(run, 'Backend')).toMatchObject({ value: 'wasm (requested auto)' });
    expect(valueBeside(run, 'Threads')).toMatchObject({ value: 2 });
    expect(valueBeside(run, 'Augmentation')).toMatchObject({ value: 'on' });
  });

  it('summarises the model layer by layer, with a live total', () => {
    const summary = summarizeModel(getModel('seed-19698'));
    const cells = cellsOf(sheet(plan, REPORT_SHEETS.model));
    const first = summary.rows[0]!;
    const headerRow = [...cells].find(([, c]) => c && 'value' in c && c.value === 'Layer')![0].split(',').map(Number)[0]!;
    expect([0, 1, 2, 3, 4].map((c) => cells.get(`${headerRow + 1},${c}`))).toMatchObject([
      { value: first.name }, { value: first.type }, { value: '[-1, 16, 26, 26]' }, { value: first.params }, { value: first.receptiveField },
    ]);
    const total = [...cells.values()].find((c) => c && 'formula' in c && c.formula.startsWith('SUM('));
    expect(total).toMatchObject({ result: summary.totalParams });
  });

  it('gives a run with no finished epoch an empty table, no charts and no formulas over nothing', () => {
    const empty = trainingReportPlan({ runId: 'run-0', config, metrics: [], state: 'running' });
    const epochs = sheet(empty, REPORT_SHEETS.epochs);
    expect(epochs.charts).toEqual([]);
    expect([...cellsOf(epochs).keys()].every((key) => key.startsWith('0,'))).toBe(true);
    const run = sheet(empty, REPORT_SHEETS.run);
    expect(valueBeside(run, 'Epochs finished')).toEqual({ value: 0 });
    expect(valueBeside(run, 'Best test accuracy')).toEqual({ value: 'no epoch finished yet' });
    expect(valueBeside(run, 'Created')).toEqual({ value: 'unknown' });
    expect(valueBeside(run, 'Backend')).toEqual({ value: 'auto' });
  });

  it('writes a diverged (non-finite) loss as text rather than an invalid number', () => {
    const diverged = [{ ...metrics[0]!, trainLoss: Number.NaN }];
    const cells = cellsOf(sheet(trainingReportPlan({ runId: 'x', config, metrics: diverged, state: 'failed' }), REPORT_SHEETS.epochs));
    expect(cells.get('1,1')).toEqual({ value: 'NaN' });
  });

  it('shows a design (a model no id names) layer by layer, with its spec as JSON', () => {
    const design = parseModelSpec({
      layers: [{ type: 'Conv2d', filters: 6, kernel: 3 }, { type: 'ReLU' }, { type: 'GAP' }, { type: 'Flatten' }, { type: 'Linear', units: 10 }],
    });
    const report = trainingReportPlan({ runId: 'run-d', config: { ...config, model: design.id }, metrics, state: 'done', spec: design });
    const model = sheet(report, REPORT_SHEETS.model);
    const cells = cellsOf(model);
    const summary = summarizeModel(design);
    expect([...cells.values()].filter((c) => c && 'value' in c && summary.rows.some((r) => r.name === c.value))).toHaveLength(summary.rows.length);
    expect([...cells.values()].find((c) => c && 'formula' in c && c.formula.startsWith('SUM('))).toMatchObject({ result: summary.totalParams });
    // The JSON sits in column A below its label, and parses back to the same design.
    const labelKey = [...cells].find(([, c]) => c && 'value' in c && c.value === MODEL_SPEC_LABEL)?.[0];
    const [labelRow] = (labelKey ?? '').split(',').map(Number);
    const json = cells.get(`${(labelRow ?? -9) + 1},0`);
    expect(json && 'value' in json ? parseModelSpec(JSON.parse(String(json.value))) : undefined).toEqual(design);
    expect(valueBeside(sheet(report, REPORT_SHEETS.run), 'Model')).toMatchObject({ value: 'design' });
    // A built-in model named by its id alone shows no JSON.
    expect([...cellsOf(sheet(plan, REPORT_SHEETS.model)).values()].some((c) => c && 'value' in c && c.value === MODEL_SPEC_LABEL)).toBe(false);
  });

  describe('with what the run learned', () => {
    // 9,866 right of 10,000, as the last epoch recorded: 134 mistakes, all 4 taken for 9.
    const counts: number[][] = Array.from({ length: 10 }, (_, k) => Array.from({ length: 10 }, (_, j) => (k === j ? 1000 : 0)));
    counts[4]![4] = 866;
    counts[4]![9] = 134;
    const analysis: RunAnalysis = {
      confusion: { counts, total: 10_000 },
      mistakes: Array.from({ length: 30 }, (_, i) => ({ index: i, actual: 4, predicted: 9, probability: 0.9, pixels: Array.from({ length: 784 }, () => 0) })),
      kernels: { layerIndex: 0, kernelSize: 3, weights: [[0, 1, 0, 1, -4, 1, 0, 1, 0]], digits: [] },
      seconds: 1.5,
    };
    const withAnalysis = trainingReportPlan({ runId: 'run-42', config, metrics, state: 'completed', analysis });

    it('adds the Confusion, Mistakes and Kernels sheets after the others', () => {
      expect(withAnalysis.sheets.map((s) => s.name)).toEqual(['Run', 'Model', 'Epochs', 'Confusion', 'Mistakes', 'Kernels']);
      expect(trainingReportPlan({ runId: 'x', config, metrics, state: 'completed', analysis: { confusion: analysis.confusion, mistakes: analysis.mistakes, seconds: 1 } }).sheets.map((s) => s.name)).toEqual([
        'Run', 'Model', 'Epochs', 'Confusion', 'Mistakes',
      ]);
    });

    it('checks the overall accuracy against the Epochs sheet’s last test accuracy', () => {
      const cells = cellsOf(sheet(withAnalysis, 'Confusion'));
      const formulas = [...cells.values()].filter((c) => c && 'formula' in c).map((c) => (c as { formula: string }).formula);
      expect(formulas).toContain('Epochs!$E$5');
      expect([...cells.values()]).toContainEqual(expect.objectContaining({ formula: 'ROUND(N15-B18,9)=0', result: true }));
    });

    it('says how many mistakes there were in all', () => {
      const note = cellsOf(sheet(withAnalysis, 'Mistakes')).get('1,0');
      expect(note && 'value' in note ? note.value : '').toMatch(/The 30 most confident of 134 mistakes/);
    });
  });
});
