// GradSheet's wasm SIMD kernels. Built with --importMemory: the module works on the
// memory of the tfjs wasm backend it is instantiated against and has no data of its own.
export { batchNormPeriod, channelAffine, channelSums } from './batch-norm';
export { repackChannels } from './channels';
export { conv2dFilterGrad } from './conv-filter-grad';
export { maxPoolGrad } from './max-pool-grad';
export { conv2dValid, packFilter, packPhase, padInput } from './conv';
export { gemm, packColumns } from './gemm';
export { avgPoolGrad } from './avg-pool-grad';
export { dropout } from './dropout';
export { relu, reluGrad } from './relu';
export { winogradConv, winogradFilter, winogradFilterGrad } from './winograd';
