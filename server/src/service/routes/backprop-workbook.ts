import type { FastifyPluginAsync } from 'fastify';
import { parseBackpropWorkbookRequest, type BackpropWorkbookRequest } from '@gradsheet/shared';
import type { BackpropBuilder } from '../backprop-builder.js';
import { backpropWorkbookBody, errorResponses } from '../schemas.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * `POST /api/backprop.xlsx`: the backprop workbook for the given parameters, written
 * by the same code as `gradsheet backprop`. The task pane offers it for download when
 * it runs in a browser rather than in Excel. Built off the event loop, a few at a
 * time (BackpropBuilder): a large one never holds the other requests up.
 */
export const backpropWorkbookRoutes: FastifyPluginAsync<{ builder: BackpropBuilder }> = async (app, { builder }) => {
  app.post<{ Body: BackpropWorkbookRequest }>(
    '/backprop.xlsx',
    { schema: { body: backpropWorkbookBody, response: errorResponses(413, 415, 429) } },
    async (request, reply) => {
      // The schema (built from the same limits) has refused wrong types and bounds; the parser fills the defaults.
      const options = parseBackpropWorkbookRequest(request.body ?? {}, (field) => `body.${field}`);
      const bytes = await builder.build(options);
      return reply.type(XLSX).header('content-disposition', `attachment; filename="gradsheet-backprop-${options.steps}-steps.xlsx"`).send(bytes);
    },
  );
};
