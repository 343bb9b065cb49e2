import * as tf from '@tensorflow/tfjs';
import { GradSheetError } from '@gradsheet/shared';
import { describe, expect, it } from 'vitest';
import { installed } from './installed.js';
import { compileKernels } from '../simd/simd-kernels.js';
import { selectBackend, type BackendChoice } from './select-backend.js';

describe('selectBackend', () => {
  it('starts wasm with the training kernels registered', async () => {
    const backend = await selectBackend('wasm');
    expect(backend.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  it.skipIf(installed('@tensorflow/tfjs-node'))('auto falls back to wasm without tfjs-node', async () => {
    expect((await selectBackend('auto')).name).toBe('wasm');
  });

  it.skipIf(installed('@tensorflow/tfjs-node'))('node without tfjs-node is INVALID_INPUT with the install command', async () => {
    await expect(selectBackend('node')).rejects.toThrow(GradSheetError);
    await expect(selectBackend('node')).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('npm install @tensorflow/tfjs-node') });
  });

  it.skipIf(installed('webgpu'))('webgpu without its packages is INVALID_INPUT with the install command', async () => {
    await expect(selectBackend('webgpu')).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('npm install @tensorflow/tfjs-backend-webgpu webgpu'),
    });
  });

  it('rejects an unknown GRADSHEET_WEBGPU_ADAPTER before loading anything', async () => {
    process.env['GRADSHEET_WEBGPU_ADAPTER'] = 'sw';
    try {
      await expect(selectBackend('webgpu')).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('must be "software" or unset, not "sw"') });
    } finally {
      delete process.env['GRADSHEET_WEBGPU_ADAPTER'];
    }
  });

  it('says how to build the SIMD kernels when their module is missing', () => {
    expect(() => compileKernels(new URL('file:///nonexistent/gradsheet-kernels.wasm'))).toThrow(/not built .*run "npm run build"/);
    expect(compileKernels()).toBeInstanceOf(WebAssembly.Module);
  });

  it('rejects an unknown choice', async () => {
    await expect(selectBackend('gpu' as BackendChoice)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
