import type { Command } from 'commander';
import { DEFAULT_MODEL_ID, MODEL_ZOO, countParams, getModel, summaryText, thousands } from '@gradsheet/shared';

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
    .requiredOption('--model <id>', `a built-in model id (see "gradsheet models"), e.g. ${DEFAULT_MODEL_ID}`)
    .action((flags: { model: string }) => {
      // getModel throws GradSheetError UNKNOWN_MODEL for an unknown id, which the CLI reports as bad input (exit 2).
      const text = summaryText(getModel(flags.model), { endAtTotal: true });
      process.stdout.write(`${text}\n`);
    });
}
