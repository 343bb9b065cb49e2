import type { GradSheetErrorCode, Prediction, RunAnalysis } from '@gradsheet/shared';

/** What the analysis thread is asked: a run folder's path, and a digit for a prediction. */
export type AnalysisRequest = { readonly kind: 'predict'; readonly runPath: string; readonly grid: readonly number[] } | { readonly kind: 'analyse'; readonly runPath: string };

/** A request as it crosses to the thread, numbered so that its answer finds it. */
export type ToAnalysisWorker = AnalysisRequest & { readonly id: number };

/** Its answer; a GradSheetError crosses as its code, message and details. */
export type FromAnalysisWorker =
  | { readonly id: number; readonly ok: true; readonly value: Prediction | RunAnalysis }
  | { readonly id: number; readonly ok: false; readonly code: GradSheetErrorCode; readonly message: string; readonly details?: Readonly<Record<string, unknown>> };
