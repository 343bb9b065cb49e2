import { invalidModel } from '../errors.js';
import { inferShapes } from './shapes.js';
import { LAYER_TYPES, layerPlace, layerTypeFromName, layerTypeName, type LayerField } from './layer-types.js';
import type { LayerSpec, ModelSpec, TrainingDefaults } from './spec.js';

/**
 * Models designed by learners arrive as untrusted JSON (the API's `modelSpec`, a
 * `--model-file`, or the rows of a designer sheet). This module is the one place
 * that turns such a value into a ModelSpec the engine can build, or refuses it with
 * one sentence naming the layer.
 */

/** Bounds on a design, so that no design can exhaust the trainer's memory or time. */
export const DESIGN_LIMITS = {
  maxLayers: 64,
  maxParams: 5_000_000,
  /** Values one image's activations may take, summed over the layers (4 MiB per image in float32). */
  maxActivationsPerImage: 1_000_000,
  /** Values one batch's activations may take, summed over the layers (1 GiB in float32). */
  maxActivationsPerBatch: 256 * 1024 * 1024,
  maxKernel: 28,
  maxFilters: 1024,
  maxUnits: 4096,
  maxIdLength: 64,
  maxTitleLength: 120,
  maxDescriptionLength: 1000,
} as const;

/** MNIST's images and classes: every design trains on them. */
export const DESIGN_INPUT = [1, 28, 28] as const;
export const DESIGN_CLASSES = 10;

/** Ids are lowercase words joined by hyphens, as the zoo's are. */
export const MODEL_ID_PATTERN = '^[a-z0-9][a-z0-9-]*$';

/** What a design trains with unless told otherwise: the default model's recipe. */
export const DESIGN_TRAINING_DEFAULTS: TrainingDefaults = {
  epochs: 15,
  batchSize: 128,
  optimizer: 'sgd',
  lr: 0.1,
  momentum: 0.9,
  schedule: 'onecycle',
  emaDecay: 0.999,
};

/**
 * Checks an untrusted design and returns it as a ModelSpec: every field typed and
 * in range, unknown fields refused, the shapes inferred, and the bounds of
 * DESIGN_LIMITS held. Missing id, title and training defaults are filled in.
 * Throws GradSheetError INVALID_MODEL with one sentence naming the layer.
 */
export function parseModelSpec(raw: unknown): ModelSpec {
  const body = record(raw, 'the model spec');
  allowOnly(body, ['id', 'title', 'description', 'input', 'classes', 'layers', 'training'], 'the model spec');
  if (body.input !== undefined && !sameList(body.input, DESIGN_INPUT)) {
    throw invalidModel(`input must be [${DESIGN_INPUT.join(', ')}] (MNIST's one grey 28×28 channel)`);
  }
  if (body.classes !== undefined && body.classes !== DESIGN_CLASSES) throw invalidModel(`classes must be ${DESIGN_CLASSES}, MNIST's digits`);
  if (!Array.isArray(body.layers) || body.layers.length === 0) throw invalidModel('layers must be a list of at least one layer');
  if (body.layers.length > DESIGN_LIMITS.maxLayers) {
    throw invalidModel(`a design has at most ${DESIGN_LIMITS.maxLayers} layers, this one has ${body.layers.length}`);
  }
  const layers = body.layers.map((layer, index) => parseLayer(layer, index));
  const id = body.id === undefined ? 'design' : text(body.id, 'id', DESIGN_LIMITS.maxIdLength);
  if (!new RegExp(MODEL_ID_PATTERN).test(id)) throw invalidModel(`id must be lowercase letters, digits and hyphens, got "${id}"`);
  const spec: ModelSpec = {
    id,
    title: body.title === undefined ? 'Your design' : text(body.title, 'title', DESIGN_LIMITS.maxTitleLength),
    description: body.description === undefined ? '' : text(body.description, 'description', DESIGN_LIMITS.maxDescriptionLength),
    input: DESIGN_INPUT,
    classes: DESIGN_CLASSES,
    layers,
    training: body.training === undefined ? DESIGN_TRAINING_DEFAULTS : parseTrainingDefaults(body.training),
  };
  checkDesignBounds(spec);
  return spec;
}

/** The bounds of DESIGN_LIMITS that need the shapes: parameters and activations. Throws INVALID_MODEL. */
export function checkDesignBounds(spec: Pick<ModelSpec, 'input' | 'classes' | 'layers'>): void {
  const shapes = inferShapes(spec);
  let params = 0;
  let activations = 0;
  for (const shape of shapes) {
    params += shape.params;
    activations += shape.outputShape.reduce((a, b) => a * b, 1);
    if (params > DESIGN_LIMITS.maxParams) {
      throw invalidModel(`${layerPlace(shape.index, layerTypeName(shape.layer.type))} takes the design past ${DESIGN_LIMITS.maxParams.toLocaleString('en-US')} parameters`);
    }
    if (activations > DESIGN_LIMITS.maxActivationsPerImage) {
      throw invalidModel(
        `${layerPlace(shape.index, layerTypeName(shape.layer.type))} takes one image's activations past ${DESIGN_LIMITS.maxActivationsPerImage.toLocaleString('en-US')} values; use fewer filters or pool earlier`,
      );
    }
  }
}

/** Values one image's activations take, summed over the layers (what a batch holds per image for the backward pass). */
export function activationsPerImage(spec: Pick<ModelSpec, 'input' | 'classes' | 'layers'>): number {
  return inferShapes(spec).reduce((sum, shape) => sum + shape.outputShape.reduce((a, b) => a * b, 1), 0);
}

/**
 * One untrusted layer, checked alone (its type and fields, not its fit to the layer
 * before): the designer sheet reads each row with it, so every bad row is named.
 */
export function parseLayer(raw: unknown, index: number): LayerSpec {
  const layer = record(raw, `layer ${index + 1}`);
  if (typeof layer.type !== 'string') throw invalidModel(`layer ${index + 1} has no type; use one of ${LAYER_TYPES.map((t) => t.name).join(', ')}`);
  const type = layerTypeFromName(layer.type);
  if (!type) throw invalidModel(`layer ${index + 1}: unknown type "${layer.type}"; use one of ${LAYER_TYPES.map((t) => t.name).join(', ')}`);
  const where = layerPlace(index, layerTypeName(type));
  const fields = LAYER_TYPES.find((entry) => entry.type === type)?.fields ?? [];
  allowOnly(layer, ['type', ...fields], where);
  const need = (field: LayerField, min: number, max: number) => whole(layer[field], `${where}: ${field}`, min, max);
  const maybe = (field: LayerField, min: number, max: number) => (layer[field] === undefined ? undefined : need(field, min, max));
  const bias = () => {
    if (layer.bias === undefined) return {};
    if (typeof layer.bias !== 'boolean') throw invalidModel(`${where}: bias must be true or false, got ${show(layer.bias)}`);
    return { bias: layer.bias };
  };
  switch (type) {
    case 'conv2d': {
      const kernel = need('kernel', 1, DESIGN_LIMITS.maxKernel);
      const stride = maybe('stride', 1, DESIGN_LIMITS.maxKernel);
      const padding = parsePadding(layer.padding, kernel, where);
      return {
        type,
        filters: need('filters', 1, DESIGN_LIMITS.maxFilters),
        kernel,
        ...(stride === undefined ? {} : { stride }),
        ...(padding === undefined ? {} : { padding }),
        ...bias(),
      };
    }
    case 'maxpool':
    case 'avgpool': {
      const size = need('size', 1, DESIGN_LIMITS.maxKernel);
      const stride = maybe('stride', 1, DESIGN_LIMITS.maxKernel);
      return { type, size, ...(stride === undefined ? {} : { stride }) };
    }
    case 'dropout': {
      const rate = layer.rate;
      if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw invalidModel(`${where}: rate must be a number from 0 up to (not including) 1, got ${show(rate)}`);
      return { type, rate };
    }
    case 'dense':
      return { type, units: need('units', 1, DESIGN_LIMITS.maxUnits), ...bias() };
    case 'batchnorm':
    case 'relu':
    case 'gap':
    case 'flatten':
      return { type };
  }
}

/** A number, or `valid` (0) or `same` (half an odd kernel, so a stride-1 output keeps its size). */
function parsePadding(raw: unknown, kernel: number, where: string): number | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'string') {
    const word = raw.trim().toLowerCase();
    if (word === 'valid') return 0;
    if (word === 'same') {
      if (kernel % 2 === 0) throw invalidModel(`${where}: padding "same" needs an odd kernel, got ${kernel}`);
      return (kernel - 1) / 2;
    }
  }
  return whole(raw, `${where}: padding`, 0, Math.floor(kernel / 2));
}

function parseTrainingDefaults(raw: unknown): TrainingDefaults {
  const t = record(raw, 'training');
  allowOnly(t, ['epochs', 'batchSize', 'optimizer', 'lr', 'schedule', 'momentum', 'stepSize', 'gamma', 'emaDecay'], 'training');
  // Only the shape is checked here; resolveTrainConfig checks the values, as for any request.
  const merged = { ...DESIGN_TRAINING_DEFAULTS, ...t } as Record<string, unknown>;
  for (const [key, value] of Object.entries(merged)) {
    const expected = key === 'optimizer' || key === 'schedule' ? 'string' : 'number';
    if (typeof value !== expected) throw invalidModel(`training.${key} must be a ${expected}, got ${show(value)}`);
  }
  return merged as unknown as TrainingDefaults;
}

function record(raw: unknown, what: string): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalidModel(`${what} must be an object`);
  return raw as Record<string, unknown>;
}

function allowOnly(value: Record<string, unknown>, allowed: readonly string[], where: string): void {
  const unknown = Object.keys(value).find((key) => !allowed.includes(key));
  if (unknown !== undefined) {
    throw invalidModel(`${where} has an unknown field "${unknown}"${allowed.length ? `; it takes ${allowed.join(', ')}` : ''}`);
  }
}

function whole(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidModel(`${what} must be a whole number from ${min} to ${max.toLocaleString('en-US')}, got ${show(value)}`);
  }
  return value;
}

function text(value: unknown, what: string, maxLength: number): string {
  if (typeof value !== 'string' || value.length > maxLength) throw invalidModel(`${what} must be text of at most ${maxLength} characters`);
  return value;
}

function sameList(value: unknown, expected: readonly number[]): boolean {
  return Array.isArray(value) && value.length === expected.length && value.every((v, i) => v === expected[i]);
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json.length > 40 ? `${json.slice(0, 40)}…` : json;
}

