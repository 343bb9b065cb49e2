import type { Command } from 'commander';
import {
  DEFAULT_BACKPROP_WORKBOOK_OPTIONS as DEFAULTS,
  MAX_STEPS,
  validateBackpropOptions,
  type BackpropWorkbookOptions,
  type Pair,
  type Weights,
} from '@gradsheet/shared';
import { backpropXlsx } from '../xlsx/backprop-xlsx.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { checkOutputPath } from '../io/output-path.js';
import { parseInteger, parseNumber, parseNumberList } from './parse.js';
import { progressBar } from './progress.js';

interface BackpropFlags {
  out: string;
  steps?: string;
  lr?: string;
  lrs?: string;
  inputs?: string;
  targets?: string;
  weights?: string;
}

/** Turns the command's flags into validated workbook options; throws UsageError or GradSheetError. */
export function backpropOptionsFromFlags(flags: Omit<BackpropFlags, 'out'>): BackpropWorkbookOptions {
  return validateBackpropOptions({
    steps: flags.steps === undefined ? DEFAULTS.steps : parseInteger('--steps', flags.steps, 1, MAX_STEPS),
    learningRate: flags.lr === undefined ? DEFAULTS.learningRate : parseNumber('--lr', flags.lr),
    comparisonLearningRates: flags.lrs === undefined ? DEFAULTS.comparisonLearningRates : parseNumberList('--lrs', flags.lrs),
    inputs: flags.inputs === undefined ? DEFAULTS.inputs : (parseNumberList('--inputs', flags.inputs, 2) as unknown as Pair),
    targets: flags.targets === undefined ? DEFAULTS.targets : (parseNumberList('--targets', flags.targets, 2) as unknown as Pair),
    initialWeights:
      flags.weights === undefined ? DEFAULTS.initialWeights : (parseNumberList('--weights', flags.weights, 8) as unknown as Weights),
  });
}

export function registerBackpropCommand(program: Command): void {
  program
    .command('backprop')
    .description('write the backpropagation workbook (live Excel formulas and charts) to an .xlsx file')
    .requiredOption('--out <file.xlsx>', 'where to write the workbook')
    .option('--steps <n>', `rows of gradient descent, 1 to ${MAX_STEPS.toLocaleString('en-US')}`, String(DEFAULTS.steps))
    .option('--lr <eta>', 'learning rate η of the Backprop sheet', String(DEFAULTS.learningRate))
    .option('--lrs <list>', 'learning rates compared on the LR Comparison sheet', DEFAULTS.comparisonLearningRates.join(','))
    .option('--inputs <i1,i2>', 'the two inputs', DEFAULTS.inputs.join(','))
    .option('--targets <t1,t2>', 'the two targets', DEFAULTS.targets.join(','))
    .option('--weights <w1,...,w8>', 'the eight starting weights', DEFAULTS.initialWeights.join(','))
    .action(async (flags: BackpropFlags) => {
      const options = backpropOptionsFromFlags(flags);
      const out = await checkOutputPath(flags.out, '.xlsx');
      const bar = progressBar('Writing workbook');
      let bytes: Buffer;
      try {
        bytes = await backpropXlsx(options, { onProgress: (p) => bar.update(p.rowsDone, p.rowsTotal) });
      } finally {
        bar.stop();
      }
      await writeFileAtomic(out, bytes);
      process.stdout.write(
        `Wrote ${flags.out}: ${options.steps.toLocaleString('en-US')} steps at η = ${options.learningRate}, ` +
          `compared for η = ${options.comparisonLearningRates.join(', ')}\n`,
      );
    });
}
