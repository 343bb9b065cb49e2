/**
 * Benchmark (not a test): `npm run bench:mnist [-- --model ID --epochs N --steps N --rounds N --throughput-only]`.
 * 1. Times training steps of the same model side by side, tfjs on this machine's
 *    backend and PyTorch on the CPU (Debian's python3-torch) when present, in
 *    alternating rounds so that a busy spell of the machine hits both; prints each
 *    round's ratio and the median and records them in BENCHMARKS.md
 *    (`--throughput-only` stops there, so the figure can be renewed without a full run).
 * 2. Trains the model fully with its defaults and records each epoch's test
 *    accuracy and time in BENCHMARKS.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MODEL_ID, getModel, resolveTrainConfig, type EpochMetrics } from '@gradsheet/shared';
import { defaultThreads } from '../cli/train-command.js';
import { selectBackend } from '../engine/backend/select-backend.js';
import { runTraining } from '../engine/run-training.js';
import { trainModel } from '../engine/train.js';
import { loadMnistSplit, mnistDataDir } from '../mnist/load-mnist.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: DEFAULT_MODEL_ID },
    epochs: { type: 'string' },
    'throughput-only': { type: 'boolean', default: false },
    steps: { type: 'string', default: '150' },
    rounds: { type: 'string', default: '3' },
  },
});
const spec = getModel(values.model as string);
const BATCH = 128;
/** Batches run before timing starts, on both sides (bench/pytorch_peer.py's --warmup). */
const WARMUP_STEPS = 5;
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

const backend = await selectBackend('auto');
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
console.log(`machine: ${machine}\nbackend: ${backend.detail}\nmodel: ${spec.id}`);

// 1. Side by side: the same model, the same batch size, training steps only (no augmentation).
interface Round {
  readonly tfjs: number;
  readonly peer: number | null;
  readonly peerOneThread: number | null;
}
const threads = defaultThreads();
const steps = Number(values.steps);
const rounds: Round[] = [];
let torchVersion: string | null = null;
for (let round = 1; round <= Number(values.rounds); round++) {
  const tfjs = await timeTfjsSteps(steps);
  const peer = timePytorch(steps, threads);
  const peerOneThread = peer && threads > 1 ? timePytorch(steps, 1) : null;
  torchVersion = peer?.torch ?? null;
  rounds.push({ tfjs, peer: peer?.imagesPerSecond ?? null, peerOneThread: peerOneThread?.imagesPerSecond ?? null });
  const ratio = peer ? `, ratio ${(tfjs / peer.imagesPerSecond).toFixed(2)}` : '';
  const one = peerOneThread ? ` (PyTorch 1 thread ${peerOneThread.imagesPerSecond.toFixed(0)})` : '';
  console.log(`round ${round}: tfjs (${backend.name}, ${threads} thread(s)) ${tfjs.toFixed(0)} images/s, PyTorch ${peer ? `${peer.imagesPerSecond.toFixed(0)} images/s` : 'not found'}${ratio}${one}`);
}
const ratios = rounds.flatMap((r) => (r.peer ? [r.tfjs / r.peer] : []));
const medianRatio = ratios.length > 0 ? median(ratios) : null;
if (medianRatio !== null) console.log(`median ratio tfjs / PyTorch over ${ratios.length} rounds: ${medianRatio.toFixed(2)}`);
else console.log('PyTorch: not found (install python3-torch to compare)');
recordThroughput();
if (values['throughput-only']) process.exit(0);

// 2. Full training with the model's defaults.
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
recordInBenchmarks();

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * Images per second of the real training loop (its batches, stepper and threads),
 * without augmentation, timed from the end of the warm-up batches to the last batch.
 */
async function timeTfjsSteps(steps: number): Promise<number> {
  const [train, test] = await Promise.all([loadMnistSplit('train'), loadMnistSplit('test')]);
  const config = resolveTrainConfig({ model: spec.id, batchSize: BATCH, epochs: 1, limitTrain: (steps + WARMUP_STEPS) * BATCH, limitTest: 100, augment: false, threads, backend: 'auto' }, spec);
  let warm = 0;
  let last = 0;
  const onBatch = ({ batch }: { batch: number }) => {
    if (batch === WARMUP_STEPS) warm = performance.now();
    last = performance.now();
  };
  const { model } = await trainModel(config, spec, { train, test }, { onBatch });
  model.dispose();
  return (steps * BATCH) / ((last - warm) / 1000);
}

function timePytorch(steps: number, threadCount: number): { imagesPerSecond: number; threads: number; torch: string } | null {
  const specFile = join(mkdtempSync(join(tmpdir(), 'gradsheet-spec-')), 'spec.json');
  writeFileSync(specFile, JSON.stringify(spec));
  for (const python of ['/usr/bin/python3', 'python3']) {
    try {
      const out = execFileSync(python, [join(repoRoot, 'bench', 'pytorch_peer.py'), '--spec', specFile, '--data', mnistDataDir(), '--batches', String(steps), '--batch-size', String(BATCH), '--threads', String(threadCount), '--warmup', String(WARMUP_STEPS)], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      return JSON.parse(out) as { imagesPerSecond: number; threads: number; torch: string };
    } catch {
      // Try the next interpreter; Debian's python3-torch lives with the system Python.
    }
  }
  return null;
}

function recordInBenchmarks(): void {
  const rows = history.map((m) => `| ${m.epoch} | ${(m.testAcc * 100).toFixed(2)}% (${m.testCorrect}/${m.testCount}) | ${m.testLoss.toFixed(4)} | ${m.lr.toPrecision(3)} | ${m.seconds.toFixed(0)} s | ${m.imagesPerSecond.toFixed(0)} |`);
  const section = [
    `Recorded by \`npm run bench:mnist\` on ${new Date().toISOString().slice(0, 10)}: ${machine}; ${backend.detail}.`,
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

/** The side-by-side throughput, in a section of its own so `--throughput-only` can renew it on a quiet machine. */
function recordThroughput(): void {
  const figure = (value: number | null) => (value === null ? 'not installed' : value.toFixed(0));
  const section = [
    `Recorded by \`npm run bench:mnist -- --steps ${steps} --rounds ${rounds.length}${values['throughput-only'] ? ' --throughput-only' : ''}\` on ${new Date().toISOString().slice(0, 10)}: ${machine}; ${backend.detail}.`,
    '',
    `Throughput of \`${spec.id}\` in images/s: ${steps} training steps of batch ${BATCH} after ${WARMUP_STEPS} warm-up steps, the two side by side in alternating rounds.`,
    '',
    `| Round | tfjs, ${backend.name}, ${threads} thread(s) | PyTorch ${torchVersion ?? ''}, CPU, ${threads} thread(s) | Ratio | PyTorch, 1 thread |`,
    '| --- | --- | --- | --- | --- |',
    ...rounds.map((r, i) => `| ${i + 1} | ${figure(r.tfjs)} | ${figure(r.peer)} | ${r.peer ? (r.tfjs / r.peer).toFixed(2) : '–'} | ${figure(r.peerOneThread)} |`),
    '',
    medianRatio !== null ? `**Median ratio tfjs / PyTorch, same thread count: ${medianRatio.toFixed(2)}.**` : 'PyTorch is not installed here: no ratio.',
  ].join('\n');
  replaceSection('mnist-throughput', section, 'MNIST training throughput');
}

/** Replaces the text between `<!-- bench:NAME:start -->` and its end marker, or appends a new section. */
function replaceSection(name: string, body: string, heading: string): void {
  const file = join(repoRoot, 'BENCHMARKS.md');
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const section = `${start}\n${body}\n${end}`;
  const text = readFileSync(file, 'utf8');
  const next = text.includes(start) ? text.replace(new RegExp(`${start}[\\s\\S]*?${end}`), () => section) : `${text.trimEnd()}\n\n## ${heading}\n\n${section}\n`;
  writeFileSync(file, next);
  console.log(`recorded in BENCHMARKS.md (${name})`);
}
