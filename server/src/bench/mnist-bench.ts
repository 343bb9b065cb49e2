/**
 * Benchmark (not a test): `npm run bench:mnist [-- --model ID --epochs N --throughput-only]`.
 * 1. Times training steps of the same model side by side, tfjs on this machine's
 *    backend and PyTorch on the CPU (Debian's python3-torch) when present, prints
 *    the ratio and records it in BENCHMARKS.md (`--throughput-only` stops there, so
 *    the figure can be renewed on a quiet machine without a full run).
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
    steps: { type: 'string', default: '40' },
  },
});
const spec = getModel(values.model as string);
const BATCH = 128;
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

const backend = await selectBackend('auto');
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
console.log(`machine: ${machine}\nbackend: ${backend.detail}\nmodel: ${spec.id}`);

// 1. Side by side: the same model, the same batch size, training steps only (no augmentation).
const threads = defaultThreads();
const tfjsImagesPerSecond = await timeTfjsSteps(Number(values.steps));
const peer = timePytorch(Number(values.steps), threads);
const peerOneThread = threads > 1 ? timePytorch(Number(values.steps), 1) : null;
console.log(`tfjs (${backend.name}, ${threads} thread${threads === 1 ? '' : 's'}): ${tfjsImagesPerSecond.toFixed(0)} images/s`);
if (peer) {
  console.log(`PyTorch ${peer.torch} (CPU, ${peer.threads} thread${peer.threads === 1 ? '' : 's'}): ${peer.imagesPerSecond.toFixed(0)} images/s`);
  console.log(`ratio tfjs / PyTorch: ${(tfjsImagesPerSecond / peer.imagesPerSecond).toFixed(2)}`);
  if (peerOneThread) console.log(`(PyTorch with 1 thread: ${peerOneThread.imagesPerSecond.toFixed(0)} images/s)`);
} else {
  console.log('PyTorch: not found (install python3-torch to compare)');
}
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

/** Images per second of the real training loop (its batches, stepper and threads), without augmentation. */
async function timeTfjsSteps(steps: number): Promise<number> {
  const [train, test] = await Promise.all([loadMnistSplit('train'), loadMnistSplit('test')]);
  const config = resolveTrainConfig({ model: spec.id, batchSize: BATCH, epochs: 1, limitTrain: (steps + 5) * BATCH, limitTest: 100, augment: false, threads, backend: 'auto' }, spec);
  const { model, history } = await trainModel(config, spec, { train, test });
  model.dispose();
  return history[0]?.imagesPerSecond ?? 0;
}

function timePytorch(steps: number, threadCount: number): { imagesPerSecond: number; threads: number; torch: string } | null {
  const specFile = join(mkdtempSync(join(tmpdir(), 'gradsheet-spec-')), 'spec.json');
  writeFileSync(specFile, JSON.stringify(spec));
  for (const python of ['/usr/bin/python3', 'python3']) {
    try {
      const out = execFileSync(python, [join(repoRoot, 'bench', 'pytorch_peer.py'), '--spec', specFile, '--data', mnistDataDir(), '--batches', String(steps), '--batch-size', String(BATCH), '--threads', String(threadCount)], {
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
  const section = [
    `Recorded by \`npm run bench:mnist -- --steps ${values.steps}${values['throughput-only'] ? ' --throughput-only' : ''}\` on ${new Date().toISOString().slice(0, 10)}: ${machine}; ${backend.detail}.`,
    '',
    `| Throughput of \`${spec.id}\`, training steps of batch ${BATCH}, side by side in one run | images/s |`,
    '| --- | --- |',
    `| tfjs, ${backend.name}, ${threads} thread(s) | ${tfjsImagesPerSecond.toFixed(0)} |`,
    peer ? `| PyTorch ${peer.torch}, CPU, ${peer.threads} thread(s) | ${peer.imagesPerSecond.toFixed(0)} |` : '| PyTorch | not installed |',
    peer ? `| **ratio tfjs / PyTorch, same thread count** | **${(tfjsImagesPerSecond / peer.imagesPerSecond).toFixed(2)}** |` : '',
    peerOneThread ? `| PyTorch ${peerOneThread.torch}, CPU, 1 thread | ${peerOneThread.imagesPerSecond.toFixed(0)} |` : '',
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
