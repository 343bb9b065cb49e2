import { inferShapes, type ModelShapeInput, type TensorShape } from './shapes.js';
import type { LayerSpec, LayerType } from './spec.js';

export interface SummaryRow {
  /** As torchsummary names it: PyTorch class and 1-based position among the rows, e.g. "Conv2d-1". */
  readonly name: string;
  readonly type: LayerType;
  /** Position of the layer in the model's list, from 0. */
  readonly layerIndex: number;
  /** Per image, batch left out. */
  readonly outputShape: TensorShape;
  readonly params: number;
  readonly receptiveField: number;
}

export interface ModelSummary {
  readonly rows: readonly SummaryRow[];
  readonly totalParams: number;
  readonly trainableParams: number;
  readonly nonTrainableParams: number;
}

export interface SummaryTextOptions {
  /** Add an RF column after Param #. Default true. */
  readonly receptiveField?: boolean;
  /** Stop at the "Total params" line, for output whose last line must be the total. Default false. */
  readonly endAtTotal?: boolean;
}

/** The structured summary: one row per layer torchsummary would list, and the totals. */
export function summarizeModel(model: ModelShapeInput): ModelSummary {
  const rows: SummaryRow[] = [];
  for (const shape of inferShapes(model)) {
    // Flatten is a functional view in the seeds' models, so torchsummary neither lists nor numbers it.
    if (shape.layer.type === 'flatten') continue;
    rows.push({
      name: `${pytorchClass(shape.layer, shape.inputShape)}-${rows.length + 1}`,
      type: shape.layer.type,
      layerIndex: shape.index,
      outputShape: shape.outputShape,
      params: shape.params,
      receptiveField: shape.receptiveField,
    });
  }
  const totalParams = rows.reduce((sum, row) => sum + row.params, 0);
  // Every parameter trains: nothing in a spec is frozen.
  return { rows, totalParams, trainableParams: totalParams, nonTrainableParams: 0 };
}

/** The summary in torchsummary's text layout (lines joined by "\n", no final newline). */
export function formatSummary(summary: ModelSummary, options: SummaryTextOptions = {}): string {
  const withField = options.receptiveField ?? true;
  const rfColumn = (text: string) => (withField ? ` ${text.padStart(RF_WIDTH)}` : '');
  const line = (name: string, shape: string, params: string, rf: string) =>
    `${name.padStart(20)}  ${shape.padStart(25)} ${params.padStart(15)}${rfColumn(rf)}`;
  const ruleWidth = 64 + (withField ? RF_WIDTH + 1 : 0);
  const dashes = '-'.repeat(ruleWidth);
  const equals = '='.repeat(ruleWidth);

  const lines = [dashes, line('Layer (type)', 'Output Shape', 'Param #', 'RF'), equals];
  for (const row of summary.rows) {
    lines.push(line(row.name, `[${[-1, ...row.outputShape].join(', ')}]`, thousands(row.params), String(row.receptiveField)));
  }
  lines.push(equals, `Total params: ${thousands(summary.totalParams)}`);
  if (!options.endAtTotal) {
    lines.push(
      `Trainable params: ${thousands(summary.trainableParams)}`,
      `Non-trainable params: ${thousands(summary.nonTrainableParams)}`,
      dashes,
    );
  }
  return lines.join('\n');
}

/** Shorthand for formatSummary(summarizeModel(model), options). */
export function summaryText(model: ModelShapeInput, options: SummaryTextOptions = {}): string {
  return formatSummary(summarizeModel(model), options);
}

/** 19698 → "19,698", as Python's "{:,}" writes it, whatever the locale. */
export function thousands(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

const RF_WIDTH = 6;

function pytorchClass(layer: LayerSpec, input: TensorShape): string {
  switch (layer.type) {
    case 'conv2d':
      return 'Conv2d';
    case 'batchnorm':
      return input.length === 3 ? 'BatchNorm2d' : 'BatchNorm1d';
    case 'relu':
      return 'ReLU';
    case 'dropout':
      return 'Dropout';
    case 'maxpool':
      return 'MaxPool2d';
    case 'avgpool':
      return 'AvgPool2d';
    case 'gap':
      return 'AdaptiveAvgPool2d';
    case 'flatten':
      return 'Flatten';
    case 'dense':
      return 'Linear';
  }
}
