import { describe, expect, it } from 'vitest';
import { errorCodeOf } from '@gradsheet/shared';
import { compileKernels } from './simd-kernels.js';

describe("GradSheet's wasm kernels", () => {
  it('not built: BACKEND_UNAVAILABLE, saying how to build them', () => {
    let thrown: unknown;
    try {
      compileKernels(new URL('file:///nonexistent/gradsheet-kernels.wasm'));
    } catch (error) {
      thrown = error;
    }
    expect(errorCodeOf(thrown)).toBe('BACKEND_UNAVAILABLE');
    expect((thrown as Error).message).toMatch(/not built .*npm run build/);
  });
});
