/**
 * Models as data: a CNN is a list of layer specs, in PyTorch's vocabulary (NCHW
 * shapes, integer padding), from which the engine builds the network and the
 * summary is computed, so the service and the task pane can show and choose
 * models without loading the engine.
 */

export type LayerSpec =
  | {
      readonly type: 'conv2d';
      readonly filters: number;
      readonly kernel: number;
      /** Default 1. */
      readonly stride?: number;
      /** Zero padding on each side, as in PyTorch. Default 0. */
      readonly padding?: number;
      /** Default true, as in PyTorch; the seeds usually turn it off before BatchNorm. */
      readonly bias?: boolean;
    }
  | { readonly type: 'batchnorm' }
  | { readonly type: 'relu' }
  | { readonly type: 'dropout'; readonly rate: number }
  | { readonly type: 'maxpool'; readonly size: number; readonly stride?: number }
  | { readonly type: 'avgpool'; readonly size: number; readonly stride?: number }
  /** Global average pooling to 1×1. */
  | { readonly type: 'gap' }
  | { readonly type: 'flatten' }
  | { readonly type: 'dense'; readonly units: number; readonly bias?: boolean };

export type LayerType = LayerSpec['type'];

export type OptimizerName = 'sgd' | 'adam';
export type ScheduleName = 'step' | 'onecycle' | 'none';

/** Hyper-parameters a model trains with unless the caller overrides them. */
export interface TrainingDefaults {
  readonly epochs: number;
  readonly batchSize: number;
  readonly optimizer: OptimizerName;
  readonly lr: number;
  readonly schedule: ScheduleName;
  /** SGD momentum. */
  readonly momentum?: number;
  /** StepLR: multiply the rate by `gamma` every `stepSize` epochs. */
  readonly stepSize?: number;
  readonly gamma?: number;
  /** Evaluate and keep an exponential moving average of the weights with this decay; 0 or absent: off. */
  readonly emaDecay?: number;
}

export interface ModelSpec {
  /** Stable id used on the command line and in the API, e.g. "seed-19698". */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** Channels, height, width of one input image. */
  readonly input: readonly [number, number, number];
  readonly classes: number;
  readonly layers: readonly LayerSpec[];
  readonly training: TrainingDefaults;
}
