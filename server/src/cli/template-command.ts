import { randomInt } from 'node:crypto';
import { access, mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_EXERCISE_STEPS, GradSheetError, MAX_EXERCISE_STEPS, MIN_EXERCISE_STEPS, integerRule } from '@gradsheet/shared';
import { DEFAULT_KEY_FILE } from '../teacher/key-file.js';
import { readRoster } from '../teacher/roster.js';
import { writeExercises } from '../teacher/write-exercises.js';
import { parseBounded } from './parse.js';
import { progressBar } from './progress.js';

interface TemplateFlags {
  out: string;
  roster: string;
  steps: string;
  seed?: string;
  key?: string;
  force?: boolean;
}

const MAX_SEED = 0xffffffff;

export function registerTemplateCommand(program: Command): void {
  program
    .command('template')
    .description("write each student's own backprop exercise workbook, and the key that grading needs")
    .requiredOption('--out <dir>', 'folder for the workbooks (created if missing)')
    .requiredOption('--roster <students.csv>', 'CSV with a header row and "id" and "name" columns')
    .option('--steps <n>', `rows of the step table to fill in, ${MIN_EXERCISE_STEPS} to ${MAX_EXERCISE_STEPS}`, String(DEFAULT_EXERCISE_STEPS))
    .option('--seed <s>', `seed of every student's parameters, 0 to ${MAX_SEED} (default: a random one, kept in the key)`)
    .option('--key <file.json>', `where to write the key (default: ${DEFAULT_KEY_FILE} in --out)`)
    .option('--force', 'replace an existing key (its workbooks can then no longer be graded)')
    .action(async (flags: TemplateFlags) => {
      const steps = parseBounded('--steps', flags.steps, integerRule(MIN_EXERCISE_STEPS, MAX_EXERCISE_STEPS));
      const seed = flags.seed === undefined ? randomInt(0, MAX_SEED) : parseBounded('--seed', flags.seed, integerRule(0, MAX_SEED));
      const roster = await readRoster(flags.roster);
      const outDir = resolve(flags.out);
      const existing = await stat(outDir).catch(() => null);
      if (existing && !existing.isDirectory()) throw new GradSheetError('OUTPUT_REFUSED', `--out "${flags.out}" is a file, not a folder`);
      await mkdir(outDir, { recursive: true });
      const keyPath = resolve(flags.key ?? join(outDir, DEFAULT_KEY_FILE));
      const keyExists = await access(keyPath).then(
        () => true,
        () => false,
      );
      if (keyExists && !flags.force) {
        throw new GradSheetError('OUTPUT_REFUSED', `key "${keyPath}" exists already: grading its workbooks needs it, so it is kept (use --force to replace it)`);
      }
      const bar = progressBar('Writing workbooks', process.stderr, 'workbooks');
      try {
        await writeExercises({ outDir, keyPath, roster, seed, steps, onProgress: (done, total) => bar.update(done, total) });
      } finally {
        bar.stop();
      }
      process.stdout.write(
        `Wrote ${roster.length} workbooks (${steps} steps each, seed ${seed}) to ${flags.out}\n` +
          `Wrote the key to ${flags.key ?? join(flags.out, DEFAULT_KEY_FILE)}: keep it for grading, and hand out only the .xlsx files\n`,
      );
    });
}
