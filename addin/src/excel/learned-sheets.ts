import {
  ANALYSIS_STYLES,
  confusionSheet,
  kernelsSheet,
  mistakesSheet,
  rightCount,
  validatePlan,
  type EpochMetrics,
  type RangeRef,
  type RecordedAccuracy,
  type RunAnalysis,
  type SheetPlan,
  type WorkbookPlan,
} from '@gradsheet/shared';
import { applyWorkbookPlan, type ApplyPlanOptions, type ApplyPlanResult } from './plan-writer.js';

/**
 * What a finished run learned, written into the open workbook: the report's Confusion,
 * Mistakes and Kernels sheets, each named after the run ("Confusion 1a2b3c4d") as the
 * run's own sheet is, so that the sheets of several runs sit side by side.
 */

/** The sheets of run `runId`: at most 18 characters, well within Excel's 31. */
export function learnedSheetNames(runId: string): { readonly confusion: string; readonly mistakes: string; readonly kernels: string } {
  const id8 = runId.slice(0, 8);
  return { confusion: `Confusion ${id8}`, mistakes: `Mistakes ${id8}`, kernels: `Kernels ${id8}` };
}

/**
 * A sheet plan under another name: every range that named the sheet names the new one.
 * The analysis sheets' own formulas use no sheet name, so they move unchanged.
 */
export function renamedSheet(sheet: SheetPlan, name: string): SheetPlan {
  const move = (ref: RangeRef): RangeRef => (ref.sheet === sheet.name ? { ...ref, sheet: name } : ref);
  return {
    ...sheet,
    name,
    ...(sheet.merges ? { merges: sheet.merges.map(move) } : {}),
    ...(sheet.validations ? { validations: sheet.validations.map((v) => ({ ...v, range: move(v.range) })) } : {}),
    ...(sheet.conditionalFormats ? { conditionalFormats: sheet.conditionalFormats.map((f) => ({ ...f, range: move(f.range) })) } : {}),
    charts: sheet.charts.map((chart) => ({
      ...chart,
      categories: move(chart.categories),
      series: chart.series.map((s) => ({ name: typeof s.name === 'string' ? s.name : move(s.name), values: move(s.values) })),
    })),
  };
}

/** The run as the sheets need it: its id, and its epochs for the accuracy the Confusion sheet checks itself against. */
export interface LearnedRun {
  readonly id: string;
  readonly metrics: readonly EpochMetrics[];
}

export function learnedPlan(run: LearnedRun, analysis: RunAnalysis): WorkbookPlan {
  const names = learnedSheetNames(run.id);
  const last = run.metrics[run.metrics.length - 1];
  // A value, not a formula: the run's own sheet may be in another workbook, or none.
  const recorded: RecordedAccuracy | undefined = last && Number.isFinite(last.testAcc) ? { value: last.testAcc } : undefined;
  const sheets = [
    renamedSheet(confusionSheet(analysis.confusion, recorded), names.confusion),
    renamedSheet(mistakesSheet(analysis.mistakes, analysis.confusion.total - rightCount(analysis.confusion)), names.mistakes),
    ...(analysis.kernels ? [renamedSheet(kernelsSheet(analysis.kernels), names.kernels)] : []),
  ];
  return validatePlan({ title: `GradSheet: what run ${run.id.slice(0, 8)} learned`, styles: ANALYSIS_STYLES, names: [], sheets });
}

/** Writes the sheets of what `run` learned; NAMES_TAKEN when they are there already, unless `replaceExisting`. */
export function writeLearnedSheets(context: Excel.RequestContext, run: LearnedRun, analysis: RunAnalysis, options: ApplyPlanOptions = {}): Promise<ApplyPlanResult> {
  return applyWorkbookPlan(context, learnedPlan(run, analysis), options);
}
