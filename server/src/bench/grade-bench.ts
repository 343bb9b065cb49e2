/**
 * Benchmark: grade a class of 30 exercise workbooks, as `gradsheet grade` does:
 * vet each package, read it with exceljs, grade it, write its feedback copy, then
 * write the class summary. Not a test: it prints timings (median of the measured
 * runs after one warm-up).
 *   npm run bench:grade [-- --students N --steps N --runs N]
 *
 * The submissions are the real exercise workbooks with every answer cell filled
 * by its formula and the engine's value cached beside it, as Excel saves them.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import ExcelJS from 'exceljs';
import { buildGradesPlan, DEFAULT_RELATIVE_TOLERANCE, r1c1ToA1, runBackprop, STEP_COLUMNS, STEP_FIRST_ROW, type KeyStudent } from '@gradsheet/shared';
import { writeFileAtomic } from '../io/atomic-write.js';
import { gradeFiles } from '../teacher/grade-files.js';
import { writeExercises } from '../teacher/write-exercises.js';
import { writeWorkbookPlan } from '../xlsx/exceljs-writer.js';

const { values } = parseArgs({
  options: { students: { type: 'string', default: '30' }, steps: { type: 'string', default: '5' }, runs: { type: 'string', default: '5' } },
});
const students = Number(values.students);
const steps = Number(values.steps);
const runs = Number(values.runs);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Every computed cell of the step table: its formula and the engine's value, as a student's finished workbook holds them. */
async function fill(student: KeyStudent, template: string, out: string): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(template);
  const sheet = workbook.getWorksheet('Backprop')!;
  const p = student.parameters;
  const records = runBackprop(p.initialWeights, p.inputs, p.targets, p.learningRate, steps);
  records.forEach((record, step) => {
    STEP_COLUMNS.forEach((column, col) => {
      if (!column.formulaR1C1 || (step === 0 && col >= 1 && col <= 8)) return;
      const at = { row: STEP_FIRST_ROW + step, col };
      sheet.getCell(at.row + 1, col + 1).value = { formula: r1c1ToA1(column.formulaR1C1(false), at), result: column.value(record) };
    });
  });
  await writeFile(out, Buffer.from(await workbook.xlsx.writeBuffer()));
}

const dir = await mkdtemp(join(tmpdir(), 'gradsheet-grade-bench-'));
try {
  const roster = Array.from({ length: students }, (_, i) => ({ id: `s${String(i + 1).padStart(3, '0')}`, name: `Student ${i + 1}` }));
  const key = await writeExercises({ outDir: dir, keyPath: join(dir, 'key.json'), roster, seed: 1, steps });
  const files: string[] = [];
  for (const student of key.students) {
    const out = join(dir, `submitted-${student.id}.xlsx`);
    await fill(student, join(dir, student.file), out);
    files.push(out);
  }
  const ms: number[] = [];
  let points = 0;
  for (let run = 0; run <= runs; run++) {
    const t0 = performance.now();
    const outcomes = await gradeFiles(files, { key, relativeTolerance: DEFAULT_RELATIVE_TOLERANCE, feedbackDir: join(dir, `feedback-${run}`) });
    await writeFileAtomic(join(dir, 'grades.xlsx'), await writeWorkbookPlan(buildGradesPlan(outcomes, key, DEFAULT_RELATIVE_TOLERANCE)));
    const elapsed = performance.now() - t0;
    points = outcomes.reduce((sum, o) => sum + (o.kind === 'graded' ? o.grade.points : 0), 0);
    if (run > 0) ms.push(elapsed);
  }
  const total = median(ms);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
  console.log(`class: ${students} submissions of ${steps} steps (${points.toLocaleString('en-US')} answer cells, all scored)`);
  console.log(`median of ${runs} runs: ${total.toFixed(0)} ms (${(total / students).toFixed(0)} ms per submission), feedback copies and summary included`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
