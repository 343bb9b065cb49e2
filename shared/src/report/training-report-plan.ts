import type { ModelSpec } from '../models/spec.js';
import type { RunAnalysis } from '../analysis/analysis.types.js';
import { ANALYSIS_STYLES } from '../analysis/cell-pictures.js';
import { confusionSheet, rightCount, type RecordedAccuracy } from '../analysis/confusion-sheet.js';
import { kernelsSheet } from '../analysis/kernels-sheet.js';
import { mistakesSheet } from '../analysis/mistakes-sheet.js';
import { assertState } from '../errors.js';
import { summarizeModel, type ModelSummary } from '../models/summary.js';
import { getModel } from '../models/zoo.js';
import type { EpochMetrics, TrainConfig } from '../training/config.js';
import { a1, cellRange, columnRange, quoteSheetName } from '../workbook/addresses.js';
import type { CellStyle, ChartPlan, PlanCell, SheetPlan, StyleId, WorkbookPlan } from '../workbook/plan.js';
import { validatePlan } from '../workbook/validate.js';

/**
 * The training report: a workbook that records one run. "Run" holds the results
 * and the configuration, "Model" the layer summary, "Epochs" one row per finished
 * epoch with a loss chart and an accuracy chart beside it. The results are live
 * formulas over the Epochs table, so a learner can see where each number comes from.
 * Given what the run learned, "Confusion", "Mistakes" and "Kernels" follow.
 */

export interface TrainingReportInput {
  readonly runId: string;
  readonly config: TrainConfig;
  /** One entry per finished epoch, in order; empty while the first epoch runs. */
  readonly metrics: readonly EpochMetrics[];
  readonly state: string;
  /** ISO 8601 time the run was created. */
  readonly createdAt?: string;
  /** The backend that actually trained, when `config.backend` was a request such as "auto". */
  readonly backend?: string;
  /**
   * The model the run trains, as its folder keeps it: needed for a design (its id names
   * no built-in model), and written out as JSON on the Model sheet. Without it, the
   * built-in model `config.model` names.
   */
  readonly spec?: ModelSpec;
  /** What the finished run learned: adds the Confusion, Mistakes and Kernels (when the model has a convolution) sheets. */
  readonly analysis?: RunAnalysis;
}

export const REPORT_SHEETS = { run: 'Run', model: 'Model', epochs: 'Epochs' } as const;

/** Epochs sheet: the header is row 0 and epoch rows start at row 1, in these columns. */
export const EPOCH_COLUMNS = ['Epoch', 'Train loss', 'Train acc', 'Test loss', 'Test acc', 'LR', 'Seconds', 'Images/s'] as const;
export const EPOCH_COL = { epoch: 0, trainLoss: 1, trainAcc: 2, testLoss: 3, testAcc: 4, lr: 5, seconds: 6, imagesPerSecond: 7 } as const;
export const EPOCH_FIRST_ROW = 1;
/** Charts start one empty column to the right of the table. */
const CHART_COL = EPOCH_COLUMNS.length + 1;

/** Run sheet: the results block's header row; its rows follow, then the configuration. */
export const RUN_RESULTS_ROW = 3;

const STYLE = {
  title: 'title',
  note: 'note',
  header: 'header',
  label: 'label',
  percent: 'percent',
  loss: 'loss',
  rate: 'rate',
  seconds: 'seconds',
  count: 'count',
} as const;

export const REPORT_STYLES: Readonly<Record<StyleId, CellStyle>> = {
  [STYLE.title]: { bold: true, fontSize: 14 },
  [STYLE.note]: { italic: true, fontColor: '595959' },
  [STYLE.header]: { bold: true, fill: 'D9E1F2', border: 'thin', horizontal: 'center' },
  [STYLE.label]: { bold: true },
  [STYLE.percent]: { numberFormat: '0.00%' },
  [STYLE.loss]: { numberFormat: '0.0000' },
  [STYLE.rate]: { numberFormat: '0.000E+00' },
  [STYLE.seconds]: { numberFormat: '0.0' },
  [STYLE.count]: { numberFormat: '#,##0' },
};

/** The style of each epoch column: number formats from REPORT_STYLES. */
export const EPOCH_STYLES: readonly (StyleId | undefined)[] = [
  undefined, STYLE.loss, STYLE.percent, STYLE.loss, STYLE.percent, STYLE.rate, STYLE.seconds, STYLE.count,
];

export function trainingReportPlan(input: TrainingReportInput): WorkbookPlan {
  const model = input.spec ?? getModel(input.config.model);
  const summary = summarizeModel(model);
  const modelSheet = buildModelSheet(model, summary, input.spec !== undefined);
  const sheets = [buildRunSheet(input, summary.totalParams, modelSheet.totalParamsCell), modelSheet.sheet, buildEpochsSheet(input.metrics)];
  if (!input.analysis) return validatePlan({ title: `GradSheet training report ${input.runId}`, styles: REPORT_STYLES, names: [], sheets });
  return validatePlan({
    title: `GradSheet training report ${input.runId}`,
    styles: reportAndAnalysisStyles(),
    names: [],
    sheets: [...sheets, ...analysisSheets(input.analysis, input.metrics)],
  });
}

/** The sheets of what the run learned; the overall accuracy is checked against the Epochs sheet's last test accuracy. */
function analysisSheets(analysis: RunAnalysis, metrics: readonly EpochMetrics[]): SheetPlan[] {
  const last = metrics[metrics.length - 1];
  const recorded: RecordedAccuracy | undefined =
    last && Number.isFinite(last.testAcc)
      ? { formula: `${quoteSheetName(REPORT_SHEETS.epochs)}!${a1({ row: EPOCH_FIRST_ROW + metrics.length - 1, col: EPOCH_COL.testAcc }, { row: true, col: true })}`, result: last.testAcc }
      : undefined;
  return [
    confusionSheet(analysis.confusion, recorded),
    mistakesSheet(analysis.mistakes, analysis.confusion.total - rightCount(analysis.confusion)),
    ...(analysis.kernels ? [kernelsSheet(analysis.kernels)] : []),
  ];
}

function reportAndAnalysisStyles(): Readonly<Record<StyleId, CellStyle>> {
  const clash = Object.keys(ANALYSIS_STYLES).find((id) => id in REPORT_STYLES);
  assertState(clash === undefined, `the report and the analysis sheets both define the style "${clash}"`);
  return { ...REPORT_STYLES, ...ANALYSIS_STYLES };
}

/** A number cell; NaN or ±Infinity (a diverged loss) become text, as no spreadsheet stores them as numbers. */
function numberCell(value: number): PlanCell {
  return { value: Number.isFinite(value) ? value : String(value) };
}

export function epochRow(m: EpochMetrics): PlanCell[] {
  return [m.epoch, m.trainLoss, m.trainAcc, m.testLoss, m.testAcc, m.lr, m.seconds, m.imagesPerSecond].map(numberCell);
}

function buildEpochsSheet(metrics: readonly EpochMetrics[]): SheetPlan {
  const sheet = REPORT_SHEETS.epochs;
  return {
    name: sheet,
    frozen: { rows: EPOCH_FIRST_ROW, columns: 0 },
    columnWidths: EPOCH_COLUMNS.map((_, col) => ({ col, width: 12 })),
    blocks: [
      { origin: { row: 0, col: 0 }, rows: [EPOCH_COLUMNS.map((h): PlanCell => ({ value: h, style: STYLE.header }))] },
      { origin: { row: EPOCH_FIRST_ROW, col: 0 }, rows: metrics.map(epochRow), columnStyles: EPOCH_STYLES },
    ],
    // A chart over an empty range is invalid, so a run with no finished epoch has none.
    charts: metrics.length === 0 ? [] : epochCharts(metrics.length),
  };
}

/** The loss and accuracy charts over the first `count` epoch rows of the Epochs sheet. */
export function epochCharts(count: number): ChartPlan[] {
  const sheet = REPORT_SHEETS.epochs;
  const series = (col: number) => ({ name: cellRange(sheet, 0, col), values: columnRange(sheet, EPOCH_FIRST_ROW, col, count) });
  const chart = (title: string, yAxisTitle: string, cols: readonly number[], top: number): ChartPlan => ({
    kind: 'line',
    title,
    xAxisTitle: 'Epoch',
    yAxisTitle,
    categories: columnRange(sheet, EPOCH_FIRST_ROW, EPOCH_COL.epoch, count),
    series: cols.map(series),
    anchor: { from: { row: top, col: CHART_COL }, to: { row: top + 18, col: CHART_COL + 8 } },
  });
  // Below the frozen header row, so the charts scroll with the sheet.
  return [
    chart('Loss against epoch', 'Loss', [EPOCH_COL.trainLoss, EPOCH_COL.testLoss], 1),
    chart('Accuracy against epoch', 'Accuracy', [EPOCH_COL.trainAcc, EPOCH_COL.testAcc], 20),
  ];
}

/** Where the Model sheet writes the spec as JSON: one cell, below the totals, to copy into a file for `--model-file`. */
export const MODEL_SPEC_LABEL = 'Spec (JSON)';

function buildModelSheet(model: ModelSpec, summary: ModelSummary, withSpec: boolean): { sheet: SheetPlan; totalParamsCell: string } {
  const { id, title } = model;
  const sheet = REPORT_SHEETS.model;
  const headerRow = 3;
  const firstRow = headerRow + 1;
  const paramsCol = 3;
  const header = ['Layer', 'Type', 'Output shape', 'Params', 'Receptive field'];
  const layers = summary.rows.map((r): PlanCell[] => [
    { value: r.name },
    { value: r.type },
    // torchsummary's notation, batch first, as the course's logs print it.
    { value: `[${[-1, ...r.outputShape].join(', ')}]` },
    { value: r.params, style: STYLE.count },
    { value: r.receptiveField },
  ]);
  const totalsRow = firstRow + layers.length + 1;
  const absolute = (row: number) => a1({ row, col: paramsCol }, { row: true, col: true });
  const paramsRange = `${absolute(firstRow)}:${absolute(firstRow + layers.length - 1)}`;
  const label = (text: string): PlanCell => ({ value: text, style: STYLE.label });
  return {
    sheet: {
      name: sheet,
      columnWidths: [{ col: 0, width: 22 }, { col: 1, width: 12 }, { col: 2, width: 20 }, { col: 3, width: 12 }, { col: 4, width: 16 }],
      blocks: [
        { origin: { row: 0, col: 0 }, rows: [[{ value: `Model ${id}`, style: STYLE.title }], [{ value: title, style: STYLE.note }]] },
        { origin: { row: headerRow, col: 0 }, rows: [header.map((h): PlanCell => ({ value: h, style: STYLE.header })), ...layers] },
        {
          origin: { row: totalsRow, col: 0 },
          rows: [
            [label('Total params'), null, null, { formula: `SUM(${paramsRange})`, result: summary.totalParams, style: STYLE.count }],
            [label('Trainable params'), null, null, { value: summary.trainableParams, style: STYLE.count }],
            [label('Non-trainable params'), null, null, { value: summary.nonTrainableParams, style: STYLE.count }],
          ],
        },
        ...(withSpec
          ? [
              {
                origin: { row: totalsRow + 4, col: 0 },
                rows: [
                  [label(MODEL_SPEC_LABEL), { value: 'The cell below, saved as a .json file, trains again: gradsheet train --model-file FILE.json', style: STYLE.note }],
                  [{ value: JSON.stringify(model) }],
                ],
              },
            ]
          : []),
      ],
      charts: [],
    },
    totalParamsCell: `${quoteSheetName(sheet)}!${absolute(totalsRow)}`,
  };
}

function buildRunSheet(input: TrainingReportInput, totalParams: number, totalParamsCell: string): SheetPlan {
  const { config, metrics } = input;
  const label = (text: string): PlanCell => ({ value: text, style: STYLE.label });
  const header = (a: string, b: string): PlanCell[] => [{ value: a, style: STYLE.header }, { value: b, style: STYLE.header }];
  const backend = input.backend === undefined || input.backend === config.backend ? config.backend : `${input.backend} (requested ${config.backend})`;
  const settings: [string, PlanCell][] = [
    ['Run id', { value: input.runId }],
    ['State', { value: input.state }],
    ['Created', { value: input.createdAt ?? 'unknown' }],
    ['Model', { value: config.model }],
    ['Parameters', { formula: totalParamsCell, result: totalParams, style: STYLE.count }],
    ['Epochs planned', { value: config.epochs }],
    ['Batch size', { value: config.batchSize }],
    ['Optimizer', { value: config.optimizer }],
    ['Learning rate', { value: config.lr }],
    ['Schedule', { value: config.schedule }],
    ['Momentum (SGD)', { value: config.momentum }],
    ['Step size (step schedule)', { value: config.stepSize }],
    ['Gamma (step schedule)', { value: config.gamma }],
    ['Seed', { value: config.seed }],
    ['Training images', config.limitTrain === undefined ? { value: 'all 60,000' } : { value: config.limitTrain, style: STYLE.count }],
    ['Test images', config.limitTest === undefined ? { value: 'all 10,000' } : { value: config.limitTest, style: STYLE.count }],
    ['Backend', { value: backend }],
    ['Threads', { value: config.threads }],
    ['Augmentation', { value: config.augment ? 'on' : 'off' }],
    ['Weight averaging (EMA decay)', { value: config.emaDecay > 0 ? config.emaDecay : 'off' }],
  ];
  const results = resultRows(metrics);
  const settingsRow = RUN_RESULTS_ROW + 1 + results.length + 1;
  return {
    name: REPORT_SHEETS.run,
    columnWidths: [{ col: 0, width: 28 }, { col: 1, width: 36 }],
    blocks: [
      {
        origin: { row: 0, col: 0 },
        rows: [
          [{ value: `Training report: ${input.runId}`, style: STYLE.title }],
          [{ value: 'The results are formulas over the Epochs sheet, one row per finished epoch.', style: STYLE.note }],
        ],
      },
      { origin: { row: RUN_RESULTS_ROW, col: 0 }, rows: [header('Result', 'Value'), ...results.map(([l, cell]) => [label(l), cell])] },
      { origin: { row: settingsRow, col: 0 }, rows: [header('Setting', 'Value'), ...settings.map(([l, cell]) => [label(l), cell])] },
    ],
    charts: [],
  };
}

/** Results as live formulas over the Epochs table, with the values they give cached. */
function resultRows(metrics: readonly EpochMetrics[]): [string, PlanCell][] {
  // MAX skips text (a non-finite value is written as text), so only finite accuracies compete.
  const scored = metrics.filter((m) => Number.isFinite(m.testAcc));
  if (scored.length === 0) {
    // Over an empty table MAX gives 0 and MATCH an error: say plainly that nothing is there yet.
    const none: PlanCell = { value: 'no epoch finished yet' };
    return [['Epochs finished', { value: metrics.length }], ['Best test accuracy', none], ['Best epoch', none], ['Final test accuracy', none], ['Total time (s)', none]];
  }
  const epochs = quoteSheetName(REPORT_SHEETS.epochs);
  const cell = (row: number, col: number) => a1({ row, col }, { row: true, col: true });
  const lastRow = EPOCH_FIRST_ROW + metrics.length - 1;
  const column = (col: number) => `${epochs}!${cell(EPOCH_FIRST_ROW, col)}:${cell(lastRow, col)}`;
  const last = metrics[metrics.length - 1] as EpochMetrics;
  // MATCH finds the first epoch that reaches the best accuracy; so does this (ties keep the earlier one).
  const best = scored.reduce((a, b) => (b.testAcc > a.testAcc ? b : a));
  const totalSeconds = metrics.reduce((sum, m) => (Number.isFinite(m.seconds) ? sum + m.seconds : sum), 0);
  const bestAccuracyCell = a1({ row: RUN_RESULTS_ROW + 2, col: 1 });
  return [
    ['Epochs finished', { formula: `COUNT(${column(EPOCH_COL.epoch)})`, result: metrics.length }],
    ['Best test accuracy', { formula: `MAX(${column(EPOCH_COL.testAcc)})`, result: best.testAcc, style: STYLE.percent }],
    ['Best epoch', { formula: `INDEX(${column(EPOCH_COL.epoch)},MATCH(${bestAccuracyCell},${column(EPOCH_COL.testAcc)},0))`, result: best.epoch }],
    ['Final test accuracy', { formula: `${epochs}!${cell(lastRow, EPOCH_COL.testAcc)}`, result: Number.isFinite(last.testAcc) ? last.testAcc : String(last.testAcc), style: STYLE.percent }],
    ['Total time (s)', { formula: `SUM(${column(EPOCH_COL.seconds)})`, result: totalSeconds, style: STYLE.seconds }],
  ];
}
