import type { TrainConfig } from '@gradsheet/shared';

/** The default model's recipe as a report shows it (peak rate 0.05, seed 7), for `epochs` epochs. */
export function sampleTrainConfig(epochs: number): TrainConfig {
  return {
    model: 'gradsheet-7774',
    epochs,
    batchSize: 128,
    optimizer: 'sgd',
    lr: 0.05,
    schedule: 'onecycle',
    momentum: 0.9,
    stepSize: 10,
    gamma: 0.1,
    seed: 7,
    backend: 'auto',
    augment: true,
    threads: 2,
    emaDecay: 0.999,
  };
}
