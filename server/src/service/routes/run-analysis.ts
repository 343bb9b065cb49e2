import type { FastifyPluginAsync } from 'fastify';
import type { RunAnalysis } from '@gradsheet/shared';
import type { RunAnalyst } from '../../analysis/run-analyst.js';
import type { RunManager } from '../run-manager.js';
import { errorResponses, runIdParams } from '../schemas.js';

/**
 * `GET /api/runs/:runId/analysis`: what a finished run learned (RunAnalysis), for the
 * task pane to draw the Confusion, Mistakes and Kernels sheets; computed once for a
 * run finished before analyses were kept. A run without final weights is 409.
 */
export const runAnalysisRoutes: FastifyPluginAsync<{ runs: RunManager; analyst: RunAnalyst }> = async (app, { runs, analyst }) => {
  app.get<{ Params: { runId: string } }>(
    '/runs/:runId/analysis',
    // No response schema: the analysis is thousands of numbers, serialised as they are.
    { schema: { params: runIdParams, response: errorResponses(404, 409) } },
    async (request): Promise<RunAnalysis> => analyst.analysis(runs.folder(request.params.runId)),
  );
};
