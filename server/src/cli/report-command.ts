import { resolve } from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../io/atomic-write.js';
import { checkOutputPath } from '../io/output-path.js';
import { inRunFolder } from './run-folder.js';

interface ReportFlags {
  runDir: string;
  out: string;
}

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description("write the training report of a run folder: its results, model and epochs, and for a finished run the Confusion, Mistakes and Kernels sheets")
    .requiredOption('--run-dir <dir>', "the run folder (gradsheet train --run-dir, or the service's runs/<id>)")
    .requiredOption('--out <file.xlsx>', 'where to write the report')
    .action(async (flags: ReportFlags) => {
      const out = await checkOutputPath(flags.out, '.xlsx');
      const { reportInput } = await import('../analysis/workbook-inputs.js');
      const input = await inRunFolder(resolve(flags.runDir), async (run) => {
        const record = await run.readRecord();
        const facts = { record, spec: await run.readSpec(record.config), metrics: await run.readMetrics() };
        if (!(await run.hasWeights('final'))) return reportInput(facts);
        // A finished run: what it learned, kept in its folder, or computed now (tfjs loads only then).
        const { runAnalysis } = await import('../analysis/run-analysis.js');
        return reportInput(facts, await runAnalysis(run));
      });
      const { trainingReportXlsx } = await import('../xlsx/report-xlsx.js');
      await writeFileAtomic(out, await trainingReportXlsx(input));
      const learned = input.analysis ? ', with what it learned' : ` (${input.state}: no final weights, so no Confusion, Mistakes or Kernels sheets)`;
      process.stdout.write(`Wrote ${flags.out}: the training report of run ${input.runId}, ${input.metrics.length} epoch${input.metrics.length === 1 ? '' : 's'}${learned}\n`);
    });
}
