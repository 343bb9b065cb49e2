import { resolve } from 'node:path';
import type { Command } from 'commander';
import { MAX_COMPARED_RUNS } from '@gradsheet/shared';
import { writeFileAtomic } from '../io/atomic-write.js';
import { checkOutputPath } from '../io/output-path.js';
import { inRunFolder } from './run-folder.js';

interface CompareFlags {
  out: string;
}

export function registerCompareCommand(program: Command): void {
  program
    .command('compare')
    .description('write the compare workbook of run folders: one row per run on the Runs sheet, and test accuracy and loss against epoch with one series per run')
    .argument('<run-dir...>', `run folders (gradsheet train --run-dir, or the service's runs/<id>), at most ${MAX_COMPARED_RUNS}`)
    .requiredOption('--out <file.xlsx>', 'where to write the workbook')
    .action(async (runDirs: string[], flags: CompareFlags) => {
      const out = await checkOutputPath(flags.out, '.xlsx');
      const { compareInput } = await import('../analysis/workbook-inputs.js');
      const runs = [];
      for (const dir of runDirs) {
        runs.push(
          await inRunFolder(resolve(dir), async (run) => {
            const record = await run.readRecord();
            return compareInput({ record, spec: await run.readSpec(record.config), metrics: await run.readMetrics() });
          }),
        );
      }
      const { compareRunsXlsx } = await import('../xlsx/compare-xlsx.js');
      await writeFileAtomic(out, await compareRunsXlsx(runs));
      process.stdout.write(`Wrote ${flags.out}: ${runs.length} run${runs.length === 1 ? '' : 's'} side by side\n`);
    });
}
