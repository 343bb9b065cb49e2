import type { ScheduleName } from '../models/spec.js';

export interface ScheduleOptions {
  readonly schedule: ScheduleName;
  /** Base rate (StepLR, none) or peak rate (OneCycle). */
  readonly lr: number;
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  /** StepLR: epochs between decays (the course: 10, so epoch 11 runs at lr·γ). */
  readonly stepSize: number;
  readonly gamma: number;
}

/**
 * Learning rate for batch `step` (0-based) of epoch `epoch` (0-based).
 * StepLR follows PyTorch's StepLR; OneCycle follows PyTorch's OneCycleLR with cosine
 * annealing (warm-up over 30%, start at lr/25, end at lr/25e4).
 */
export function learningRateAt(options: ScheduleOptions, epoch: number, step: number): number {
  const { lr } = options;
  switch (options.schedule) {
    case 'none':
      return lr;
    case 'step':
      return lr * options.gamma ** Math.floor(epoch / options.stepSize);
    case 'onecycle': {
      const total = options.epochs * options.stepsPerEpoch;
      const t = epoch * options.stepsPerEpoch + step;
      const warmup = Math.max(1, Math.floor(0.3 * total) - 1);
      const initial = lr / 25;
      const final = initial / 1e4;
      const cosine = (from: number, to: number, fraction: number) => to + ((from - to) * (1 + Math.cos(Math.PI * Math.min(1, fraction)))) / 2;
      return t <= warmup ? cosine(initial, lr, t / warmup) : cosine(lr, final, (t - warmup) / Math.max(1, total - 1 - warmup));
    }
  }
}
