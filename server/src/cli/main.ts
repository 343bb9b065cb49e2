import { Command, CommanderError } from 'commander';
import { GradSheetError } from '@gradsheet/shared';
import { registerBackpropCommand } from './backprop-command.js';
import { registerTrainCommand } from './train-command.js';
import { registerModelsCommands } from './models-command.js';
import { registerServeCommand } from './serve-command.js';
import { registerTemplateCommand } from './template-command.js';
import { registerGradeCommand } from './grade-command.js';
import { EXIT_FAILURE, EXIT_USAGE, PartialFailure, UsageError } from './usage-error.js';

/** Errors that mean "the input was wrong" rather than "GradSheet broke". */
function isUsageProblem(error: unknown): boolean {
  if (error instanceof UsageError) return true;
  if (error instanceof GradSheetError) return error.kind === 'input' || error.kind === 'not-found';
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  // The output path went away or became unwritable between the check and the write.
  return code === 'EACCES' || code === 'ENOENT' || code === 'EROFS' || code === 'ENOTDIR' || code === 'EISDIR';
}

export function buildProgram(): Command {
  const program = new Command('gradsheet')
    .description('GradSheet: learn how neural networks learn, inside Excel')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`gradsheet: ${text.replace(/^error: /, '')}`) });
  registerBackpropCommand(program);
  registerModelsCommands(program);
  registerTrainCommand(program);
  registerServeCommand(program);
  registerTemplateCommand(program);
  registerGradeCommand(program);
  for (const command of program.commands) {
    command.exitOverride().configureOutput({ outputError: (text, write) => write(`gradsheet: ${text.replace(/^error: /, '')}`) });
  }
  return program;
}

/** Runs the CLI and returns its exit status: 0 done, 2 bad input, 1 anything else. */
export async function runCli(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof PartialFailure) return error.exitCode;
    if (error instanceof CommanderError) {
      // Commander has already printed its message (or the help text).
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`gradsheet: ${message}\n`);
    return isUsageProblem(error) ? EXIT_USAGE : EXIT_FAILURE;
  }
}
