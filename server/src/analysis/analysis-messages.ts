import type { GradSheetErrorCode, Prediction, RunAnalysis } from '@gradsheet/shared';

/** A request to the analysis thread: a run folder's path, and a digit for a prediction. */
export type ToAnalysisWorker =
  | { readonly id: number; readonly kind: 'predict'; readonly runPath: string; readonly grid: readonly number[] }
  | { readonly id: number; readonly kind: 'analyse'; readonly runPath: string };

/** Its answer; a GradSheetError crosses as its code, message and details. */
export type FromAnalysisWorker =
  | { readonly id: number; readonly ok: true; readonly value: Prediction | RunAnalysis }
  | { readonly id: number; readonly ok: false; readonly code: GradSheetErrorCode; readonly message: string; readonly details?: Readonly<Record<string, unknown>> };
