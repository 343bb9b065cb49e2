import type { MnistSplit, ModelSpec, RunAnalysis, TrainConfig } from '@gradsheet/shared';
import type { RunDirectory } from '../engine/run-directory.js';
import { loadMnistSplit } from '../mnist/load-mnist.js';
import { analyseModel } from './analyse-model.js';
import { finalModel, openFinishedRun } from './run-model.js';

/**
 * Analyses a run's final weights on the backend already selected, over the test
 * images its epochs were scored on, and keeps the result in its folder
 * (analysis.json). The training run calls it once its final weights are kept.
 */
export async function analyseFinalWeights(run: RunDirectory, spec: ModelSpec, config: Pick<TrainConfig, 'limitTest'>, test: MnistSplit): Promise<RunAnalysis> {
  const model = await finalModel(run, spec);
  try {
    const analysis = await analyseModel(model, spec, test, Math.min(config.limitTest ?? test.count, test.count));
    await run.writeAnalysis(analysis);
    return analysis;
  } finally {
    model.dispose();
  }
}

/**
 * What a finished run learned: the analysis its folder keeps, or, for a run
 * analysed before it existed (or killed before it was written), computed now from
 * its final weights and kept. NO_WEIGHTS for a run without final weights.
 */
export async function runAnalysis(run: RunDirectory): Promise<RunAnalysis> {
  const kept = await run.readAnalysis();
  if (kept) return kept;
  const { record, spec } = await openFinishedRun(run);
  return analyseFinalWeights(run, spec, record.config, await loadMnistSplit('test'));
}
