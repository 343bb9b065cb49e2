import {
  EPOCH_COLUMNS,
  isBuiltInModel,
  EPOCH_FIRST_ROW,
  EPOCH_STYLES,
  REPORT_SHEETS,
  REPORT_STYLES,
  epochCharts,
  epochRow,
  trainingReportPlan,
  type ChartPlan,
  type EpochMetrics,
  type ModelSpec,
  type RangeRef,
  type RunView,
  type SheetPlan,
  type WorkbookPlan,
  assertState,
  GradSheetError,
} from '@gradsheet/shared';
import { loadCalculationMode, recalculateIfManual } from '../excel/calculation.js';
import type { ExcelRun } from '../excel/excel-run.js';
import { addChart, DEFAULT_MAX_REQUEST_BYTES, namesTaken, removeInferredSeries, sheetCalls, workbookProtected, type SheetTable } from '../excel/plan-writer.js';
import type { EpochSink } from './epoch-sink.js';

export type { ExcelRun } from '../excel/excel-run.js';

/** "Run 1a2b3c4d": the run's sheet, named after the start of its id. */
export const runSheetName = (runId: string) => `Run ${runId.slice(0, 8)}`;
/** "Model 1a2b3c4d": the model summary of that run. */
export const modelSheetName = (runId: string) => `Model ${runId.slice(0, 8)}`;

/** The report's charts, moved onto the run's sheet and stretched over `count` epochs. */
function runCharts(sheet: string, count: number): ChartPlan[] {
  const move = (ref: RangeRef): RangeRef => ({ ...ref, sheet });
  return epochCharts(count).map((chart) => ({
    ...chart,
    categories: move(chart.categories),
    series: chart.series.map((s) => ({ name: typeof s.name === 'string' ? s.name : move(s.name), values: move(s.values) })),
  }));
}

const seriesNames = (chart: ChartPlan) => chart.series.map((s) => (typeof s.name === 'string' ? s.name : (EPOCH_COLUMNS[s.name.start.col] ?? '')));

const NUMBER_FORMATS: string[] = EPOCH_STYLES.map((style) => (style === undefined ? 'General' : (REPORT_STYLES[style]?.numberFormat ?? 'General')));

/**
 * Writes a run into Excel: the training report's Epochs sheet, named after the run,
 * filled row by row as epochs finish, with its loss and accuracy charts growing; and
 * the report's Model sheet beside it. Each write is one `Excel.run` with one sync; the
 * write that makes the charts takes a second, to delete the series Excel made by itself.
 * Where Excel's calculation is manual, preparing the sheets ends with one recalculation.
 */
export class ExcelEpochSink implements EpochSink {
  private runId = '';
  /** The highest epoch on the sheet; the charts cover rows up to it. */
  private lastEpoch = 0;
  private chartsMade = false;

  /**
   * `designOf` gives the design a run trains, when it is one (its id names no built-in
   * model): from the pane's memory, or from the service after a reload; asked only when
   * the run's Model sheet must be written.
   */
  constructor(
    private readonly run: ExcelRun,
    private readonly designOf: (view: RunView) => Promise<ModelSpec | undefined> = async () => undefined,
  ) {}

  readonly where = (run: RunView) => `sheet “${runSheetName(run.id)}”`;

  async prepare(view: RunView, resuming: boolean): Promise<readonly number[]> {
    this.runId = view.id;
    const runName = runSheetName(view.id);
    const modelName = modelSheetName(view.id);
    // Looked up before Excel.run, so no request to the service waits inside it. Unknown
    // (the service unreachable, say), a design run can still resume into its sheet; only
    // a missing Model sheet then cannot be written (UNKNOWN_MODEL).
    const builtIn = isBuiltInModel(view.config.model);
    const design = builtIn ? undefined : await this.designOf(view).catch(() => undefined);
    return this.run(async (context) => {
      const sheets = context.workbook.worksheets;
      const runSheet = sheets.getItemOrNullObject(runName);
      const modelSheet = sheets.getItemOrNullObject(modelName);
      const structure = context.workbook.protection.load('protected');
      const application = loadCalculationMode(context);
      await context.sync();
      const taken = [runSheet, modelSheet].filter((s) => !s.isNullObject);
      if (taken.length > 0 && !resuming) throw namesTaken([runName, modelName].filter((_, i) => ![runSheet, modelSheet][i]?.isNullObject), []);

      const known = builtIn || design !== undefined;
      const reportPlan = () => trainingReportPlan({ runId: view.id, config: view.config, metrics: [], state: view.state, createdAt: view.createdAt, ...(design ? { spec: design } : {}) });
      const sheetPlan = (report: WorkbookPlan, name: string): SheetPlan => {
        const found = report.sheets.find((s) => s.name === name);
        assertState(found, `the training report has a ${name} sheet`);
        return found;
      };

      if (!runSheet.isNullObject) {
        // After a reload: read back which epochs the sheet holds and whether its charts exist.
        const column = runSheet.getRangeByIndexes(EPOCH_FIRST_ROW, 0, view.config.epochs, 1).load('values');
        const chart = runSheet.charts.getItemOrNullObject(runCharts(runName, 1)[0]?.title ?? '');
        await context.sync();
        const epochs = column.values.flat().filter((v): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1);
        this.lastEpoch = Math.max(0, ...epochs);
        this.chartsMade = !chart.isNullObject;
        // A Model sheet deleted meanwhile is written again, where the model is known and the workbook lets a sheet be added.
        if (modelSheet.isNullObject && known && !structure.protected) {
          const report = reportPlan();
          const plan = { ...sheetPlan(report, REPORT_SHEETS.model), name: modelName };
          const table: SheetTable = new Map([[modelName, sheets.add(modelName)]]);
          for (const call of sheetCalls(plan, report, DEFAULT_MAX_REQUEST_BYTES)) call.run(context, table);
          await context.sync();
          if (recalculateIfManual(context, application) === 'recalculated') await context.sync();
        }
        return epochs;
      }

      if (structure.protected) throw workbookProtected();
      const report = reportPlan();
      // The Model sheet's formulas refer to their own sheet without naming it, so it can be renamed freely.
      const plans = [
        { ...sheetPlan(report, REPORT_SHEETS.epochs), name: runName, charts: [] },
        ...(modelSheet.isNullObject ? [{ ...sheetPlan(report, REPORT_SHEETS.model), name: modelName }] : []),
      ];
      const table: SheetTable = new Map();
      context.application.suspendApiCalculationUntilNextSync();
      for (const plan of plans) table.set(plan.name, sheets.add(plan.name));
      for (const plan of plans) for (const call of sheetCalls(plan, report, DEFAULT_MAX_REQUEST_BYTES)) call.run(context, table);
      table.get(runName)?.activate();
      await context.sync();
      // Calculation was suspended for the writes above; a manual Excel would leave the Model sheet's formulas uncomputed.
      if (recalculateIfManual(context, application) === 'recalculated') await context.sync();
      this.lastEpoch = 0;
      this.chartsMade = false;
      return [];
    });
  }

  async write(rows: readonly EpochMetrics[]): Promise<void> {
    if (rows.length === 0) return;
    const name = runSheetName(this.runId);
    const last = Math.max(this.lastEpoch, ...rows.map((r) => r.epoch));
    await this.writeRows(name, rows, last).catch((error: unknown) => {
      if ((error as { code?: string }).code === 'ItemNotFound') {
        throw new GradSheetError('SHEET_GONE', `The sheet “${name}” or one of its charts was deleted or renamed. Reload the pane to write the run into a fresh sheet.`);
      }
      throw error;
    });
    this.lastEpoch = last;
    this.chartsMade = true;
  }

  private async writeRows(name: string, rows: readonly EpochMetrics[], last: number): Promise<void> {
    await this.run(async (context) => {
      const sheet = context.workbook.worksheets.getItem(name);
      const range = (ref: RangeRef) => sheet.getRangeByIndexes(ref.start.row, ref.start.col, ref.end.row - ref.start.row + 1, ref.end.col - ref.start.col + 1);
      for (const metrics of rows) {
        // Row by epoch number: a replayed epoch lands on its own row again.
        const row = sheet.getRangeByIndexes(EPOCH_FIRST_ROW + metrics.epoch - 1, 0, 1, EPOCH_COLUMNS.length);
        row.values = [epochRow(metrics).map((cell) => (cell && 'value' in cell ? cell.value : null))];
        row.numberFormat = [NUMBER_FORMATS];
      }
      const charts = runCharts(name, last);
      if (!this.chartsMade) {
        const added = charts.map((chart) => addChart(sheet, chart, seriesNames(chart), range));
        await context.sync();
        for (const chart of added) removeInferredSeries(chart);
      } else {
        for (const chart of charts) {
          const existing = sheet.charts.getItem(chart.title);
          chart.series.forEach((series, index) => {
            const item = existing.series.getItemAt(index);
            item.setValues(range(series.values));
            item.setXAxisValues(range(chart.categories));
          });
        }
      }
      await context.sync();
    });
  }
}
