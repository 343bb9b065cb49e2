/**
 * Benchmark (not a test): `npm run bench:conv [-- options]`.
 * Every 3×3 convolution at stride 1 of the benchmarked models (the zoo, bench/designs
 * and the random designs of bench:mnist), at each model's own batch size: the forward
 * pass, the input gradient and the filter gradient, each timed the direct way and
 * through Winograd's F(2×2, 3×3) in alternating runs on one thread, with the gain
 * winogradFits weighs and the path it picks. The picked path should be the faster one.
 *
 *   --models IDS | --designs NAMES | --design-seeds N,N   as bench:mnist (default: all)
 *   --runs N                                             timed runs of each pass and path (default 7)
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { backend_util } from '@tensorflow/tfjs';
import type { NamedAttrMap } from '@tensorflow/tfjs';
import { inferShapes } from '@gradsheet/shared';
import { selectBackend } from '../engine/backend/select-backend.js';
import { useWinograd, winogradFits, winogradGain } from '../engine/kernels/winograd.js';
import type { ConvPass } from '../engine/kernels/winograd.js';
import { benchModels } from './bench-models.js';

const { values } = parseArgs({
  options: {
    models: { type: 'string' },
    designs: { type: 'string' },
    'design-seeds': { type: 'string' },
    runs: { type: 'string', default: '7' },
  },
});
const runs = Number(values.runs);
const models = await benchModels({ models: values.models, designs: values.designs, designSeeds: values['design-seeds'], modelFiles: [] });
await selectBackend('wasm');

interface Layer {
  readonly batch: number;
  readonly height: number;
  readonly width: number;
  readonly into: number;
  readonly out: number;
  readonly padding: number;
  readonly models: string[];
}

// The same layer in several models is timed once.
const layers = new Map<string, Layer>();
for (const { label, spec } of models) {
  for (const { layer, inputShape } of inferShapes(spec)) {
    if (layer.type !== 'conv2d' || layer.kernel !== 3 || (layer.stride ?? 1) !== 1 || inputShape.length !== 3) continue;
    const [into, height, width] = inputShape;
    const entry = { batch: spec.training.batchSize, height, width, into, out: layer.filters, padding: layer.padding ?? 0 };
    const key = JSON.stringify(entry);
    const known = layers.get(key);
    if (known) known.models.push(label);
    else layers.set(key, { ...entry, models: [label] });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function timePass(pass: ConvPass, layer: Layer, tensors: { x: tf.Tensor4D; filter: tf.Tensor4D; dy: tf.Tensor4D }): number {
  const attrs = { strides: [1, 1], pad: layer.padding, dataFormat: 'NHWC', dimRoundingMode: undefined } as unknown as NamedAttrMap;
  const run = (): tf.Tensor => {
    if (pass === 'forward') return tf.conv2d(tensors.x, tensors.filter, 1, layer.padding);
    if (pass === 'input') return tf.engine().runKernel('Conv2DBackpropInput', { dy: tensors.dy, filter: tensors.filter }, { ...attrs, inputShape: tensors.x.shape }) as tf.Tensor;
    return tf.engine().runKernel('Conv2DBackpropFilter', { x: tensors.x, dy: tensors.dy }, { ...attrs, filterShape: tensors.filter.shape }) as tf.Tensor;
  };
  run().dispose();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const result = run();
    result.dataSync(); // the wasm kernels are synchronous; this only waits for nothing and keeps both paths alike
    ms.push(performance.now() - started);
    result.dispose();
  }
  return median(ms);
}

console.log(`Conv 3×3 at stride 1, one thread, median of ${runs} runs per pass and path (ms); "picked" is the path winogradFits chooses.`);
console.log('| Layer (batch, H×W, in → out, pad) | Models | Pass | Gain | Direct | Winograd | Picked | Picked is faster |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const layer of layers.values()) {
  const x = tf.randomNormal([layer.batch, layer.height, layer.width, layer.into]) as tf.Tensor4D;
  const filter = tf.randomNormal([3, 3, layer.into, layer.out]) as tf.Tensor4D;
  const info = backend_util.computeConv2DInfo(x.shape, filter.shape, 1, 1, layer.padding);
  const dy = tf.randomNormal(info.outShape) as tf.Tensor4D;
  for (const pass of ['forward', 'input', 'filter'] as const) {
    useWinograd('auto');
    const picked = winogradFits(info, pass) ? 'Winograd' : 'direct';
    const times = { direct: [] as number[], winograd: [] as number[] };
    for (let round = 0; round < 2; round++) {
      for (const path of round % 2 === 0 ? (['direct', 'winograd'] as const) : (['winograd', 'direct'] as const)) {
        useWinograd(path === 'direct' ? 'never' : 'always');
        times[path].push(timePass(pass, layer, { x, filter, dy }));
      }
    }
    useWinograd('auto');
    const direct = Math.min(...times.direct);
    const winograd = Math.min(...times.winograd);
    const faster = picked === 'Winograd' ? winograd <= direct * 1.05 : direct <= winograd * 1.05;
    const label = `${layer.batch}, ${layer.height}×${layer.width}, ${layer.into} → ${layer.out}, ${layer.padding}`;
    console.log(`| ${label} | ${layer.models.join(', ')} | ${pass} | ${winogradGain(info, pass).toFixed(1)} | ${direct.toFixed(2)} | ${winograd.toFixed(2)} | ${picked} | ${faster ? 'yes' : 'no'} |`);
  }
  tf.dispose([x, filter, dy]);
}

