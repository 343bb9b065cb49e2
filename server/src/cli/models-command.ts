import type { Command } from 'commander';
import { DEFAULT_MODEL_ID, MODEL_ZOO, countParams, getModel, invalidInput, summaryText, thousands } from '@gradsheet/shared';
import { loadModelFile } from '../designer/load-model-file.js';

/** One line per built-in model, id first so scripts can take the first word. */
export function modelListLines(): string[] {
  const idWidth = Math.max(...MODEL_ZOO.map((model) => model.id.length));
  return MODEL_ZOO.map((model) => {
    const params = `${thousands(countParams(model)).padStart(6)} params`;
    const marker = model.id === DEFAULT_MODEL_ID ? ' (default)' : '';
    return `${model.id.padEnd(idWidth)}  ${params}  ${model.title}${marker}`;
  });
}

export function registerModelsCommands(program: Command): void {
  program
    .command('models')
    .description('list the built-in models: id, parameter count and title')
    .action(() => {
      process.stdout.write(`${modelListLines().join('\n')}\n`);
    });

  program
    .command('summary')
    .description('print a model\'s torchsummary-style table, with receptive fields; the last line is "Total params: N"')
    .option('--model <id>', `a built-in model id (see "gradsheet models"; default: ${DEFAULT_MODEL_ID})`)
    .option('--model-file <file>', 'your own design: a model spec (.json) or a designer workbook (.xlsx, see "gradsheet design")')
    .action(async (flags: { model?: string; modelFile?: string }) => {
      if (flags.model !== undefined && flags.modelFile !== undefined) throw invalidInput('give --model or --model-file, not both');
      // Unknown ids (UNKNOWN_MODEL) and impossible designs (INVALID_MODEL) are bad input: one line, exit 2.
      const model = flags.modelFile !== undefined ? await loadModelFile(flags.modelFile) : getModel(flags.model ?? DEFAULT_MODEL_ID);
      const text = summaryText(model, { endAtTotal: true });
      process.stdout.write(`${text}\n`);
    });
}
