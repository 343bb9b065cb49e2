/**
 * Benchmark helper (not a test): the work `bench:threads` puts on the other core while
 * it times one replica, or while it measures memory bandwidth. It runs until the main
 * thread raises the shared stop flag, then reports how many rounds it did.
 *
 *   idle      nothing (the baseline)
 *   arith     floating-point arithmetic on registers only: no memory traffic
 *   copy      copying between two buffers of `bytes` each, over and over
 *   replica   the same replica's step on its own model, as the trainer's worker runs it
 */
import { parentPort, workerData } from 'node:worker_threads';
import { assertState, seededRandom, type ModelSpec } from '@gradsheet/shared';
import { selectBackend } from '../engine/backend/select-backend.js';
import { buildModel } from '../engine/build-model.js';
import { CLASSES, computeGradients, PIXELS } from '../engine/replica.js';

export type CoreLoadKind = 'idle' | 'arith' | 'copy' | 'replica';

export interface CoreLoadOptions {
  readonly kind: CoreLoadKind;
  /** Index 0 turns 1 when the load is to stop. */
  readonly stop: Int32Array;
  /** copy: bytes in each of the two buffers. */
  readonly bytes?: number;
  /** replica: the model and the images in its share. */
  readonly spec?: ModelSpec;
  readonly share?: number;
  /** Rounds run for this long before the load reports ready. */
  readonly warmUpMs?: number;
}

export type CoreLoadReport = { readonly type: 'ready' } | { readonly type: 'done'; readonly rounds: number; readonly seconds: number; readonly sink: number };

const port = parentPort;
assertState(port, 'core-load runs as a worker thread');
const options = workerData as CoreLoadOptions;
const stopped = (): boolean => Atomics.load(options.stop, 0) === 1;

/** Prepares the load; the returned round runs once per loop. */
async function prepare(): Promise<() => number | Promise<number>> {
  switch (options.kind) {
    case 'idle':
      return () => new Promise<number>((resolve) => setTimeout(() => resolve(0), 5));
    case 'arith':
      return () => {
        // Four independent chains keep the FP units busy without touching memory.
        let a = 1, b = 2, c = 3, d = 4;
        for (let i = 0; i < 1_000_000; i++) {
          a = a * 0.999999 + 1e-7;
          b = b * 0.999999 + 1e-7;
          c = c * 0.999999 + 1e-7;
          d = d * 0.999999 + 1e-7;
        }
        return a + b + c + d;
      };
    case 'copy': {
      const floats = Math.floor((options.bytes ?? 0) / 8);
      const from = new Float64Array(floats).fill(1);
      const to = new Float64Array(floats);
      return () => {
        to.set(from);
        return to[floats - 1] as number;
      };
    }
    case 'replica': {
      assertState(options.spec && options.share, 'a replica load names its model and share');
      await selectBackend('wasm');
      const model = buildModel(options.spec, seededRandom(1));
      const random = seededRandom(3);
      const inputs = Float32Array.from({ length: options.share * PIXELS }, () => random() * 2 - 1);
      const labels = Int32Array.from({ length: options.share }, (_, i) => i % CLASSES);
      return async () => (await computeGradients(model, inputs, labels)).loss;
    }
  }
}

const round = await prepare();
// A fresh replica spends its first seconds compiling tfjs' code on V8's helper threads;
// the trainer's replicas live for the whole run, so the load starts warm.
const warming = performance.now();
do await round();
while (performance.now() - warming < (options.warmUpMs ?? 0));
port.postMessage({ type: 'ready' } satisfies CoreLoadReport);
// Wait for the start signal (the flag at index 1), so that every load starts together.
while (Atomics.load(options.stop, 1) === 0) Atomics.wait(options.stop, 1, 0, 50);
let rounds = 0;
let sink = 0;
const started = performance.now();
while (!stopped()) {
  sink += await round();
  rounds++;
}
port.postMessage({ type: 'done', rounds, seconds: (performance.now() - started) / 1000, sink } satisfies CoreLoadReport);
