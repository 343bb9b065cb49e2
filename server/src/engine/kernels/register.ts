/**
 * Registers GradSheet's training kernels for the wasm backend, replacing the shipped
 * ones where they are missing, wrong or slow. Call it after the wasm backend has
 * initialised; calling it again does nothing.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs';
import { avgPoolGradConfig } from './avg-pool-grad.js';
import { batchMatMulConfig } from './batch-mat-mul.js';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2DBackpropInputConfig, conv2DConfig } from './conv2d.js';
import { identityConfig } from './identity.js';
import { maxPoolGradConfig } from './max-pool-grad.js';
import { meanConfig, sumConfig } from './reduce.js';
import { tileConfig } from './tile.js';
import { rememberShippedKernel } from './wasm-scope.js';

export const WASM_TRAINING_KERNELS: readonly KernelConfig[] = [
  conv2DBackpropFilterConfig, // missing
  conv2DConfig, // filters packed anew each step, output channels in eights
  conv2DBackpropInputConfig, // slow
  maxPoolGradConfig, // wrong when a window is all ≤ 0
  avgPoolGradConfig, // scalar
  batchMatMulConfig, // scalar for transposed operands (Linear layers' gradients)
  tileConfig, // slow
  sumConfig, // float32 accumulation
  meanConfig, // float32 accumulation
  identityConfig, // copies
];

export function registerWasmTrainingKernels(): void {
  for (const config of WASM_TRAINING_KERNELS) {
    const current = tf.getKernel(config.kernelName, config.backendName);
    if (current?.kernelFunc === config.kernelFunc) continue;
    if (current !== undefined) {
      rememberShippedKernel(config.kernelName, current.kernelFunc);
      tf.unregisterKernel(config.kernelName, config.backendName);
    }
    // Keep the shipped setup: it binds the C function that the shipped kernel, our fallback, calls.
    tf.registerKernel(current?.setupFunc ? { ...config, setupFunc: current.setupFunc } : config);
  }
}
