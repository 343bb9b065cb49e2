import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random.js';
import { parseModelSpec } from './parse-spec.js';
import { randomDesign, randomDesignJson } from './random-designs.js';
import { inferShapes } from './shapes.js';
import type { LayerSpec } from './spec.js';

const DESIGNS = 200;

function designs(seed: number) {
  const random = seededRandom(seed);
  return Array.from({ length: DESIGNS }, () => randomDesign(random));
}

describe('randomDesign', () => {
  it('gives the same designs for the same seed, and other designs for another', () => {
    expect(designs(7)).toEqual(designs(7));
    expect(designs(8)).not.toEqual(designs(7));
  });

  it('gives specs that parse again unchanged, within the design bounds', () => {
    for (const spec of designs(1)) expect(parseModelSpec(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
  });

  it('writes some designs in the names learners see', () => {
    const random = seededRandom(1);
    const types = new Set(Array.from({ length: 50 }, () => randomDesignJson(random).layers.map((l) => String(l.type))).flat());
    for (const name of ['Conv2d', 'Linear', 'BatchNorm1d', 'conv2d', 'dense']) expect(types).toContain(name);
  });

  it('covers every layer type and the shapes the engine must handle', () => {
    const seen = new Set<string>();
    for (const spec of designs(1)) {
      const shapes = inferShapes(spec);
      shapes.forEach((shape, i) => {
        const layer = shape.layer;
        const previous: LayerSpec | undefined = spec.layers[i - 1];
        seen.add(layer.type);
        if (layer.type === 'conv2d') {
          seen.add(`kernel ${layer.kernel}`);
          seen.add(`conv stride ${layer.stride ?? 1}`);
          if ((layer.padding ?? 0) > 0 && (layer.padding ?? 0) * 2 === layer.kernel - 1) seen.add('same padding');
          if ((layer.padding ?? 0) > 0 && (layer.padding ?? 0) * 2 !== layer.kernel - 1) seen.add('other padding');
          if (shape.inputShape[0] === 1) seen.add('conv from 1 channel');
          if (previous?.type === 'gap') seen.add('conv after gap');
        }
        if ((layer.type === 'maxpool' || layer.type === 'avgpool') && layer.stride !== undefined && layer.stride !== layer.size) seen.add('pool stride ≠ size');
        if (layer.type === 'batchnorm') seen.add(shape.inputShape.length === 1 ? 'batchnorm on vectors' : 'batchnorm on maps');
        if (layer.type === 'batchnorm' && spec.layers[i + 1]?.type === 'relu') seen.add('batchnorm then relu');
        if (layer.type === 'relu' && spec.layers[i + 1]?.type === 'batchnorm') seen.add('relu then batchnorm');
        if (layer.type === 'relu' && previous?.type !== 'batchnorm' && spec.layers[i + 1]?.type !== 'batchnorm') seen.add('relu alone');
        if (layer.type === 'dense' && previous?.type === 'gap') seen.add('dense straight after gap');
        if (layer.type === 'dense' && previous?.type === 'dense') seen.add('dense after dense');
        if (layer.type === 'dropout') seen.add(shape.inputShape.length === 1 ? 'dropout on vectors' : 'dropout on maps');
        if (i === shapes.length - 1) seen.add(`ends with ${layer.type}`);
      });
    }
    const expected = [
      'conv2d', 'batchnorm', 'relu', 'dropout', 'maxpool', 'avgpool', 'gap', 'flatten', 'dense',
      ...[1, 2, 3, 4, 5, 6, 7].map((k) => `kernel ${k}`),
      'conv stride 1', 'conv stride 2', 'conv stride 3', 'same padding', 'other padding', 'conv from 1 channel', 'conv after gap',
      'pool stride ≠ size', 'batchnorm on vectors', 'batchnorm on maps', 'batchnorm then relu', 'relu then batchnorm', 'relu alone',
      'dense straight after gap', 'dense after dense', 'dropout on vectors', 'dropout on maps',
      'ends with dense', 'ends with conv2d', 'ends with gap', 'ends with flatten', 'ends with batchnorm',
    ];
    expect([...expected].filter((feature) => !seen.has(feature))).toEqual([]);
  });
});
