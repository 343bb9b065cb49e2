import { stat } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { buildGradesPlan, DEFAULT_RELATIVE_TOLERANCE, GradSheetError, integerRule, invalidInput, type NumberRule, type SubmissionOutcome } from '@gradsheet/shared';
import { writeFileAtomic } from '../io/atomic-write.js';
import { checkOutputPath } from '../io/output-path.js';
import { gradeFiles } from '../teacher/grade-files.js';
import { GRADING_HEAP_MB } from '../teacher/submission-grader.js';
import { readKeyFile } from '../teacher/key-file.js';
import { writeWorkbookPlan } from '../xlsx/exceljs-writer.js';
import { parseBounded } from './parse.js';
import { progressBar } from './progress.js';
import { EXIT_OK, EXIT_SOME_FILES_FAILED } from './exit-status.js';

/** A correct value may be off by at most this share of the expected one. */
const TOLERANCE: NumberRule = { kind: 'number', integer: false, min: 0, above: true, max: 0.01 };

interface GradeFlags {
  key: string;
  out: string;
  feedbackDir?: string;
  feedback: boolean;
  tolerance: string;
  maxFileMemory: string;
}

/** `setStatus` hears 3 (EXIT_SOME_FILES_FAILED) when grades.xlsx was written but some files could not be graded (each is in the report). */
export function registerGradeCommand(program: Command, setStatus: (status: number) => void): void {
  program
    .command('grade')
    .description('grade submitted exercise workbooks: a class summary, and a feedback copy of each workbook')
    .argument('<submissions...>', 'the submitted .xlsx files')
    .requiredOption('--key <file.json>', 'the key that gradsheet template wrote')
    .requiredOption('--out <grades.xlsx>', 'where to write the class summary')
    .option('--feedback-dir <dir>', 'where to write the feedback copies (default: <out>-feedback beside --out)')
    .option('--no-feedback', 'write no feedback copies')
    .option('--tolerance <x>', 'relative tolerance of a correct value, above 0 and at most 0.01', String(DEFAULT_RELATIVE_TOLERANCE))
    .option('--max-file-memory <MB>', 'memory one submission may take while it is read; a file that needs more is reported, not graded', String(GRADING_HEAP_MB))
    .action(async (submissions: string[], flags: GradeFlags) => {
      const relativeTolerance = parseBounded('--tolerance', flags.tolerance, TOLERANCE);
      const fileMemoryMb = parseBounded('--max-file-memory', flags.maxFileMemory, integerRule(64, 65_536));
      const key = await readKeyFile(flags.key);
      const out = await checkOutputPath(flags.out, '.xlsx');
      const feedbackDir = flags.feedback ? resolve(flags.feedbackDir ?? join(dirname(out), `${basename(out, extname(out))}-feedback`)) : null;
      if (feedbackDir) {
        const existing = await stat(feedbackDir).catch(() => null);
        if (existing && !existing.isDirectory()) throw new GradSheetError('OUTPUT_REFUSED', `--feedback-dir "${feedbackDir}" is a file, not a folder`);
      }
      // A shell glob such as *.xlsx may catch the previous grades file.
      const files = submissions.filter((file) => resolve(file) !== out);
      if (files.length === 0) throw invalidInput('no submissions to grade');

      const bar = progressBar('Grading', process.stderr, 'files');
      const failures: string[] = [];
      let outcomes: SubmissionOutcome[];
      try {
        outcomes = await gradeFiles(files, {
          key,
          relativeTolerance,
          feedbackDir,
          fileMemoryMb,
          onFile: (outcome, done, total) => {
            if (outcome.kind === 'failed') failures.push(`gradsheet: ${outcome.file}: ${outcome.error.message}\n`);
            bar.update(done, total);
          },
        });
      } finally {
        bar.stop();
      }
      for (const line of failures) process.stderr.write(line);
      // The summary names each feedback copy by its path from the summary itself.
      const reported = outcomes.map((o) =>
        o.kind === 'graded' && o.feedbackFile && feedbackDir ? { ...o, feedbackFile: relative(dirname(out), join(feedbackDir, o.feedbackFile)) } : o,
      );
      await writeFileAtomic(out, await writeWorkbookPlan(buildGradesPlan(reported, key, relativeTolerance)));

      const graded = outcomes.filter((o) => o.kind === 'graded');
      const flagged = graded.filter((o) => o.identity.flags.length > 0).length;
      process.stdout.write(
        `Graded ${graded.length} of ${outcomes.length} files` +
          (failures.length > 0 ? ` (${failures.length} could not be graded)` : '') +
          (flagged > 0 ? `, ${flagged} flagged` : '') +
          `; wrote ${flags.out}` +
          (feedbackDir && graded.length > 0
            ? ` and ${graded.length} feedback ${graded.length === 1 ? 'copy' : 'copies'} in ${relative(process.cwd(), feedbackDir) || '.'}`
            : '') +
          '\n',
      );
      setStatus(failures.length > 0 ? EXIT_SOME_FILES_FAILED : EXIT_OK);
    });
}
