import type * as tf from '@tensorflow/tfjs';
import { GradSheetError, seededRandom, type BackendChoice, type ModelSpec, type RunRecord } from '@gradsheet/shared';
import { selectBackend } from '../engine/backend/select-backend.js';
import { buildModel } from '../engine/build-model.js';
import { RUN_FILES, type RunDirectory } from '../engine/run-directory.js';
import { restoreWeights } from '../engine/weights.js';

/** A run whose final weights are on disk: what it is and what it trained. */
export interface FinishedRun {
  readonly record: RunRecord;
  readonly spec: ModelSpec;
}

/** The backend a run trained on, as a choice (tfjs calls tfjs-node's backend "tensorflow"); what it asked for when it never said. */
function backendOf(record: RunRecord): BackendChoice {
  switch (record.backend) {
    case 'wasm':
      return 'wasm';
    case 'tensorflow':
      return 'node';
    case 'webgpu':
      return 'webgpu';
    default:
      return record.config.backend;
  }
}

/**
 * The run kept in `run`, once it has its final weights (NO_WEIGHTS before), with
 * the backend it trained on selected: its scores come out as its epochs' did.
 * A folder that holds no run is INVALID_FILE.
 */
export async function openFinishedRun(run: RunDirectory): Promise<FinishedRun> {
  const record = await run.readRecord();
  if (!(await run.hasWeights('final'))) {
    const why = record.state === 'done' ? 'it is done, but its folder lost them' : `it is ${record.state}`;
    throw new GradSheetError('NO_WEIGHTS', `run ${record.id} has no final weights (${RUN_FILES.weights('final').manifest}): ${why}; only a finished run can predict or be analysed`, {
      state: record.state,
    });
  }
  const spec = await run.readSpec(record.config);
  await selectBackend(backendOf(record));
  return { record, spec };
}

/** The model a run ends with: its spec, with its final weights (the averaged ones where it averaged). The caller disposes it. */
export async function finalModel(run: RunDirectory, spec: ModelSpec): Promise<tf.LayersModel> {
  // The initial weights are replaced whole; any seed builds the same layers.
  const model = buildModel(spec, seededRandom(0));
  try {
    const { manifest, bytes } = await run.loadWeights('final');
    restoreWeights(model, manifest, bytes);
    return model;
  } catch (error) {
    model.dispose();
    throw error;
  }
}
