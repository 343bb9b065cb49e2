import type { FastifyPluginAsync } from 'fastify';
import type { ModelSpec } from '@gradsheet/shared';
import type { RunManager } from '../run-manager.js';
import { errorResponses, runIdParams } from '../schemas.js';

/**
 * `GET /api/runs/:runId/model`: the model a run trains, as its folder keeps it. A
 * design's id names no built-in model, so this is how the task pane learns a design
 * run's title and parameters for the Runs sheet.
 */
export const runModelRoutes: FastifyPluginAsync<{ runs: RunManager }> = async (app, { runs }) => {
  app.get<{ Params: { runId: string } }>(
    '/runs/:runId/model',
    // No response schema: a spec's layers differ by type, and the parser that reads it back checks it.
    { schema: { params: runIdParams, response: errorResponses(404) } },
    async (request): Promise<ModelSpec> => {
      const run = runs.view(request.params.runId);
      return runs.folder(run.id).readSpec(run.config);
    },
  );
};
