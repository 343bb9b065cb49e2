import type { FastifyPluginAsync } from 'fastify';
import { USER_ROLES, type SessionResponse } from '@gradsheet/shared';
import { seesEveryRun } from '../accounts/principal.js';
import { errorResponses } from '../schemas.js';

/** `GET /api/session`: how the service checks callers, and who this one is (the pane's "Signed in as"). */
export const sessionRoutes: FastifyPluginAsync<{ auth: SessionResponse['auth'] }> = async (app, { auth }) => {
  app.get(
    '/session',
    {
      schema: {
        response: {
          200: {
            type: 'object',
            required: ['auth', 'seesEveryRun'],
            properties: { auth: { type: 'string', enum: ['none', 'token', 'accounts'] }, user: { type: 'string' }, role: { type: 'string', enum: [...USER_ROLES] }, seesEveryRun: { type: 'boolean' } },
          },
          ...errorResponses(),
        },
      },
    },
    async (request): Promise<SessionResponse> => {
      const { principal } = request;
      return { auth, seesEveryRun: seesEveryRun(principal), ...(principal.kind === 'user' ? { user: principal.name, role: principal.role } : {}) };
    },
  );
};
