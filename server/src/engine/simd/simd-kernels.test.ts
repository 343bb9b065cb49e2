import { describe, expect, it } from 'vitest';
import { errorCodeOf } from '@gradsheet/shared';
import { availableKernelVariants, compileKernels } from './simd-kernels.js';

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

describe('the two builds of the kernels', () => {
  it('the plain SIMD module always runs; relaxed SIMD (fused multiply-add) runs first where Node has it', () => {
    const variants = availableKernelVariants();
    expect(variants).toContain('simd');
    // Node 20 has relaxed SIMD behind a V8 flag, which the loader switches on; later Nodes run it as standard.
    expect(variants[0]).toBe('relaxed');
  });
});
