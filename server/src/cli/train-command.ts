import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import {
  BACKENDS,
  DEFAULT_MODEL_ID,
  OPTIMIZERS,
  REQUEST_LIMITS,
  SCHEDULES,
  numberHint,
  parseTrainingRequest,
  type BackendChoice,
  type EpochMetrics,
  type OptimizerName,
  type ScheduleName,
  type TrainingField,
  type TrainingRequest,
  type TrainingRun,
  type ModelSpec,
} from '@gradsheet/shared';
import { loadModelFile } from '../designer/load-model-file.js';
import { parseNumber } from './parse.js';

interface TrainFlags {
  model?: string;
  modelFile?: string;
  epochs?: string;
  batchSize?: string;
  optimizer?: string;
  lr?: string;
  schedule?: string;
  seed?: string;
  limitTrain?: string;
  limitTest?: string;
  backend?: string;
  runDir?: string;
  json?: boolean;
  augment: boolean;
  threads?: string;
  emaDecay?: string;
}

/** Replicas by default: one per core, up to four (beyond that the shares of a batch get small). */
export function defaultThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/** Each field of a training request as the command line names it: batchSize → --batch-size. */
export function flagOf(field: TrainingField): string {
  if (field === 'modelSpec') return '--model-file';
  return `--${field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

/** Flags → values → the one training-request parser, which names each flag in its messages. */
export function trainingRunFromFlags(flags: TrainFlags, design?: ModelSpec): TrainingRun {
  const number = (field: TrainingField, text: string | undefined) => (text === undefined ? {} : { [field]: parseNumber(flagOf(field), text) });
  const request: TrainingRequest = {
    ...(flags.model !== undefined ? { model: flags.model } : {}),
    ...(design !== undefined ? { modelSpec: design } : {}),
    ...number('epochs', flags.epochs),
    ...number('batchSize', flags.batchSize),
    // The parser checks the words against the allowed ones.
    ...(flags.optimizer !== undefined ? { optimizer: flags.optimizer as OptimizerName } : {}),
    ...number('lr', flags.lr),
    ...(flags.schedule !== undefined ? { schedule: flags.schedule as ScheduleName } : {}),
    ...number('seed', flags.seed),
    ...number('limitTrain', flags.limitTrain),
    ...number('limitTest', flags.limitTest),
    ...(flags.backend !== undefined ? { backend: flags.backend as BackendChoice } : {}),
    ...number('emaDecay', flags.emaDecay),
    ...(flags.threads === undefined ? { threads: defaultThreads() } : number('threads', flags.threads)),
    augment: flags.augment,
  };
  return parseTrainingRequest(request, flagOf);
}

/** The course's test line: `Test set: Average loss: 0.0172, Accuracy: 9947/10000 (99.47%)`. */
export function testSetLine(m: EpochMetrics): string {
  return `Test set: Average loss: ${m.testLoss.toFixed(4)}, Accuracy: ${m.testCorrect}/${m.testCount} (${(m.testAcc * 100).toFixed(2)}%)`;
}

/** The line `--json` prints per epoch: the contract's fields first. */
export function epochJson(m: EpochMetrics): string {
  return JSON.stringify({
    epoch: m.epoch,
    trainLoss: m.trainLoss,
    trainAcc: m.trainAcc,
    testLoss: m.testLoss,
    testAcc: m.testAcc,
    lr: m.lr,
    seconds: m.seconds,
    imagesPerSecond: m.imagesPerSecond,
  });
}

function defaultRunDir(model: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return resolve('runs', `${model}-${stamp}`);
}

export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description('train an MNIST model offline on tfjs, epoch by epoch')
    .option('--model <id>', `model id (see "gradsheet models"; default: ${DEFAULT_MODEL_ID})`)
    .option('--model-file <file>', 'train your own design: a model spec (.json) or a designer workbook (.xlsx, see "gradsheet design")')
    .option('--epochs <n>', `epochs, ${numberHint(REQUEST_LIMITS.training.epochs)} (default: the model's)`)
    .option('--batch-size <n>', "images per batch (default: the model's)")
    .option('--optimizer <name>', `${OPTIMIZERS.join(' | ')} (default: the model's)`)
    .option('--lr <x>', "learning rate; the peak rate for onecycle (default: the model's)")
    .option('--schedule <name>', `${SCHEDULES.join(' | ')} (default: the model's)`)
    .option('--seed <n>', 'seed for weights, shuffling, augmentation and dropout', '1')
    .option('--limit-train <n>', `train on the first N of the ${REQUEST_LIMITS.training.limitTrain.max.toLocaleString('en-US')} training images`)
    .option('--limit-test <n>', `test on the first N of the ${REQUEST_LIMITS.training.limitTest.max.toLocaleString('en-US')} test images`)
    .option('--backend <name>', BACKENDS.join(' | '), 'auto')
    .option('--run-dir <dir>', 'the run folder: run.json, model.json, metrics.jsonl and weights (default: runs/<model>-<time>)')
    .option('--threads <n>', `replicas training in parallel on their own threads (default: one per core, up to 4; at most ${REQUEST_LIMITS.training.threads.max})`)
    .option('--ema-decay <x>', "evaluate and keep a moving average of the weights with this decay, 0 for the weights as trained (default: the model's)")
    .option('--no-augment', 'train without random rotation and affine augmentation')
    .option('--json', 'print one JSON object per epoch on stdout and nothing else')
    .action(async (flags: TrainFlags) => {
      const design = flags.modelFile === undefined ? undefined : await loadModelFile(flags.modelFile);
      const { config, spec } = trainingRunFromFlags(flags, design);
      const runDir = resolve(flags.runDir ?? defaultRunDir(spec.id));
      const log = (line: string) => (flags.json ? process.stderr : process.stdout).write(`${line}\n`);
      const bar = epochBar();
      // tfjs loads only when training: the other commands start fast without it.
      const { runTraining } = await import('../runs/run-training.js');
      await runTraining(config, spec, {
        runDir,
        onBackend: (backend) => process.stderr.write(`Training ${spec.id} on ${backend.name} (${backend.detail}); run folder ${runDir}\n`),
        onBatch: (p) => bar.update(p.epoch, p.batch, p.batches, p.loss, p.batchesPerSecond),
        onEpoch: (m) => {
          bar.finish();
          if (flags.json) process.stdout.write(`${epochJson(m)}\n`);
          else log(`${testSetLine(m)}  [lr ${m.lr.toPrecision(3)}, ${m.seconds.toFixed(1)} s, ${m.imagesPerSecond.toFixed(0)} images/s]\n`);
        },
      });
    });
}

/** The course's per-epoch bar: `Epoch 3 loss=0.0579 batch_id=469: 100%|████| 469/469 [00:17<00:00, 26.84it/s]`, on stderr. */
function epochBar(stream: NodeJS.WriteStream = process.stderr) {
  let bar: cliProgress.SingleBar | null = null;
  let last = { epoch: 0, batch: 0, batches: 0, loss: 0, speed: 0 };
  return {
    update(epoch: number, batch: number, batches: number, loss: number, speed: number) {
      last = { epoch, batch, batches, loss, speed };
      if (!stream.isTTY) return;
      if (!bar) {
        bar = new cliProgress.SingleBar(
          {
            format: 'Epoch {epoch} loss={loss} batch_id={value}: {percentage}%|{bar}| {value}/{total} [{duration_formatted}<{eta_formatted}, {speed}it/s]',
            stream,
            barsize: 10,
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(batches, 0, { epoch, loss: loss.toFixed(4), speed: speed.toFixed(2) });
      }
      bar.update(batch, { epoch, loss: loss.toFixed(4), speed: speed.toFixed(2) });
    },
    finish() {
      if (bar) {
        bar.stop();
        bar = null;
      } else if (last.batches > 0) {
        // Not a terminal: one summary line per epoch instead of a live bar.
        stream.write(`Epoch ${last.epoch} loss=${last.loss.toFixed(4)} batch_id=${last.batch}: 100% ${last.batch}/${last.batches} [${last.speed.toFixed(2)}it/s]\n`);
      }
    },
  };
}
