import type { Command } from 'commander';
import { getModel, invalidInput, summarizeModel, type ModelSpec } from '@gradsheet/shared';
import { designerXlsx } from '../designer/designer-xlsx.js';
import { loadModelFile } from '../designer/load-model-file.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { checkOutputPath } from '../io/output-path.js';

interface DesignFlags {
  out?: string;
  from?: string;
  modelFile?: string;
  exportJson?: string;
}

/** Which design the command starts from: a zoo model, a file, or nothing (a blank sheet). */
async function startingPoint(flags: DesignFlags): Promise<ModelSpec | undefined> {
  if (flags.from !== undefined && flags.modelFile !== undefined) throw invalidInput('give --from MODEL_ID or --model-file FILE, not both');
  if (flags.from !== undefined) return getModel(flags.from);
  if (flags.modelFile !== undefined) return loadModelFile(flags.modelFile);
  return undefined;
}

export function registerDesignCommand(program: Command): void {
  program
    .command('design')
    .description('write the designer workbook (a Model sheet of layers with live shape, parameter and receptive-field formulas), or print a designed workbook\'s spec')
    .option('--out <file.xlsx>', 'where to write the designer workbook')
    .option('--from <model-id>', 'start from a built-in model (see "gradsheet models"); default: a blank sheet')
    .option('--model-file <file>', 'start from a design: a model spec (.json) or a designer workbook (.xlsx)')
    .option('--export-json <file.xlsx>', 'print the spec of a designed workbook (or a spec file) as JSON, and write nothing')
    .action(async (flags: DesignFlags) => {
      if (flags.exportJson !== undefined) {
        if (flags.out !== undefined || flags.from !== undefined || flags.modelFile !== undefined) {
          throw invalidInput('--export-json prints a design and writes nothing: give it alone');
        }
        const spec = await loadModelFile(flags.exportJson);
        process.stdout.write(`${JSON.stringify(spec, null, 2)}\n`);
        return;
      }
      if (flags.out === undefined) {
        throw invalidInput('give --out FILE.xlsx to write a designer workbook, or --export-json FILE.xlsx to print the spec of one');
      }
      const start = await startingPoint(flags);
      const out = await checkOutputPath(flags.out, '.xlsx');
      await writeFileAtomic(out, await designerXlsx(start));
      const from = start ? `${start.id}, ${summarizeModel(start).totalParams.toLocaleString('en-US')} parameters` : 'a blank sheet';
      process.stdout.write(`Wrote ${flags.out}: the Model sheet, from ${from}\n`);
    });
}
