import { resolve } from 'node:path';
import type { Command } from 'commander';
import { invalidInput, type Prediction } from '@gradsheet/shared';
import { inRunFolder } from './run-folder.js';

interface PredictFlags {
  runDir: string;
  image?: string;
  grid?: string;
  json?: boolean;
}

/** The class, then each class's probability with a bar, as a learner reads it. */
export function predictionLines(prediction: Prediction): string[] {
  return [
    `Class ${prediction.class}`,
    ...prediction.probabilities.map((p, digit) => `  ${digit}  ${p.toFixed(4)}  ${'█'.repeat(Math.round(p * 20))}`),
  ];
}

export function registerPredictCommand(program: Command): void {
  program
    .command('predict')
    .description("predict a digit with a finished run's final weights: a picture (any size, reduced to 28×28 as MNIST's digits were) or a grid of 28×28 values")
    .requiredOption('--run-dir <dir>', 'the run folder (gradsheet train --run-dir, or the service\'s runs/<id>)')
    .option('--image <file.png>', 'a PNG picture of one digit, dark on light or light on dark')
    .option('--grid <file.csv>', '28 rows of 28 values from 0 (paper) to 1 (ink), as the Try it sheet holds them; blank cells are 0')
    .option('--json', 'print one JSON object {"class": N, "probabilities": [...]} and nothing else')
    .action(async (flags: PredictFlags) => {
      if ((flags.image === undefined) === (flags.grid === undefined)) throw invalidInput('give one digit: --image FILE.png or --grid FILE.csv');
      // The digit is read before tfjs loads: a bad file is refused at once.
      const files = await import('../analysis/digit-files.js');
      const grid = flags.image !== undefined ? await files.digitFromPngFile(flags.image) : await files.digitFromCsvFile(flags.grid as string);
      const { predictDigit } = await import('../analysis/predict.js');
      const prediction = await inRunFolder(resolve(flags.runDir), (run) => predictDigit(run, grid));
      process.stdout.write(flags.json ? `${JSON.stringify(prediction)}\n` : `${predictionLines(prediction).join('\n')}\n`);
    });
}
