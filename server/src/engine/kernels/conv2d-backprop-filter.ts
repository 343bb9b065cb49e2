/**
 * Conv2DBackpropFilter for wasm, which ships none, as one XNNPACK conv2d.
 *
 * dW[i,j,ci,co] = Σ_{n,p,q} x[n, p·s + i − pad, q·s + j − pad, ci] · dy[n,p,q,co]
 * is a convolution in which the input channels play the batch, the batch plays the
 * channels and dy is the filter: conv2d(xᵀ, dyᵀ) with dilation = the forward stride.
 * A 1×1 filter at stride 1 without padding is a plain product, dW = xᵀ·dy over every
 * position, which XNNPACK's matrix product does faster than that convolution.
 */
import { backend_util } from '@tensorflow/tfjs';
import type { Conv2DBackpropFilterAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { requireNhwc, WASM, WasmScope } from './wasm-scope.js';

const conv2DBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs['x'] as TensorInfo;
  const dy = inputs['dy'] as TensorInfo;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
  requireNhwc(dataFormat, 'Conv2DBackpropFilter');
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const scope = new WasmScope(backend as BackendWasm);
  const { top, left } = info.padInfo;
  if (info.filterHeight === 1 && info.filterWidth === 1 && info.strideHeight === 1 && info.strideWidth === 1 && top === 0 && left === 0) {
    return scope.keep(pointwiseFilterGradient(scope, x, dy, filterShape));
  }
  const xT = scope.transpose(x, [3, 1, 2, 0]); // [Cin, H, W, N]
  const dyT = scope.transpose(dy, [1, 2, 0, 3]); // [Ho, Wo, N, Cout]
  // Bottom/right pads make the output exactly kh × kw; negative when the forward
  // conv never reached the last rows (stride > 1), and then those rows are cropped.
  const bottom = info.filterHeight + (info.outHeight - 1) * info.strideHeight - info.inHeight - top;
  const right = info.filterWidth + (info.outWidth - 1) * info.strideWidth - info.inWidth - left;
  const dW = scope.conv2d(xT, dyT, { top, bottom, left, right }, [1, 1], [info.strideHeight, info.strideWidth]); // [Cin, kh, kw, Cout]
  return scope.keep(scope.transpose(dW, [1, 2, 0, 3]));
};

/** dW[0,0,ci,co] = Σ over batch and positions of x[…,ci]·dy[…,co]: one [Cin × M]·[M × Cout] product. */
function pointwiseFilterGradient(scope: WasmScope, x: TensorInfo, dy: TensorInfo, filterShape: [number, number, number, number]): TensorInfo {
  const [, , inChannels, outChannels] = filterShape;
  const positions = x.shape.slice(0, 3).reduce((a, b) => a * b, 1);
  // The explicit transpose is cheaper than the product's own transposeA path on wasm.
  const xT = scope.transpose(scope.reshape(x, [positions, inChannels]), [1, 0]);
  const product = scope.run(
    'BatchMatMul',
    { a: scope.reshape(xT, [1, inChannels, positions]), b: scope.reshape(dy, [1, positions, outChannels]) },
    { transposeA: false, transposeB: false },
  );
  return scope.reshape(product, [...filterShape]);
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: WASM,
  kernelFunc: conv2DBackpropFilter,
};
