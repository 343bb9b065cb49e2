/**
 * Benchmark (not a test): `npm run bench:mnist [-- --model ID --epochs N --throughput-only]`.
 * 1. Times training steps of the same model side by side, tfjs on this machine's
 *    backend and PyTorch on the CPU (Debian's python3-torch) when present, and
 *    prints the ratio.
 * 2. Trains the model fully with its defaults and records each epoch's test
 *    accuracy and time in BENCHMARKS.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_MODEL_ID, getModel, resolveTrainConfig, seededRandom, type EpochMetrics } from '@gradsheet/shared';
import { selectBackend } from '../engine/backend/select-backend.js';
import { buildModel } from '../engine/build-model.js';
import { runTraining } from '../engine/run-training.js';
import { mnistDataDir } from '../mnist/load-mnist.js';

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
const tfjsImagesPerSecond = timeTfjsSteps(Number(values.steps));
const peer = timePytorch(Number(values.steps));
console.log(`tfjs (${backend.name}): ${tfjsImagesPerSecond.toFixed(0)} images/s`);
if (peer) {
  console.log(`PyTorch ${peer.torch} (CPU, ${peer.threads} thread${peer.threads === 1 ? '' : 's'}): ${peer.imagesPerSecond.toFixed(0)} images/s`);
  console.log(`ratio tfjs / PyTorch: ${(tfjsImagesPerSecond / peer.imagesPerSecond).toFixed(2)}`);
} else {
  console.log('PyTorch: not found (install python3-torch to compare)');
}
if (values['throughput-only']) process.exit(0);

// 2. Full training with the model's defaults.
const config = resolveTrainConfig({ model: spec.id, backend: 'auto', ...(values.epochs ? { epochs: Number(values.epochs) } : {}) }, spec);
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

function timeTfjsSteps(steps: number): number {
  const model = buildModel(spec, seededRandom(1));
  const optimizer = tf.train.momentum(spec.training.lr, 0.9);
  const x = tf.randomNormal([BATCH, 28, 28, 1]);
  const y = tf.oneHot(tf.randomUniform([BATCH], 0, 10, 'int32'), 10);
  const step = () => tf.tidy(() => optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true)!.dataSync());
  for (let i = 0; i < 5; i++) step();
  const started = performance.now();
  for (let i = 0; i < steps; i++) step();
  const seconds = (performance.now() - started) / 1000;
  tf.dispose([x, y]);
  model.dispose();
  return (steps * BATCH) / seconds;
}

function timePytorch(steps: number): { imagesPerSecond: number; threads: number; torch: string } | null {
  const specFile = join(mkdtempSync(join(tmpdir(), 'gradsheet-spec-')), 'spec.json');
  writeFileSync(specFile, JSON.stringify(spec));
  for (const python of ['/usr/bin/python3', 'python3']) {
    try {
      const out = execFileSync(python, [join(repoRoot, 'bench', 'pytorch_peer.py'), '--spec', specFile, '--data', mnistDataDir(), '--batches', String(steps), '--batch-size', String(BATCH)], {
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
  const file = join(repoRoot, 'BENCHMARKS.md');
  const start = '<!-- bench:mnist:start -->';
  const end = '<!-- bench:mnist:end -->';
  const rows = history.map((m) => `| ${m.epoch} | ${(m.testAcc * 100).toFixed(2)}% (${m.testCorrect}/${m.testCount}) | ${m.testLoss.toFixed(4)} | ${m.lr.toPrecision(3)} | ${m.seconds.toFixed(0)} s | ${m.imagesPerSecond.toFixed(0)} |`);
  const section = [
    start,
    `Recorded by \`npm run bench:mnist\` on ${new Date().toISOString().slice(0, 10)}: ${machine}; ${backend.detail}.`,
    '',
    `Model \`${spec.id}\`, ${config.epochs} epochs, ${config.optimizer} lr ${config.lr} (${config.schedule}), batch ${config.batchSize}, seed ${config.seed}, augmentation ${config.augment ? 'on' : 'off'}.`,
    '',
    '| Throughput, same model, training steps of batch 128, one run | images/s |',
    '| --- | --- |',
    `| tfjs, ${backend.name} | ${tfjsImagesPerSecond.toFixed(0)} |`,
    peer ? `| PyTorch ${peer.torch}, CPU, ${peer.threads} thread(s) | ${peer.imagesPerSecond.toFixed(0)} |` : '| PyTorch | not installed |',
    peer ? `| **ratio tfjs / PyTorch** | **${(tfjsImagesPerSecond / peer.imagesPerSecond).toFixed(2)}** |` : '',
    '',
    '| Epoch | Test accuracy | Test loss | LR at end | Time | Train images/s |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `≥ 99.4% held over the last three epochs: **${held ? 'yes' : 'no'}**.`,
    end,
  ].join('\n');
  const text = readFileSync(file, 'utf8');
  const next = text.includes(start) ? text.replace(new RegExp(`${start}[\\s\\S]*?${end}`), section) : `${text.trimEnd()}\n\n## MNIST training\n\n${section}\n`;
  writeFileSync(file, next);
  console.log('recorded in BENCHMARKS.md');
}
