import type { backend_util } from '@tensorflow/tfjs';

/** A pool's shape as the SIMD pool kernels take it, in their parameters' order. */
export type PoolGeometry = [
  batch: number,
  inHeight: number,
  inWidth: number,
  channels: number,
  outHeight: number,
  outWidth: number,
  filterHeight: number,
  filterWidth: number,
  strideHeight: number,
  strideWidth: number,
  padTop: number,
  padLeft: number,
];

export function poolGeometry(info: backend_util.Conv2DInfo): PoolGeometry {
  return [
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.padInfo.top,
    info.padInfo.left,
  ];
}
