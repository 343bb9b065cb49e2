import * as tf from '@tensorflow/tfjs';
import type { GradConfig, KernelConfig } from '@tensorflow/tfjs';

/**
 * Kernels of GradSheet's own (and their gradients), registered with tfjs on first use,
 * not when the module loads, so that nothing is registered by importing the engine. The
 * function returned registers them once and says whether the current backend has
 * `probe`; where it does not, the caller takes tfjs' own ops.
 */
export function kernelSet(kernels: readonly KernelConfig[], probe: string, gradients: readonly GradConfig[] = []): () => boolean {
  let registered = false;
  return () => {
    if (!registered) {
      for (const config of kernels) if (!tf.getKernel(config.kernelName, config.backendName)) tf.registerKernel(config);
      for (const gradient of gradients) tf.registerGradient(gradient);
      registered = true;
    }
    return tf.getKernel(probe, tf.getBackend()) !== undefined;
  };
}
