/**
 * Benchmark: build the plan of a 10,000-step backprop workbook and write it as .xlsx.
 * Not a test: it prints timings (median of the measured runs after one warm-up).
 *   npm run bench:backprop [-- --steps N --runs N]
 */
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { buildBackpropWorkbookPlan, DEFAULT_BACKPROP_WORKBOOK_OPTIONS } from '@gradsheet/shared';
import { writeWorkbookPlan } from '../xlsx/exceljs-writer.js';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '10000' }, runs: { type: 'string', default: '5' } } });
const steps = Number(values.steps);
const runs = Number(values.runs);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const planMs: number[] = [];
const writeMs: number[] = [];
let bytes = 0;
let cells = 0;
for (let run = 0; run <= runs; run++) {
  const t0 = performance.now();
  const plan = buildBackpropWorkbookPlan({ ...DEFAULT_BACKPROP_WORKBOOK_OPTIONS, steps });
  const t1 = performance.now();
  const xlsx = await writeWorkbookPlan(plan);
  const t2 = performance.now();
  if (run === 0) {
    cells = plan.sheets.reduce(
      (sum, s) => sum + s.blocks.reduce((n, b) => n + b.rows.reduce((m, r) => m + r.filter(Boolean).length, 0), 0) + (s.fills ?? []).reduce((n, f) => n + f.results.length, 0),
      0,
    );
    continue; // warm-up
  }
  planMs.push(t1 - t0);
  writeMs.push(t2 - t1);
  bytes = xlsx.length;
}
const plan = median(planMs);
const write = median(writeMs);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
console.log(`workbook: ${steps.toLocaleString('en-US')} steps, ${cells.toLocaleString('en-US')} cells, ${(bytes / 2 ** 20).toFixed(1)} MiB`);
console.log(`median of ${runs} runs: plan ${plan.toFixed(0)} ms + write ${write.toFixed(0)} ms = ${(plan + write).toFixed(0)} ms`);
