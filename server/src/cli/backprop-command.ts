import type { Command } from 'commander';
import {
  DEFAULT_BACKPROP_WORKBOOK_OPTIONS as DEFAULTS,
  REQUEST_LIMITS,
  numberHint,
  parseBackpropWorkbookRequest,
  type BackpropField,
  type BackpropWorkbookOptions,
  type BackpropWorkbookRequest,
} from '@gradsheet/shared';
import { backpropXlsx } from '../xlsx/backprop-xlsx.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { checkOutputPath } from '../io/output-path.js';
import { parseNumber, parseNumberList } from './parse.js';
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

/** Each field of the request as the command line names it. */
const FLAG_OF: Record<BackpropField, string> = {
  steps: '--steps',
  learningRate: '--lr',
  comparisonLearningRates: '--lrs',
  inputs: '--inputs',
  targets: '--targets',
  initialWeights: '--weights',
};

/** Turns the command's flags into values, and the request into workbook options; throws GradSheetError INVALID_INPUT naming the flag. */
export function backpropOptionsFromFlags(flags: Omit<BackpropFlags, 'out'>): BackpropWorkbookOptions {
  const request: BackpropWorkbookRequest = {
    ...(flags.steps !== undefined ? { steps: parseNumber(FLAG_OF.steps, flags.steps) } : {}),
    ...(flags.lr !== undefined ? { learningRate: parseNumber(FLAG_OF.learningRate, flags.lr) } : {}),
    ...(flags.lrs !== undefined ? { comparisonLearningRates: parseNumberList(FLAG_OF.comparisonLearningRates, flags.lrs) } : {}),
    ...(flags.inputs !== undefined ? { inputs: parseNumberList(FLAG_OF.inputs, flags.inputs) } : {}),
    ...(flags.targets !== undefined ? { targets: parseNumberList(FLAG_OF.targets, flags.targets) } : {}),
    ...(flags.weights !== undefined ? { initialWeights: parseNumberList(FLAG_OF.initialWeights, flags.weights) } : {}),
  };
  return parseBackpropWorkbookRequest(request, (field) => FLAG_OF[field]);
}

export function registerBackpropCommand(program: Command): void {
  program
    .command('backprop')
    .description('write the backpropagation workbook (live Excel formulas and charts) to an .xlsx file')
    .requiredOption('--out <file.xlsx>', 'where to write the workbook')
    .option('--steps <n>', `rows of gradient descent, ${numberHint(REQUEST_LIMITS.backprop.steps)}`, String(DEFAULTS.steps))
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
