/**
 * Benchmark (not a test): `npm run bench:threads [-- options]`.
 * Why two threads do not train twice as fast as one. On this machine's own cores it
 * measures:
 *   - memory bandwidth: copying buffers far larger than the L3 cache, and buffers that
 *     fit in it, on one thread and on two at once;
 *   - the memory one replica's step moves: every kernel's inputs and outputs, and the
 *     most of the heap its tensors take at once;
 *   - one replica's step time (half the model's batch, as the trainer gives each of two
 *     replicas) while the other core is idle, does arithmetic only, copies through
 *     memory, copies within the L3 cache or through as much as all of it, or runs the
 *     other replica;
 *   - what tfjs' allocator does each step (calls, time, and whether its heap grows):
 *     whether reusing memory across steps is a lever at all;
 *   - how many cores one replica keeps busy alone (V8 compiles and collects garbage on
 *     helper threads, which take the other core while it is idle).
 *
 *   --model ID    the model (default the default model)
 *   --steps N     replica steps timed per load and round (default 10)
 *   --rounds N    rounds over every load, alternating (default 3)
 *   --seconds S   seconds per bandwidth figure (default 2)
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { DEFAULT_MODEL_ID, invalidInput, seededRandom, type ModelSpec } from '@gradsheet/shared';
import { selectBackend } from '../engine/backend/select-backend.js';
import { buildModel } from '../engine/build-model.js';
import { CLASSES, computeGradients, PIXELS } from '../engine/replica.js';
import { benchModels, layerLine } from './bench-models.js';
import type { CoreLoadKind, CoreLoadOptions, CoreLoadReport } from './core-load.js';

const MIB = 1024 * 1024;
/** Far beyond the 32 MiB L3 of the machine GradSheet is benchmarked on. */
const MEMORY_BYTES = 128 * MIB;
/** Two such buffers per thread stay within that L3, also with two threads. */
const CACHE_BYTES = 4 * MIB;
/**
 * A fresh replica spends its first seconds compiling tfjs' code on V8's helper threads;
 * the trainer's replicas live for the whole run, so both replicas here start warm.
 */
const WARM_UP_MS = 3000;
const L3_BYTES = 32 * MIB;

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: DEFAULT_MODEL_ID },
    steps: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '2' },
  },
});
const steps = Number(values.steps);
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
if (![steps, rounds, seconds].every((n) => Number.isFinite(n) && n > 0)) throw invalidInput('--steps, --rounds and --seconds are positive numbers');
const [picked] = await benchModels({ models: values.model, designs: 'none', designSeeds: 'none', modelFiles: [] });
if (!picked) throw invalidInput(`no model ${values.model}`);
const spec = picked.spec;
const share = Math.ceil(spec.training.batchSize / 2);

/** A load on other threads, started together and stopped on demand. */
class CoreLoads {
  private readonly flags = new Int32Array(new SharedArrayBuffer(8));
  private readonly workers: Worker[];
  private readonly reports: Promise<CoreLoadReport & { type: 'done' }>[];
  private readonly ready: Promise<void>[];

  constructor(kind: CoreLoadKind, threads: number, extra: { bytes?: number; spec?: ModelSpec; share?: number; warmUpMs?: number } = {}) {
    const options: CoreLoadOptions = { kind, stop: this.flags, ...extra };
    this.workers = Array.from({ length: threads }, () => new Worker(new URL('./core-load.js', import.meta.url), { workerData: options }));
    this.ready = this.workers.map((worker) => new Promise((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    }));
    this.reports = this.workers.map((worker, i) => this.ready[i]!.then(() => new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    })));
  }

  async start(): Promise<void> {
    await Promise.all(this.ready);
    Atomics.store(this.flags, 1, 1);
    Atomics.notify(this.flags, 1);
  }

  async stop(): Promise<(CoreLoadReport & { type: 'done' })[]> {
    Atomics.store(this.flags, 0, 1);
    const reports = await Promise.all(this.reports);
    await Promise.all(this.workers.map((worker) => worker.terminate()));
    return reports;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** GB/s copied by `threads` threads at once, counting each byte read and each written. */
async function copyBandwidth(threads: number, bytes: number): Promise<number> {
  const loads = new CoreLoads('copy', threads, { bytes });
  await loads.start();
  await sleep(seconds * 1000);
  const reports = await loads.stop();
  return reports.reduce((sum, r) => sum + (2 * bytes * r.rounds) / r.seconds, 0) / 1e9;
}

/** Rounds a second of register-only arithmetic, each thread's, with `threads` threads at once. */
async function arithmeticRate(threads: number): Promise<number> {
  const loads = new CoreLoads('arith', threads);
  await loads.start();
  await sleep(seconds * 1000);
  const reports = await loads.stop();
  return reports.reduce((sum, r) => sum + r.rounds / r.seconds, 0) / threads;
}

console.log(`${picked.label}: ${layerLine(spec)}`);
const alone = await arithmeticRate(1);
const together = await arithmeticRate(2);
console.log(`\nArithmetic on registers only (no memory traffic), ${seconds} s each: two threads at once each run at ${(together / alone).toFixed(2)} of one thread's speed alone`);
console.log(`\nMemory bandwidth (copy; bytes read + written, ${seconds} s each):`);
for (const [label, bytes] of [['2 × 128 MiB buffers (memory)', MEMORY_BYTES], ['2 × 4 MiB buffers (L3 cache)', CACHE_BYTES]] as const) {
  const one = await copyBandwidth(1, bytes);
  const two = await copyBandwidth(2, bytes);
  console.log(`  ${label}: one thread ${one.toFixed(1)} GB/s; two threads ${two.toFixed(1)} GB/s together (${(two / one).toFixed(2)}× one)`);
}

await selectBackend('wasm');
const model = buildModel(spec, seededRandom(1));
const random = seededRandom(2);
const inputs = Float32Array.from({ length: share * PIXELS }, () => random() * 2 - 1);
const labels = Int32Array.from({ length: share }, (_, i) => i % CLASSES);
const replicaStep = () => computeGradients(model, inputs, labels);
const warming = performance.now();
do await replicaStep();
while (performance.now() - warming < WARM_UP_MS);

// What one step moves: every kernel reads its inputs and writes its outputs once, but for
// Identity and Reshape, which share their input's memory in GradSheet's kernel set.
const profile = await tf.profile(async () => {
  await replicaStep();
});
const kernels = profile.kernels.filter((k) => !k.name.includes('__op') && !k.name.includes('scope'));
const moving = kernels.filter((k) => k.name !== 'Identity' && k.name !== 'Reshape');
// An absent optional input (a convolution without bias) has no shape.
const bytesOf = (shapes: (number[] | null)[]) => shapes.reduce((sum, shape) => sum + (shape ? 4 * shape.reduce((a, b) => a * b, 1) : 0), 0);
const readMb = moving.reduce((sum, k) => sum + bytesOf(k.inputShapes), 0) / 1e6;
const writtenMb = moving.reduce((sum, k) => sum + bytesOf(k.outputShapes), 0) / 1e6;

// tfjs' allocator during a step: every tensor is a malloc on the wasm heap, freed on dispose.
/** The Emscripten module under tfjs' wasm backend: its heap and allocator. */
interface WasmHeap {
  _malloc(bytes: number): number;
  _free(address: number): void;
  readonly HEAPU8: Uint8Array;
}
const heap = (tf.backend() as BackendWasm).wasm as unknown as WasmHeap;
const allocator = { calls: 0, ms: 0, live: 0, peak: 0 };
const sizes = new Map<number, number>();
const malloc = heap._malloc.bind(heap);
const free = heap._free.bind(heap);
heap._malloc = (bytes: number) => {
  const started = performance.now();
  const address = malloc(bytes);
  allocator.ms += performance.now() - started;
  allocator.calls++;
  sizes.set(address, bytes);
  allocator.live += bytes;
  allocator.peak = Math.max(allocator.peak, allocator.live);
  return address;
};
heap._free = (address: number) => {
  const started = performance.now();
  free(address);
  allocator.ms += performance.now() - started;
  allocator.calls++;
  // Memory allocated before the wrapping (the weights) is not counted.
  allocator.live -= sizes.get(address) ?? 0;
  sizes.delete(address);
};
const heapBefore = heap.HEAPU8.buffer.byteLength;
let started = performance.now();
for (let i = 0; i < steps; i++) await replicaStep();
const allocatedStepMs = (performance.now() - started) / steps;
const heapAfter = heap.HEAPU8.buffer.byteLength;
heap._malloc = malloc;
heap._free = free;

console.log(`\nOne replica's step (${share} images, ${kernels.length} kernel runs):`);
console.log(`  kernels read ${readMb.toFixed(0)} MB and write ${writtenMb.toFixed(0)} MB; the step's tensors take at most ${(allocator.peak / 1e6).toFixed(0)} MB of the heap at once`);
console.log(`  tfjs' allocator: ${(allocator.calls / steps).toFixed(0)} malloc/free calls a step, ${(allocator.ms / steps).toFixed(3)} ms of ${allocatedStepMs.toFixed(1)} ms (${((100 * allocator.ms) / steps / allocatedStepMs).toFixed(2)}%); heap ${(heapBefore / MIB).toFixed(0)} MiB before ${steps} steps, ${(heapAfter / MIB).toFixed(0)} MiB after`);

// Alone, a replica is not quite one core's work: V8 compiles (tfjs' code goes on being
// optimised) and collects garbage on helper threads that take the idle core. CPU time
// over wall time says how much; the garbage collector's pauses on this thread are apart.
let collectedMs = 0;
const collections = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) collectedMs += entry.duration;
});
// Steps first, so that code the allocator's wrapping deoptimised is compiled again.
for (let i = 0; i < steps; i++) await replicaStep();
collections.observe({ entryTypes: ['gc'] });
const cpuBefore = process.cpuUsage();
started = performance.now();
for (let i = 0; i < steps; i++) await replicaStep();
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
// The observer hears of collections a turn of the event loop later.
await sleep(10);
collections.disconnect();
console.log(`  alone, the step keeps ${((cpu.user + cpu.system) / 1000 / wallMs).toFixed(2)} cores busy (CPU time over wall time); garbage collection pauses it ${(collectedMs / steps).toFixed(2)} ms a step`);

const loads: { label: string; kind: CoreLoadKind; extra?: { bytes?: number; spec?: ModelSpec; share?: number; warmUpMs?: number } }[] = [
  { label: 'other core idle', kind: 'idle' },
  { label: 'arithmetic only', kind: 'arith' },
  { label: 'copying through memory', kind: 'copy', extra: { bytes: MEMORY_BYTES } },
  { label: 'copying within L3', kind: 'copy', extra: { bytes: CACHE_BYTES } },
  { label: 'copying as much as L3', kind: 'copy', extra: { bytes: L3_BYTES / 2 } },
  { label: 'the other replica', kind: 'replica', extra: { spec, share, warmUpMs: WARM_UP_MS } },
];
const times = new Map<string, number[]>(loads.map((l) => [l.label, []]));
const others = new Map<string, number[]>(loads.map((l) => [l.label, []]));
for (let round = 0; round < rounds; round++) {
  for (const load of loads) {
    const other = new CoreLoads(load.kind, 1, load.extra);
    await other.start();
    await replicaStep();
    started = performance.now();
    for (let i = 0; i < steps; i++) await replicaStep();
    times.get(load.label)!.push((performance.now() - started) / steps);
    const [report] = await other.stop();
    const rate = load.kind === 'copy' ? (2 * load.extra!.bytes! * report!.rounds) / report!.seconds / 1e9 : load.kind === 'replica' ? (1000 * report!.seconds) / report!.rounds : 0;
    others.get(load.label)!.push(rate);
  }
}
const idleMs = median(times.get(loads[0]!.label)!);
console.log(`\nOne replica's step while the other core works (median of ${rounds} rounds, ${steps} steps each):`);
for (const load of loads) {
  const ms = median(times.get(load.label)!);
  const other = median(others.get(load.label)!);
  const note = load.kind === 'copy' ? `; the copy ran at ${other.toFixed(1)} GB/s` : load.kind === 'replica' ? `; the other replica took ${other.toFixed(1)} ms a step` : '';
  console.log(`  ${load.label.padEnd(26)} ${ms.toFixed(1).padStart(6)} ms  (${(ms / idleMs).toFixed(2)}×)${note}`);
}
console.log(`  at the idle step time, the kernels' reads and writes come to ${((readMb + writtenMb) / idleMs).toFixed(1)} GB/s`);
