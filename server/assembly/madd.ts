// a·b + c on four floats. The relaxed-SIMD build (gradsheet-kernels-relaxed.wasm) fuses
// it into one multiply-add where the CPU has FMA; the plain SIMD build multiplies, then
// adds. The choice is made when the module is compiled, so the loops carry no test.

// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}
