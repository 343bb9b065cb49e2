import type { FastifyPluginAsync } from 'fastify';
import type { RunManager } from '../run-manager.js';
import { errorResponses, runIdParams } from '../schemas.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** `GET /api/runs/:runId/report.xlsx`: the run's training report, with the epochs so far. */
export const runReportRoutes: FastifyPluginAsync<{ runs: RunManager }> = async (app, { runs }) => {
  app.get<{ Params: { runId: string } }>(
    '/runs/:runId/report.xlsx',
    { schema: { params: runIdParams, response: errorResponses(404) } },
    async (request, reply) => {
      const run = runs.view(request.params.runId);
      // The model as the run's folder keeps it: a design has no id to look up.
      const spec = await runs.folder(run.id).readSpec(run.config);
      // ExcelJS loads on the first report, not when the service starts.
      const { trainingReportXlsx } = await import('../../xlsx/report-xlsx.js');
      const bytes = await trainingReportXlsx({
        runId: run.id,
        config: run.config,
        metrics: run.metrics,
        state: run.state,
        createdAt: run.createdAt,
        spec,
        ...(run.backend !== undefined ? { backend: run.backend } : {}),
      });
      const filename = `gradsheet-${run.config.model}-${run.id.slice(0, 8)}.xlsx`;
      return reply.type(XLSX).header('content-disposition', `attachment; filename="${filename}"`).send(bytes);
    },
  );
};
