import type { LayerType } from './spec.js';

/**
 * The layer types, with the name a learner sees (PyTorch's class, as torchsummary
 * and the course write it) and the fields each one uses. The designer sheet's
 * drop-down, its greyed cells and the parser all read this table.
 */
export const LAYER_TYPES: readonly { readonly type: LayerType; readonly name: string; readonly fields: readonly LayerField[] }[] = [
  { type: 'conv2d', name: 'Conv2d', fields: ['filters', 'kernel', 'stride', 'padding', 'bias'] },
  { type: 'batchnorm', name: 'BatchNorm2d', fields: [] },
  { type: 'relu', name: 'ReLU', fields: [] },
  { type: 'dropout', name: 'Dropout', fields: ['rate'] },
  { type: 'maxpool', name: 'MaxPool2d', fields: ['size', 'stride'] },
  { type: 'avgpool', name: 'AvgPool2d', fields: ['size', 'stride'] },
  { type: 'gap', name: 'GAP', fields: [] },
  { type: 'flatten', name: 'Flatten', fields: [] },
  { type: 'dense', name: 'Linear', fields: ['units', 'bias'] },
];

export type LayerField = 'filters' | 'kernel' | 'stride' | 'padding' | 'bias' | 'rate' | 'size' | 'units';

/** Every field any layer may have, in the order the designer sheet's columns show them. */
export const LAYER_FIELDS: readonly LayerField[] = ['filters', 'kernel', 'stride', 'padding', 'rate', 'size', 'units', 'bias'];

/** Other names a learner may write for a type (lowercase), besides its spec type and its name. */
export const LAYER_TYPE_ALIASES: Readonly<Record<string, LayerType>> = {
  batchnorm1d: 'batchnorm',
  adaptiveavgpool2d: 'gap',
  globalavgpool: 'gap',
  linear: 'dense',
};

/** The spec type for a type name as a learner may write it: `conv2d`, `Conv2d`, `Linear`, `BatchNorm1d`… */
export function layerTypeFromName(name: string): LayerType | undefined {
  const key = name.trim().toLowerCase();
  if (Object.hasOwn(LAYER_TYPE_ALIASES, key)) return LAYER_TYPE_ALIASES[key];
  return LAYER_TYPES.find((entry) => entry.type === key || entry.name.toLowerCase() === key)?.type;
}

/** The name a learner sees for a spec type: `conv2d` → `Conv2d`. */
export function layerTypeName(type: LayerType | string): string {
  return LAYER_TYPES.find((entry) => entry.type === type)?.name ?? type;
}

/** Where a layer sits, as messages name it: `layer 3 (Conv2d)`. */
export function layerPlace(index: number, type: string): string {
  return `layer ${index + 1} (${type})`;
}
