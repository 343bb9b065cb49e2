// ReLU and its gradient in one pass each: y = max(x, 0); dx = dy where y > 0, else 0.

export function relu(x: usize, y: usize, count: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const at = <usize>i << 2;
    v128.store(y + at, f32x4.max(v128.load(x + at), zero));
  }
  for (; i < count; i++) {
    const at = <usize>i << 2;
    store<f32>(y + at, max(load<f32>(x + at), <f32>0));
  }
}

export function reluGrad(dy: usize, y: usize, dx: usize, count: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const at = <usize>i << 2;
    v128.store(dx + at, v128.and(v128.load(dy + at), f32x4.gt(v128.load(y + at), zero)));
  }
  for (; i < count; i++) {
    const at = <usize>i << 2;
    store<f32>(dx + at, load<f32>(y + at) > 0 ? load<f32>(dy + at) : <f32>0);
  }
}
