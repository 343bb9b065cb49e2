import { summarizeModel, type CompareRunInput, type EpochMetrics, type ModelSpec, type RunAnalysis, type RunRecord, type TrainingReportInput } from '@gradsheet/shared';

/** What the workbooks need of a run: its record, the model its folder keeps, and its epochs. */
export interface RunFacts {
  readonly record: Pick<RunRecord, 'id' | 'config' | 'state' | 'createdAt' | 'backend'>;
  readonly spec: ModelSpec;
  readonly metrics: readonly EpochMetrics[];
}

/** The training report of a run, with the Confusion, Mistakes and Kernels sheets when what it learned is given. */
export function reportInput({ record, spec, metrics }: RunFacts, analysis?: RunAnalysis): TrainingReportInput {
  return {
    runId: record.id,
    config: record.config,
    metrics,
    state: record.state,
    createdAt: record.createdAt,
    spec,
    ...(record.backend !== undefined ? { backend: record.backend } : {}),
    ...(analysis ? { analysis } : {}),
  };
}

/** A run's row of the compare workbook. */
export function compareInput({ record, spec, metrics }: RunFacts): CompareRunInput {
  return { id: record.id, title: spec.title, params: summarizeModel(spec).totalParams, metrics };
}
