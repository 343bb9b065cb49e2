/**
 * Picks the tfjs backend that trains GradSheet's models.
 *
 * wasm is the default and works everywhere; node (tfjs-node, native TensorFlow) and
 * webgpu (Dawn) are optional packages, loaded only when asked for, and a clear error
 * says how to install them when they are missing.
 */
import { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths, type BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { GradSheetError } from '@gradsheet/shared';
import { registerWasmTrainingKernels } from '../kernels/register.js';
import { kernelVariant, simdKernels } from '../simd/simd-kernels.js';

export type BackendChoice = 'auto' | 'wasm' | 'node' | 'webgpu';

export interface SelectedBackend {
  /** The tfjs backend name: 'wasm', 'tensorflow' or 'webgpu'. */
  readonly name: string;
  /** One line for logs and the run directory. */
  readonly detail: string;
}

const require = createRequire(import.meta.url);

export async function selectBackend(choice: BackendChoice): Promise<SelectedBackend> {
  switch (choice) {
    case 'wasm':
      return useWasm();
    case 'node':
      return useNode();
    case 'webgpu':
      return useWebGpu();
    case 'auto': {
      try {
        return await useNode();
      } catch (error) {
        // One short reason: the loader's own message runs to several lines with local paths.
        const why = (error instanceof GradSheetError ? error.message : String(error)).split(/[:\n]/)[0];
        const wasm = await useWasm();
        return { ...wasm, detail: `${wasm.detail}; ${why?.replace(/^The /, '')}` };
      }
    }
    default:
      throw new GradSheetError('INVALID_INPUT', `Unknown backend "${String(choice)}": use auto, wasm, node or webgpu.`);
  }
}

async function useWasm(): Promise<SelectedBackend> {
  // The .wasm binaries sit next to the package's entry file; load them from disk,
  // wherever this file was compiled to and whatever the working directory.
  setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + sep);
  if (!(await tf.setBackend('wasm'))) {
    throw new GradSheetError('INVALID_INPUT', 'The wasm backend failed to start (see the message above).');
  }
  registerWasmTrainingKernels();
  try {
    // Load GradSheet's SIMD kernels now, so that a missing build fails here, in one line.
    simdKernels(tf.backend() as BackendWasm);
  } catch (error) {
    throw new GradSheetError('INVALID_INPUT', error instanceof Error ? error.message : String(error));
  }
  // Node gets the SIMD binary without threads: tfjs starts wasm threads from blob: URLs,
  // which Node's Worker refuses.
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const threads = getThreadsCount();
  return {
    name: 'wasm',
    detail: `wasm (tfjs ${tf.version_core}, ${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}; GradSheet's kernels ${kernelVariant() === 'relaxed' ? 'relaxed SIMD' : 'SIMD'})`,
  };
}

async function useNode(): Promise<SelectedBackend> {
  await importOptional('@tensorflow/tfjs-node', 'npm install @tensorflow/tfjs-node', 'node');
  if (!(await tf.setBackend('tensorflow'))) {
    throw new GradSheetError('INVALID_INPUT', 'The node backend (tfjs-node) is installed but failed to start.');
  }
  return { name: 'tensorflow', detail: `node (tfjs-node, native TensorFlow, tfjs ${tf.version_core})` };
}

interface GpuAdapterRequest {
  readonly featureLevel?: string;
}

interface DawnGpu {
  requestAdapter(options?: GpuAdapterRequest): Promise<unknown>;
}

interface DawnModule {
  create(options: string[]): DawnGpu;
  globals: object;
}

/**
 * Set GRADSHEET_WEBGPU_ADAPTER=software to run the webgpu backend without a GPU, on
 * Dawn's OpenGL ES backend over Mesa's software renderer: far slower than wasm, but
 * it exercises the WebGPU path on any Linux machine with Mesa's EGL (the tests do).
 */
const SOFTWARE_ADAPTER = 'software';

/**
 * The Dawn instance, made once per process and held here: the tfjs backend keeps the
 * device it opened, and a collected instance would take that device with it.
 */
let dawnGpu: DawnGpu | null = null;

async function useWebGpu(): Promise<SelectedBackend> {
  const install = 'npm install @tensorflow/tfjs-backend-webgpu webgpu';
  const adapter = process.env['GRADSHEET_WEBGPU_ADAPTER'];
  if (adapter !== undefined && adapter !== '' && adapter !== SOFTWARE_ADAPTER) {
    throw new GradSheetError('INVALID_INPUT', `GRADSHEET_WEBGPU_ADAPTER must be "${SOFTWARE_ADAPTER}" or unset, not "${adapter}".`);
  }
  const software = adapter === SOFTWARE_ADAPTER;
  // Mesa's EGL without a display server.
  if (software) process.env['EGL_PLATFORM'] ??= 'surfaceless';
  const dawn = (await importOptional('webgpu', install, 'webgpu')) as DawnModule;
  if (!dawnGpu) {
    // Dawn must be in place as navigator.gpu before the tfjs backend is imported: it
    // registers itself only if it finds a GPU there.
    Object.assign(globalThis, dawn.globals);
    const gpu = dawn.create(software ? ['backend=opengles'] : []);
    if (software) {
      // Dawn offers WebGPU's compatibility mode only on OpenGL ES; tfjs asks for the core one.
      const request = gpu.requestAdapter.bind(gpu);
      gpu.requestAdapter = (options) => request({ ...options, featureLevel: 'compatibility' });
    }
    const scope = globalThis as { navigator?: object };
    if (scope.navigator === undefined) scope.navigator = { gpu };
    else Object.defineProperty(scope.navigator, 'gpu', { value: gpu, configurable: true });
    dawnGpu = gpu;
  }
  await importOptional('@tensorflow/tfjs-backend-webgpu', install, 'webgpu');
  if (tf.findBackendFactory('webgpu') === null || !(await tf.setBackend('webgpu'))) {
    const hint = software ? ' (software adapter: needs Mesa\'s EGL, e.g. Debian\'s libegl-mesa0)' : '; without a GPU, GRADSHEET_WEBGPU_ADAPTER=software runs it on the CPU, slowly';
    throw new GradSheetError('INVALID_INPUT', `The webgpu backend is installed but found no usable GPU adapter${hint}.`);
  }
  return { name: 'webgpu', detail: `webgpu (Dawn${software ? ', software adapter' : ''}, tfjs ${tf.version_core})` };
}

/** Imports an optional package; a missing one becomes an INVALID_INPUT error with the fix. */
async function importOptional(specifier: string, install: string, backend: string): Promise<unknown> {
  try {
    // A variable specifier keeps TypeScript from requiring the package's types.
    return await import(specifier);
  } catch (error) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    const notFound = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
    if (notFound && String(message).includes(`'${specifier}'`)) {
      throw new GradSheetError('INVALID_INPUT', `The ${backend} backend is not installed: ${install}`);
    }
    throw new GradSheetError('INVALID_INPUT', `The ${backend} backend is installed but failed to load: ${String(message)}`);
  }
}
