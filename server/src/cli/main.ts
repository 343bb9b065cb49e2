import { Command, CommanderError } from 'commander';
import { registerBackpropCommand } from './backprop-command.js';
import { registerTrainCommand } from './train-command.js';
import { registerModelsCommands } from './models-command.js';
import { registerServeCommand } from './serve-command.js';
import { registerTemplateCommand } from './template-command.js';
import { registerGradeCommand } from './grade-command.js';
import { registerDesignCommand } from './design-command.js';
import { registerPredictCommand } from './predict-command.js';
import { registerCompareCommand } from './compare-command.js';
import { registerReportCommand } from './report-command.js';
import { registerUsersCommand } from './users-command.js';
import { registerManifestCommand } from './manifest-command.js';
import { EXIT_OK, EXIT_USAGE, exitStatusOf } from './exit-status.js';

/**
 * The `gradsheet` program. A command that finishes with a status other than 0 without
 * failing (`grade` when some files could not be graded) reports it through `setStatus`.
 */
export function buildProgram(setStatus: (status: number) => void = () => {}): Command {
  const program = new Command('gradsheet')
    .description('GradSheet: learn how neural networks learn, inside Excel')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`gradsheet: ${text.replace(/^error: /, '')}`) });
  registerBackpropCommand(program);
  registerModelsCommands(program);
  registerTrainCommand(program);
  registerServeCommand(program);
  registerTemplateCommand(program);
  registerGradeCommand(program, setStatus);
  registerDesignCommand(program);
  registerPredictCommand(program);
  registerCompareCommand(program);
  registerReportCommand(program);
  registerUsersCommand(program);
  registerManifestCommand(program);
  for (const command of program.commands) {
    command.exitOverride().configureOutput({ outputError: (text, write) => write(`gradsheet: ${text.replace(/^error: /, '')}`) });
  }
  return program;
}

/** Runs the CLI and returns its exit status: 0 done, 2 bad input, 3 some files failed, 1 anything else (see exit-status.ts). */
export async function runCli(argv: readonly string[]): Promise<number> {
  let status = EXIT_OK;
  try {
    await buildProgram((finished) => (status = finished)).parseAsync([...argv], { from: 'user' });
    return status;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its message (or the help text).
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`gradsheet: ${message}\n`);
    return exitStatusOf(error);
  }
}
