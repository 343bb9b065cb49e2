import type { FastifyPluginAsync } from 'fastify';
import type { HealthResponse } from '@gradsheet/shared';
import type { RunManager } from '../run-manager.js';
import { errorResponses } from '../schemas.js';

export const healthRoutes: FastifyPluginAsync<{ runs: RunManager; version: string }> = async (app, { runs, version }) => {
  app.get(
    '/health',
    {
      schema: {
        response: {
          200: {
            type: 'object',
            required: ['status', 'version', 'queued', 'running'],
            properties: { status: { type: 'string' }, version: { type: 'string' }, queued: { type: 'integer' }, running: { type: 'integer' } },
          },
          ...errorResponses(),
        },
      },
    },
    async (): Promise<HealthResponse> => ({ status: 'ok', version, ...runs.counts() }),
  );
};
