// Matrix products for Linear layers' gradients: C[m, n] = Σ_k A(m, k) · B[k, n].
//
// A is read through strides (aRow bytes between rows m, aCol bytes between k), so A
// and its transpose are read in place. B is packed into [k, nP] rows (nP = n padded to
// a multiple of 4) by packColumns, transposing it if need be. Four rows of C × eight
// columns accumulate in registers: eight independent multiply-add chains, each step
// two loads of B and four broadcasts of A.

import { madd } from './madd';
import { storeLanes } from './lanes';

/** out[k, j] = B(k, j) into rows of nP floats (zeros beyond n); B(k, j) at b + k·bRow + j·bCol bytes. */
export function packColumns(b: usize, out: usize, k: i32, n: i32, nP: i32, bRow: usize, bCol: usize): void {
  memory.fill(out, 0, <usize>k * nP << 2);
  for (let r = 0; r < k; r++) {
    const from = b + <usize>r * bRow;
    const to = out + (<usize>r * nP << 2);
    if (bCol == 4) {
      memory.copy(to, from, <usize>n << 2);
    } else {
      for (let j = 0; j < n; j++) store<f32>(to + (<usize>j << 2), load<f32>(from + <usize>j * bCol));
    }
  }
}

/**
 * Up to four rows (`count`) × `pairs` ? 8 : 4 columns of C from column `j` (bytes into
 * a packed row); `lanes` of the last vector are real. Called with constant `pairs`.
 */
// @ts-ignore: decorator
@inline function block(pairs: bool, a0: usize, aRow: usize, aCol: usize, count: i32, bp: usize, bRow: usize, k: i32, c0: usize, cRow: usize, lanes: i32): void {
  const a1 = count > 1 ? a0 + aRow : a0;
  const a2 = count > 2 ? a0 + 2 * aRow : a0;
  const a3 = count > 3 ? a0 + 3 * aRow : a0;
  const zero = f32x4.splat(0);
  let s0 = zero;
  let s1 = zero;
  let t0 = zero;
  let t1 = zero;
  let u0 = zero;
  let u1 = zero;
  let v0 = zero;
  let v1 = zero;
  let at: usize = 0;
  for (let i = 0; i < k; i++) {
    const b0 = v128.load(bp);
    const b1 = pairs ? v128.load(bp, 16) : zero;
    const x0 = v128.load32_splat(a0 + at);
    s0 = madd(x0, b0, s0);
    if (pairs) s1 = madd(x0, b1, s1);
    const x1 = v128.load32_splat(a1 + at);
    t0 = madd(x1, b0, t0);
    if (pairs) t1 = madd(x1, b1, t1);
    const x2 = v128.load32_splat(a2 + at);
    u0 = madd(x2, b0, u0);
    if (pairs) u1 = madd(x2, b1, u1);
    const x3 = v128.load32_splat(a3 + at);
    v0 = madd(x3, b0, v0);
    if (pairs) v1 = madd(x3, b1, v1);
    at += aCol;
    bp += bRow;
  }
  if (pairs) {
    v128.store(c0, s0);
    storeLanes(c0 + 16, s1, lanes);
  } else {
    storeLanes(c0, s0, lanes);
  }
  if (count > 1) {
    const c = c0 + cRow;
    if (pairs) {
      v128.store(c, t0);
      storeLanes(c + 16, t1, lanes);
    } else {
      storeLanes(c, t0, lanes);
    }
  }
  if (count > 2) {
    const c = c0 + 2 * cRow;
    if (pairs) {
      v128.store(c, u0);
      storeLanes(c + 16, u1, lanes);
    } else {
      storeLanes(c, u0, lanes);
    }
  }
  if (count > 3) {
    const c = c0 + 3 * cRow;
    if (pairs) {
      v128.store(c, v0);
      storeLanes(c + 16, v1, lanes);
    } else {
      storeLanes(c, v0, lanes);
    }
  }
}

/**
 * C [m, n] (rows n floats apart) = A · B, with A(r, i) at a + r·aRow + i·aCol bytes and
 * B packed by packColumns into rows of nP floats.
 */
export function gemm(a: usize, aRow: usize, aCol: usize, b: usize, c: usize, m: i32, n: i32, nP: i32, k: i32): void {
  const vectors = nP >> 2;
  const lastLanes = n - ((vectors - 1) << 2);
  const bRow = <usize>nP << 2;
  const cRow = <usize>n << 2;
  for (let r = 0; r < m; r += 4) {
    const count = min<i32>(4, m - r);
    const aFirst = a + <usize>r * aRow;
    const cFirst = c + <usize>r * cRow;
    let v = 0;
    for (; v + 2 <= vectors; v += 2) {
      block(true, aFirst, aRow, aCol, count, b + (<usize>v << 4), bRow, k, cFirst + (<usize>v << 4), cRow, v + 2 == vectors ? lastLanes : 4);
    }
    if (v < vectors) block(false, aFirst, aRow, aCol, count, b + (<usize>v << 4), bRow, k, cFirst + (<usize>v << 4), cRow, lastLanes);
  }
}
