import type { FastifyPluginAsync } from 'fastify';
import type { RunAnalyst } from '../../analysis/run-analyst.js';
import { reportInput } from '../../analysis/workbook-inputs.js';
import type { RunManager } from '../run-manager.js';
import { errorResponses, runIdParams } from '../schemas.js';

export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** `GET /api/runs/:runId/report.xlsx`: the run's training report, with the epochs so far and, once it is done, what it learned. */
export const runReportRoutes: FastifyPluginAsync<{ runs: RunManager; analyst: RunAnalyst }> = async (app, { runs, analyst }) => {
  app.get<{ Params: { runId: string } }>(
    '/runs/:runId/report.xlsx',
    { schema: { params: runIdParams, response: errorResponses(404) } },
    async (request, reply) => {
      const run = runs.view(request.params.runId);
      const folder = runs.folder(run.id);
      // The model as the run's folder keeps it: a design has no id to look up.
      const spec = await folder.readSpec(run.config);
      // What a finished run learned; one finished before analyses were kept has it computed now, once.
      const analysis = run.state === 'done' && (await folder.hasWeights('final')) ? await analyst.analysis(folder) : undefined;
      // ExcelJS loads on the first report, not when the service starts.
      const { trainingReportXlsx } = await import('../../xlsx/report-xlsx.js');
      const bytes = await trainingReportXlsx(reportInput({ record: run, spec, metrics: run.metrics }, analysis));
      const filename = `gradsheet-${run.config.model}-${run.id.slice(0, 8)}.xlsx`;
      return reply.type(XLSX).header('content-disposition', `attachment; filename="${filename}"`).send(bytes);
    },
  );
};
