import { countParams, MODEL_ZOO, type CompareRunInput, type ModelSpec, type RunView } from '@gradsheet/shared';

/**
 * The runs on the service as the pane offers them: which can show what they learned
 * or predict (a finished run keeps its final weights), which can be compared (any run
 * with an epoch), and each as one line a learner recognises.
 */

/** A run that finished: it has final weights, so it can show what it learned and predict. */
export const hasLearned = (run: RunView) => run.state === 'done';

/** A run with at least one epoch: it has a line on the Runs sheet's charts. */
export const comparable = (run: RunView) => run.metrics.length > 0;

const percent = (x: number) => `${(x * 100).toFixed(2)}%`;

/** "1a2b3c4d · gradsheet-7774 · 3 epochs, best 98.00% · done". */
export function runLabel(run: RunView): string {
  const accuracies = run.metrics.map((m) => m.testAcc).filter(Number.isFinite);
  const epochs = `${run.metrics.length} epoch${run.metrics.length === 1 ? '' : 's'}`;
  const best = accuracies.length > 0 ? `, best ${percent(Math.max(...accuracies))}` : '';
  return `${run.id.slice(0, 8)} · ${run.config.model} · ${epochs}${best} · ${run.state}`;
}

/** The model a run trains: a built-in one by its id, a design as the service keeps it. */
export async function modelOf(run: RunView, fromService: (id: string) => Promise<ModelSpec>): Promise<ModelSpec> {
  return MODEL_ZOO.find((model) => model.id === run.config.model) ?? fromService(run.id);
}

/** A run's row of the Runs sheet. */
export function compareInputOf(run: RunView, model: ModelSpec): CompareRunInput {
  return { id: run.id, title: model.title, params: countParams(model), metrics: run.metrics };
}
