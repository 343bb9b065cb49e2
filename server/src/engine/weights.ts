import * as tf from '@tensorflow/tfjs';
import { invalidInput } from '@gradsheet/shared';

/**
 * A model's weights as a small JSON manifest plus one float32 blob, in the order of
 * `model.weights` (trainable and BatchNorm statistics). The order is fixed by the
 * model spec, so weights load back into any model built from the same spec.
 */
export interface WeightsManifest {
  readonly format: 'gradsheet-weights-1';
  readonly model: string;
  readonly epoch: number;
  readonly tensors: readonly { readonly name: string; readonly shape: readonly number[] }[];
}

export async function captureWeights(model: tf.LayersModel, modelId: string, epoch: number): Promise<{ manifest: WeightsManifest; bytes: Buffer }> {
  const values = await Promise.all(model.weights.map((w) => w.read().data<'float32'>()));
  const total = values.reduce((sum, v) => sum + v.length, 0);
  const blob = new Float32Array(total);
  let offset = 0;
  for (const v of values) {
    blob.set(v, offset);
    offset += v.length;
  }
  const manifest: WeightsManifest = {
    format: 'gradsheet-weights-1',
    model: modelId,
    epoch,
    tensors: model.weights.map((w) => ({ name: w.originalName, shape: w.shape.map((d) => d ?? 0) })),
  };
  return { manifest, bytes: Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength) };
}

export function restoreWeights(model: tf.LayersModel, manifest: WeightsManifest, bytes: Uint8Array): void {
  if (manifest.format !== 'gradsheet-weights-1') throw invalidInput(`unknown weights format "${String(manifest.format)}"`);
  if (manifest.tensors.length !== model.weights.length) {
    throw invalidInput(`weights hold ${manifest.tensors.length} tensors, the model has ${model.weights.length}`);
  }
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  let offset = 0;
  const tensors = model.weights.map((w, i) => {
    const shape = manifest.tensors[i]?.shape ?? [];
    const expected = w.shape.map((d) => d ?? 0);
    if (shape.join('x') !== expected.join('x')) throw invalidInput(`weight ${i} has shape [${shape}], the model expects [${expected}]`);
    const size = shape.reduce((a, b) => a * b, 1);
    const t = tf.tensor(floats.subarray(offset, offset + size), [...shape]);
    offset += size;
    return t;
  });
  if (offset !== floats.length) throw invalidInput(`weights file has ${floats.length - offset} extra values`);
  model.setWeights(tensors);
  tf.dispose(tensors);
}
