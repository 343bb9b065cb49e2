/**
 * Benchmark (not a test): `npm run bench:mnist [-- options]`.
 *
 * Throughput, GradSheet against PyTorch on this machine's CPU, for every zoo model,
 * the hand-picked designs in bench/designs and a few random designs: each model
 * trains one epoch's worth of batches (19,200 images by default, no augmentation,
 * each model's own batch size and recipe, weight averaging included) on both sides,
 * at the same thread count, in alternating rounds, so that a busy spell of a shared
 * machine hits both. Each side leaves out its first 5 batches. The median of the
 * per-round ratios is recorded in BENCHMARKS.md.
 *
 *   --models ID,ID | all | none     zoo models (default all)
 *   --designs NAME,NAME | all | none  files in bench/designs (default all)
 *   --design-seeds N,N | none       random designs from shared's generator (default 2,3,28)
 *   --model-file FILE               a design file of your own (repeatable)
 *   --images N                      images per measurement (default 19200)
 *   --rounds N                      alternating rounds (default 3)
 *   --threads N                     both sides' threads (default: the machine's cores, up to 4)
 *   --one-thread                    also measure both sides at one thread, for the scaling
 *   --no-record                     print only; leave BENCHMARKS.md alone
 *
 *   --full-run [--model ID] [--epochs N]
 *                                   instead: train one model fully with its recipe and record
 *                                   each epoch's test accuracy (the accuracy target)
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_MODEL_ID, getModel, resolveTrainConfig, type EpochMetrics, type MnistSplit, type ModelSpec } from '@gradsheet/shared';
import { defaultThreads } from '../cli/train-command.js';
import { selectBackend } from '../engine/backend/select-backend.js';
import { runTraining } from '../runs/run-training.js';
import { trainModel } from '../engine/train.js';
import { loadMnistSplit } from '../mnist/load-mnist.js';
import { benchModels, REPO_ROOT, type BenchModel } from './bench-models.js';
import { runPytorchPeer, torchPython } from './pytorch-peer.js';

const { values } = parseArgs({
  options: {
    models: { type: 'string' },
    designs: { type: 'string' },
    'design-seeds': { type: 'string' },
    'model-file': { type: 'string', multiple: true },
    images: { type: 'string', default: '19200' },
    rounds: { type: 'string', default: '3' },
    threads: { type: 'string' },
    'one-thread': { type: 'boolean', default: false },
    'no-record': { type: 'boolean', default: false },
    'full-run': { type: 'boolean', default: false },
    model: { type: 'string', default: DEFAULT_MODEL_ID },
    epochs: { type: 'string' },
  },
});
/** Batches run before timing starts, on both sides (bench/pytorch_peer.py's --warmup). */
const WARMUP_STEPS = 5;
const threads = values.threads === undefined ? defaultThreads() : Number(values.threads);
const record = !values['no-record'];

const backend = await selectBackend('auto');
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
const today = new Date().toISOString().slice(0, 10);
console.log(`machine: ${machine}\nbackend: ${backend.detail}\nPyTorch: ${torchPython() ?? 'not found (apt-get install python3-torch, or set GRADSHEET_PYTHON)'}`);

if (values['full-run']) await fullRun(getModel(values.model));
else await throughput();

// ---------------------------------------------------------------- throughput

interface Measure {
  /** Images per second, wall-clock. */
  readonly gradsheet: number;
  readonly pytorch: number | null;
  /** CPU milliseconds per image, all threads: what the work cost, however long a busy machine kept it waiting. */
  readonly gradsheetCpu: number;
  readonly pytorchCpu: number | null;
}

interface ModelResult {
  readonly model: BenchModel;
  readonly batchSize: number;
  readonly steps: number;
  readonly rounds: Measure[];
  readonly oneThread: Measure[];
}

async function throughput(): Promise<void> {
  const models = await benchModels({
    models: values.models,
    designs: values.designs,
    designSeeds: values['design-seeds'],
    modelFiles: values['model-file'],
  });
  const images = Number(values.images);
  const roundCount = Number(values.rounds);
  const [train, test] = await Promise.all([loadMnistSplit('train'), loadMnistSplit('test')]);
  const loadBefore = loadavg();
  let torchVersion = '';
  const results: ModelResult[] = models.map((model) => {
    const batchSize = model.spec.training.batchSize;
    return { model, batchSize, steps: Math.max(1, Math.round(images / batchSize)), rounds: [], oneThread: [] };
  });
  const measure = async (result: ModelResult, threadCount: number, gradsheetFirst: boolean): Promise<Measure> => {
    const peer = () => runPytorchPeer(result.model.spec, { batches: result.steps, batchSize: result.batchSize, threads: threadCount, warmup: WARMUP_STEPS });
    const ours = () => timeGradSheet(result.model.spec, { train, test }, result.steps, threadCount);
    let pytorch = gradsheetFirst ? null : peer();
    const gradsheet = await ours();
    if (gradsheetFirst) pytorch = peer();
    if (pytorch) torchVersion = pytorch.torch;
    return {
      gradsheet: gradsheet.imagesPerSecond,
      pytorch: pytorch?.imagesPerSecond ?? null,
      gradsheetCpu: gradsheet.cpuMsPerImage,
      pytorchCpu: pytorch ? pytorch.cpuMsPerStep / result.batchSize : null,
    };
  };
  for (let round = 1; round <= roundCount; round++) {
    for (const result of results) {
      // Who goes first alternates, so that neither side always meets the machine warmer.
      const m = await measure(result, threads, round % 2 === 1);
      result.rounds.push(m);
      let line = `round ${round} ${result.model.label.padEnd(24)} GradSheet ${m.gradsheet.toFixed(0).padStart(6)}  PyTorch ${m.pytorch?.toFixed(0).padStart(6) ?? '     –'}  ratio ${ratioText(m)} (CPU ${cpuRatioText(m)})`;
      if (values['one-thread'] && threads > 1) {
        const one = await measure(result, 1, round % 2 === 0);
        result.oneThread.push(one);
        line += `   | 1 thread: ${one.gradsheet.toFixed(0)} / ${one.pytorch?.toFixed(0) ?? '–'} = ${ratioText(one)} (CPU ${cpuRatioText(one)})`;
      }
      console.log(line);
    }
  }
  const loadAfter = loadavg();
  console.log('\nmedian ratio GradSheet / PyTorch:');
  for (const r of results) {
    const one = r.oneThread.length ? `   1 thread ${medianRatio(r.oneThread)?.toFixed(2) ?? '–'} (CPU ${medianRatio(r.oneThread, cpuRatio)?.toFixed(2) ?? '–'})` : '';
    console.log(`  ${r.model.label.padEnd(24)} ${medianRatio(r.rounds)?.toFixed(2) ?? '–'} (CPU ${medianRatio(r.rounds, cpuRatio)?.toFixed(2) ?? '–'})${one}`);
  }
  if (!record) return;

  const range = (xs: number[]) => (xs.length === 0 ? '–' : `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`);
  const ratios = (ms: Measure[]) => ms.map(ratioText).join(', ');
  const row = (r: ModelResult, ms: Measure[]) =>
    `| \`${r.model.label}\` | ${r.batchSize} | ${range(ms.map((m) => m.gradsheet))} | ${range(ms.flatMap((m) => (m.pytorch === null ? [] : [m.pytorch])))} | ${ratios(ms)} | **${medianRatio(ms)?.toFixed(2) ?? '–'}** | ${medianRatio(ms, cpuRatio)?.toFixed(2) ?? '–'} |`;
  const args = process.argv.slice(2).join(' ');
  const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(', ');
  const lines = [
    `Recorded by \`npm run bench:mnist${args ? ` -- ${args}` : ''}\` on ${today}: ${machine}; ${backend.detail}; PyTorch ${torchVersion || 'not installed'} (${torchPython() ?? 'no Python with torch'}), CPU.`,
    `Load average (1, 5, 15 min) at the start ${load(loadBefore)}, at the end ${load(loadAfter)}.`,
    '',
    `Each model: ${images.toLocaleString('en-US')} images (its own batch size) after ${WARMUP_STEPS} warm-up batches, no augmentation, its own optimiser and weight averaging, both sides at ${threads} thread(s), ${roundCount} alternating rounds. ` +
      '"CPU time ratio": PyTorch\'s CPU time per image (all threads) over GradSheet\'s; above 1, GradSheet spends less.',
    '',
    '| Model | Batch | GradSheet, images/s | PyTorch, images/s | Ratio per round | Median ratio | CPU time ratio |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...results.map((r) => row(r, r.rounds)),
  ];
  if (results.some((r) => r.oneThread.length > 0)) {
    lines.push('', 'The same at one thread on each side:', '', '| Model | Batch | GradSheet, images/s | PyTorch, images/s | Ratio per round | Median ratio | CPU time ratio |', '| --- | --- | --- | --- | --- | --- | --- |');
    lines.push(...results.map((r) => row(r, r.oneThread)));
  }
  lines.push('', 'The models\' layers (C k×filters/stride p padding, BN, R ReLU, D dropout, MP/AP pool size, GAP, F flatten, L Linear units):', '');
  lines.push(...results.map((r) => `- \`${r.model.label}\`: ${r.model.shape}`));
  replaceSection('mnist-throughput', lines.join('\n'), 'MNIST training throughput');
}

function ratioText(m: Measure): string {
  return m.pytorch === null ? '–' : (m.gradsheet / m.pytorch).toFixed(2);
}

/** PyTorch's CPU time per image over GradSheet's: above 1, GradSheet spends less CPU on an image. */
function cpuRatio(m: Measure): number | null {
  return m.pytorchCpu === null ? null : m.pytorchCpu / m.gradsheetCpu;
}

function cpuRatioText(m: Measure): string {
  return cpuRatio(m)?.toFixed(2) ?? '–';
}

function throughputRatio(m: Measure): number | null {
  return m.pytorch === null ? null : m.gradsheet / m.pytorch;
}

function medianRatio(ms: Measure[], ratioOf: (m: Measure) => number | null = throughputRatio): number | null {
  const ratios = ms.flatMap((m) => {
    const r = ratioOf(m);
    return r === null ? [] : [r];
  });
  if (ratios.length === 0) return null;
  const sorted = [...ratios].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * Images per second of the real training loop (its batches, stepper, threads and
 * weight average), without augmentation, timed from the end of the warm-up batches to
 * the last batch.
 */
async function timeGradSheet(spec: ModelSpec, data: { train: MnistSplit; test: MnistSplit }, steps: number, threadCount: number): Promise<{ imagesPerSecond: number; cpuMsPerImage: number }> {
  const batchSize = spec.training.batchSize;
  const config = resolveTrainConfig(
    { model: spec.id, epochs: 1, limitTrain: (steps + WARMUP_STEPS) * batchSize, limitTest: 100, augment: false, threads: threadCount, backend: 'auto' },
    spec,
  );
  let warm = 0;
  let last = 0;
  let cpuAtWarm = process.cpuUsage();
  let cpu = cpuAtWarm;
  const onBatch = ({ batch }: { batch: number }) => {
    if (batch === WARMUP_STEPS) {
      warm = performance.now();
      cpuAtWarm = process.cpuUsage();
    }
    last = performance.now();
    cpu = process.cpuUsage(cpuAtWarm);
  };
  const { model } = await trainModel(config, spec, data, { onBatch });
  model.dispose();
  const images = steps * batchSize;
  return { imagesPerSecond: images / ((last - warm) / 1000), cpuMsPerImage: (cpu.user + cpu.system) / 1000 / images };
}

// ---------------------------------------------------------------- full run

async function fullRun(spec: ModelSpec): Promise<void> {
  const config = resolveTrainConfig({ model: spec.id, backend: 'auto', threads, ...(values.epochs ? { epochs: Number(values.epochs) } : {}) }, spec);
  const runDir = mkdtempSync(join(tmpdir(), 'gradsheet-bench-'));
  const history: EpochMetrics[] = [];
  await runTraining(config, spec, {
    runDir,
    onEpoch: (m) => {
      history.push(m);
      console.log(`epoch ${m.epoch}: test ${(m.testAcc * 100).toFixed(2)}% (${m.testCorrect}/${m.testCount}), ${m.seconds.toFixed(0)} s, ${m.imagesPerSecond.toFixed(0)} images/s`);
    },
  });
  const lastThree = history.slice(-3);
  const held = lastThree.length === 3 && lastThree.every((m) => m.testAcc >= 0.994);
  console.log(`≥ 99.4% over the last three epochs: ${held ? 'yes' : 'no'}`);
  if (!record) return;
  const rows = history.map((m) => `| ${m.epoch} | ${(m.testAcc * 100).toFixed(2)}% (${m.testCorrect}/${m.testCount}) | ${m.testLoss.toFixed(4)} | ${m.lr.toPrecision(3)} | ${m.seconds.toFixed(0)} s | ${m.imagesPerSecond.toFixed(0)} |`);
  const section = [
    `Recorded by \`npm run bench:mnist -- --full-run\` on ${today}: ${machine}; ${backend.detail}.`,
    '',
    `Model \`${spec.id}\`, ${config.epochs} epochs, ${config.optimizer} lr ${config.lr} (${config.schedule}), batch ${config.batchSize}, seed ${config.seed}, augmentation ${config.augment ? 'on' : 'off'}, ` +
      `weight averaging ${config.emaDecay > 0 ? `(EMA decay ${config.emaDecay})` : 'off'}, ${threads} thread(s).`,
    '',
    '| Epoch | Test accuracy | Test loss | LR at end | Time | Train images/s |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `≥ 99.4% held over the last three epochs: **${held ? 'yes' : 'no'}**.`,
  ].join('\n');
  replaceSection('mnist', section, 'MNIST training');
}

/** Replaces the text between `<!-- bench:NAME:start -->` and its end marker, or appends a new section. */
function replaceSection(name: string, body: string, heading: string): void {
  const file = join(REPO_ROOT, 'BENCHMARKS.md');
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const section = `${start}\n${body}\n${end}`;
  const text = readFileSync(file, 'utf8');
  const next = text.includes(start) ? text.replace(new RegExp(`${start}[\\s\\S]*?${end}`), () => section) : `${text.trimEnd()}\n\n## ${heading}\n\n${section}\n`;
  writeFileSync(file, next);
  console.log(`recorded in BENCHMARKS.md (${name})`);
}
