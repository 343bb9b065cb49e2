import type { FastifyPluginAsync } from 'fastify';
import { parseBackpropWorkbookRequest, type BackpropWorkbookRequest } from '@gradsheet/shared';
import { backpropXlsx } from '../../xlsx/backprop-xlsx.js';
import { backpropWorkbookBody, errorResponses } from '../schemas.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * `POST /api/backprop.xlsx`: the backprop workbook for the given parameters, written
 * by the same code as `gradsheet backprop`. The task pane offers it for download when
 * it runs in a browser rather than in Excel.
 */
export const backpropWorkbookRoutes: FastifyPluginAsync = async (app) => {
  app.post<{ Body: BackpropWorkbookRequest }>(
    '/backprop.xlsx',
    { schema: { body: backpropWorkbookBody, response: errorResponses(413, 415) } },
    async (request, reply) => {
      // The schema (built from the same limits) has refused wrong types and bounds; the parser fills the defaults.
      const options = parseBackpropWorkbookRequest(request.body ?? {}, (field) => `body.${field}`);
      const bytes = await backpropXlsx(options);
      return reply.type(XLSX).header('content-disposition', `attachment; filename="gradsheet-backprop-${options.steps}-steps.xlsx"`).send(bytes);
    },
  );
};
