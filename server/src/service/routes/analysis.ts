import type { FastifyPluginAsync } from 'fastify';
import { MAX_COMPARED_RUNS, RUN_ID_PATTERN, checkDigitGrid, type Prediction } from '@gradsheet/shared';
import type { RunAnalyst } from '../../analysis/run-analyst.js';
import { compareInput } from '../../analysis/workbook-inputs.js';
import { SERVICE_ERRORS } from '../errors.js';
import { checkRunAccess } from '../run-access.js';
import type { RunManager } from '../run-manager.js';
import { errorResponses, runIdParams } from '../schemas.js';
import { XLSX } from './run-report.js';

export interface AnalysisRoutesOptions {
  readonly runs: RunManager;
  readonly analyst: RunAnalyst;
}

/** A grid of 28×28 values written out in full is about 16 KB of JSON; four times that leaves room for any spacing. */
const PREDICT_BODY_LIMIT = 64 * 1024;

const predictBody = {
  type: 'object',
  required: ['grid'],
  additionalProperties: false,
  // The grid's rows and cells are checked by checkDigitGrid, which names the first bad cell.
  properties: { grid: { type: 'array' } },
} as const;

const predictionSchema = {
  type: 'object',
  required: ['class', 'probabilities'],
  properties: { class: { type: 'integer' }, probabilities: { type: 'array', items: { type: 'number' } } },
} as const;

/** Room for the most runs a workbook compares, and a little more, so that too many is refused by the plan with its own sentence. */
const compareQuery = {
  type: 'object',
  required: ['ids'],
  additionalProperties: false,
  properties: { ids: { type: 'string', minLength: 1, maxLength: (MAX_COMPARED_RUNS + 1) * 37 } },
} as const;

const RUN_ID = new RegExp(RUN_ID_PATTERN);

/**
 * What finished runs learned, served: `POST /api/runs/:runId/predict` (a digit
 * drawn in cells → its class and the ten probabilities) and
 * `GET /api/runs/compare.xlsx?ids=a,b,c` (the compare workbook of those runs).
 */
export const analysisRoutes: FastifyPluginAsync<AnalysisRoutesOptions> = async (app, { runs, analyst }) => {
  app.post<{ Params: { runId: string }; Body: { grid: unknown } }>(
    '/runs/:runId/predict',
    { bodyLimit: PREDICT_BODY_LIMIT, schema: { params: runIdParams, body: predictBody, response: { 200: predictionSchema, ...errorResponses(404, 409, 413, 415) } } },
    async (request): Promise<Prediction> => {
      const folder = runs.folder(request.params.runId);
      const grid = checkDigitGrid(request.body.grid, 'body.grid');
      return analyst.predict(folder, grid);
    },
  );

  app.get<{ Querystring: { ids: string } }>(
    '/runs/compare.xlsx',
    { schema: { querystring: compareQuery, response: errorResponses(404) } },
    async (request, reply) => {
      const ids = request.query.ids.split(',').map((id) => id.trim());
      const bad = ids.find((id) => !RUN_ID.test(id));
      if (bad !== undefined) throw new SERVICE_ERRORS.GS_ERR_BAD_RUN_ID(bad);
      const compared = [];
      for (const id of ids) {
        checkRunAccess(runs, request.principal, id);
        const run = runs.view(id);
        compared.push(compareInput({ record: run, spec: await runs.folder(id).readSpec(run.config), metrics: run.metrics }));
      }
      // ExcelJS loads on the first workbook, not when the service starts.
      const { compareRunsXlsx } = await import('../../xlsx/compare-xlsx.js');
      const bytes = await compareRunsXlsx(compared);
      return reply.type(XLSX).header('content-disposition', 'attachment; filename="gradsheet-compare.xlsx"').send(bytes);
    },
  );
};
