import type { Random } from '../random.js';
import { DESIGN_CLASSES, DESIGN_INPUT, parseModelSpec } from './parse-spec.js';
import type { ModelSpec } from './spec.js';

/**
 * Random valid designs, for property tests: every layer type in random orders, with
 * strides 1 to 3, kernels 1 to 7, 'valid', 'same' and numeric padding, pools with and
 * without their own stride, BatchNorm before and after ReLU, on feature maps and on
 * flat vectors, Linear layers after Flatten or straight after GAP, layers on GAP's
 * 1×1 map, and class scores from a Linear, a 1×1-producing conv or a conv and GAP.
 * Designs stay small (at most 17 channels, 32 units), so that each trains quickly.
 * Each goes through parseModelSpec as a learner's JSON would, written sometimes in
 * the names learners see (`Conv2d`, `Linear`, `BatchNorm1d`, padding `same`), so the
 * same seed always gives the same spec.
 */
export function randomDesign(random: Random): ModelSpec {
  return parseModelSpec(randomDesignJson(random));
}

type RawLayer = Record<string, string | number | boolean>;

/** The untrusted JSON of a random valid design, before parsing. */
export function randomDesignJson(random: Random): { id: string; layers: RawLayer[] } {
  const pick = <T>(choices: readonly T[]): T => choices[Math.floor(random() * choices.length)] as T;
  const int = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const chance = (p: number) => random() < p;
  const name = (type: string, learnerName: string) => (chance(0.5) ? type : learnerName);

  const layers: RawLayer[] = [];
  let channels: number = DESIGN_INPUT[0];
  // MNIST's images are square, and every layer keeps them so.
  let side: number = DESIGN_INPUT[1];

  const addConv = (filters: number, kernel: number, stride: number, padding: number | 'same' | 'valid' | undefined) => {
    const layer: RawLayer = { type: name('conv2d', 'Conv2d'), filters, kernel };
    if (stride !== 1 || chance(0.3)) layer.stride = stride;
    if (padding !== undefined) layer.padding = padding;
    if (chance(0.5)) layer.bias = chance(0.5);
    layers.push(layer);
    const pad = padding === 'same' ? (kernel - 1) / 2 : padding === 'valid' || padding === undefined ? 0 : padding;
    channels = filters;
    side = Math.floor((side + 2 * pad - kernel) / stride) + 1;
  };
  const randomConv = () => {
    const stride = pick([1, 1, 1, 2, 2, 3]);
    const kernel = int(1, Math.min(7, side + 2 * 3));
    const padChoices: (number | 'same' | 'valid' | undefined)[] = [undefined, 'valid', ...Array.from({ length: Math.floor(kernel / 2) + 1 }, (_, p) => p)];
    if (kernel % 2 === 1) padChoices.push('same', 'same');
    const fits = padChoices.filter((p) => {
      const pad = p === 'same' ? (kernel - 1) / 2 : typeof p === 'number' ? p : 0;
      return side + 2 * pad >= kernel;
    });
    addConv(pick([1, 3, 4, 5, 8, 12, 16, 17]), kernel, stride, pick(fits));
  };
  const randomPool = () => {
    const size = int(1, Math.min(4, side));
    const stride = chance(0.5) ? undefined : int(1, 3);
    layers.push({ type: poolName(), size, ...(stride === undefined ? {} : { stride }) });
    side = Math.floor((side - size) / (stride ?? size)) + 1;
  };
  const poolName = () => (chance(0.5) ? name('maxpool', 'MaxPool2d') : name('avgpool', 'AvgPool2d'));
  const elementWise = (flat: boolean) => {
    const kind = pick(['batchnorm', 'relu', 'dropout'] as const);
    if (kind === 'dropout') layers.push({ type: name('dropout', 'Dropout'), rate: pick([0, 0.05, 0.1, 0.25]) });
    else if (kind === 'relu') layers.push({ type: name('relu', 'ReLU') });
    else layers.push({ type: name('batchnorm', flat ? 'BatchNorm1d' : 'BatchNorm2d') });
  };

  // Feature maps: convolutions, pools and element-wise layers in any order.
  const mapLayers = int(1, 8);
  for (let i = 0; i < mapLayers; i++) {
    const roll = random();
    if (roll < 0.4) randomConv();
    else if (roll < 0.55 && side > 1) randomPool();
    else elementWise(false);
  }
  // At least one convolution, so that every design can learn something from the pixels.
  if (!layers.some((layer) => layer.type === 'conv2d' || layer.type === 'Conv2d')) randomConv();

  // From maps to class scores.
  const ending = pick(['flatten', 'gap', 'gap', 'gap-then-map', 'conv-gap', 'conv-whole'] as const);
  if (ending === 'flatten' || ending === 'gap' || ending === 'gap-then-map') {
    if (ending === 'flatten') {
      // Keep the first Linear small: pool big maps down first.
      while (channels * side * side > 2048) randomPoolDown();
      layers.push({ type: name('flatten', 'Flatten') });
    } else {
      layers.push({ type: name('gap', pick(['GAP', 'AdaptiveAvgPool2d'])) });
      side = 1;
      if (chance(0.3)) elementWise(false);
      if (ending === 'gap-then-map') {
        // GAP's 1×1 map is still a map: a 1×1 conv or a size-1 pool may follow.
        if (chance(0.5)) layers.push({ type: name('maxpool', 'MaxPool2d'), size: 1 });
        addConv(pick([4, 10, 12]), 1, 1, undefined);
      }
      // A Linear may read GAP's output directly; sometimes the design flattens first.
      if (chance(0.5) || ending === 'gap-then-map') layers.push({ type: name('flatten', 'Flatten') });
    }
    const hidden = int(0, 2);
    for (let i = 0; i < hidden; i++) {
      const units = pick([8, 16, 32]);
      layers.push({ type: name('dense', 'Linear'), units, ...(chance(0.3) ? { bias: chance(0.5) } : {}) });
      for (let j = int(0, 2); j > 0; j--) elementWise(true);
    }
    layers.push({ type: name('dense', 'Linear'), units: DESIGN_CLASSES });
  } else if (ending === 'conv-gap') {
    addConv(DESIGN_CLASSES, pick([1, 1, 3].filter((k) => k <= side)), 1, undefined);
    layers.push({ type: name('gap', 'GAP') });
    if (chance(0.5)) layers.push({ type: name('flatten', 'Flatten') });
  } else {
    // A conv whose kernel covers the whole map gives the scores at 1×1.
    while (side > 7) randomPoolDown();
    addConv(DESIGN_CLASSES, side, 1, undefined);
    if (chance(0.5)) layers.push({ type: name('flatten', 'Flatten') });
  }
  // Sometimes a BatchNorm on the class scores themselves.
  if (chance(0.1)) layers.push({ type: name('batchnorm', 'BatchNorm1d') });
  return { id: 'random-design', layers };

  function randomPoolDown(): void {
    const size = Math.min(side, pick([2, 3, 4]));
    layers.push({ type: poolName(), size });
    side = Math.floor((side - size) / size) + 1;
  }
}
