import type { FastifyPluginAsync } from 'fastify';
import { parseTrainingRequest, type CreateRunRequest, type DownloadLinkResponse, type CreateRunResponse, type RunListResponse, type RunView } from '@gradsheet/shared';
import type { DownloadLinks } from '../accounts/download-links.js';
import { maySee, ownerOf } from '../accounts/principal.js';
import type { RunManager } from '../run-manager.js';
import { REF, createRunBody, errorResponses, runIdParams } from '../schemas.js';

export interface RunRoutesOptions {
  readonly runs: RunManager;
  /** Replicas each run trains with (the engine's data parallelism). */
  readonly threads: number;
  readonly links: DownloadLinks;
  /** Whether requests need a token: only then is a report's link signed. */
  readonly credentials: boolean;
}

type ById = { Params: { runId: string } };

/**
 * Training runs: create, list, read, cancel, resume and delete. Events and reports
 * have modules of their own. A learner's account lists only its own runs; the app
 * answers 404 for another's run on every route about one run.
 */
export const runRoutes: FastifyPluginAsync<RunRoutesOptions> = async (app, { runs, threads, links, credentials }) => {
  app.get(
    '/runs',
    { schema: { response: { 200: { type: 'object', required: ['runs'], properties: { runs: { type: 'array', items: REF.runView } } }, ...errorResponses() } } },
    async (request): Promise<RunListResponse> => ({ runs: runs.list().filter((run) => maySee(request.principal, run)) }),
  );

  app.post<{ Body: CreateRunRequest }>(
    '/runs',
    {
      schema: {
        body: createRunBody,
        response: { 201: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } }, ...errorResponses(404, 413, 415, 429) },
      },
    },
    async (request, reply): Promise<CreateRunResponse> => {
      // The schema (built from the same limits) has refused wrong types and bounds; the parser adds the model and the cross-field rules.
      const { config, spec } = parseTrainingRequest({ ...request.body, threads }, (field) => `body.${field}`);
      const run = await runs.create(config, spec, ownerOf(request.principal));
      reply.code(201).header('location', `/api/runs/${run.id}`);
      return { id: run.id };
    },
  );

  app.get<ById>(
    '/runs/:runId',
    { schema: { params: runIdParams, response: { 200: REF.runView, ...errorResponses(404) } } },
    async (request): Promise<RunView> => runs.view(request.params.runId),
  );

  app.post<ById>(
    '/runs/:runId/cancel',
    { schema: { params: runIdParams, response: { 200: REF.runView, ...errorResponses(404, 409) } } },
    async (request): Promise<RunView> => runs.cancel(request.params.runId),
  );

  app.post<ById>(
    '/runs/:runId/resume',
    { schema: { params: runIdParams, response: { 200: REF.runView, ...errorResponses(404, 409, 429) } } },
    async (request): Promise<RunView> => runs.resume(request.params.runId),
  );

  // A link to the run's report that works without a header (a page's link, or the browser Office opens it in).
  app.get<ById>(
    '/runs/:runId/report-link',
    { schema: { params: runIdParams, response: { 200: { type: 'object', required: ['url'], properties: { url: { type: 'string' } } }, ...errorResponses(404) } } },
    async (request): Promise<DownloadLinkResponse> => {
      const path = `/api/runs/${request.params.runId}/report.xlsx`;
      return { url: credentials ? `${path}?link=${links.sign(path, request.principal)}` : path };
    },
  );

  // Its owner or a teacher: a queued or running run is cancelled first, then its folder goes.
  app.delete<ById>(
    '/runs/:runId',
    { schema: { params: runIdParams, response: { 204: { type: 'null' }, ...errorResponses(404) } } },
    async (request, reply) => {
      await runs.remove(request.params.runId);
      return reply.code(204).send();
    },
  );
};
