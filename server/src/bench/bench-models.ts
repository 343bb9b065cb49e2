/**
 * The models the MNIST benchmarks run: zoo ids, design files and random designs by
 * seed, named on the command line the same way by bench:mnist and bench:mnist-profile.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getModel, modelIds, randomDesign, seededRandom, type ModelSpec } from '@gradsheet/shared';
import { loadModelFile } from '../designer/load-model-file.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Hand-picked designs that exercise what the zoo does not: 'same' padding, strides, wide early layers, several Linear layers. */
export const BENCH_DESIGNS_DIR = join(REPO_ROOT, 'bench', 'designs');

/** Random designs benchmarked by default: the three with the most activations among seeds 1 to 30 of shared's generator. */
export const DEFAULT_DESIGN_SEEDS: readonly number[] = [2, 3, 28];

export interface BenchModel {
  readonly spec: ModelSpec;
  /** How the table names it: the zoo id, the design file's id, or `random-design-SEED`. */
  readonly label: string;
  /** One line of what it exercises, for the table. */
  readonly shape: string;
}

export interface ModelChoice {
  /** Zoo ids, comma-separated, or 'all' / 'none'. */
  readonly models?: string | undefined;
  /** Design files (.json or .xlsx). */
  readonly modelFiles?: readonly string[] | undefined;
  /** 'all' for every file in bench/designs, 'none', or file names there, comma-separated. */
  readonly designs?: string | undefined;
  /** Seeds of random designs, comma-separated, or 'none'. */
  readonly designSeeds?: string | undefined;
}

export async function benchModels(choice: ModelChoice): Promise<BenchModel[]> {
  const list = (text: string | undefined) => (text === undefined || text === 'none' || text === '' ? [] : text.split(',').map((s) => s.trim()));
  const ids = choice.models === 'all' || choice.models === undefined ? modelIds() : list(choice.models);
  const out: BenchModel[] = ids.map((id) => describe(getModel(id), id));
  const designFiles =
    choice.designs === 'all' || choice.designs === undefined
      ? readdirSync(BENCH_DESIGNS_DIR).filter((f) => f.endsWith('.json')).sort()
      : list(choice.designs).map((name) => (name.endsWith('.json') ? name : `${name}.json`));
  for (const file of designFiles) {
    const spec = await loadModelFile(join(BENCH_DESIGNS_DIR, file));
    out.push(describe(spec, spec.id));
  }
  for (const file of choice.modelFiles ?? []) {
    const spec = await loadModelFile(file);
    out.push(describe(spec, spec.id));
  }
  const seeds = choice.designSeeds === undefined ? DEFAULT_DESIGN_SEEDS : list(choice.designSeeds).map(Number);
  for (const seed of seeds) {
    const spec = randomDesign(seededRandom(seed));
    out.push(describe({ ...spec, id: `random-design-${seed}` }, `random-design-${seed}`));
  }
  return out;
}

/** The layers in a short line: `C5×24s·BN·R·MP2·…`, so a table row says what was measured. */
export function layerLine(spec: ModelSpec): string {
  return spec.layers
    .map((layer) => {
      switch (layer.type) {
        case 'conv2d': {
          const stride = (layer.stride ?? 1) > 1 ? `/${layer.stride}` : '';
          const pad = (layer.padding ?? 0) > 0 ? `p${layer.padding}` : '';
          return `C${layer.kernel}×${layer.filters}${stride}${pad}`;
        }
        case 'batchnorm':
          return 'BN';
        case 'relu':
          return 'R';
        case 'dropout':
          return 'D';
        case 'maxpool':
          return `MP${layer.size}`;
        case 'avgpool':
          return `AP${layer.size}`;
        case 'gap':
          return 'GAP';
        case 'flatten':
          return 'F';
        case 'dense':
          return `L${layer.units}`;
      }
    })
    .join(' ');
}

function describe(spec: ModelSpec, label: string): BenchModel {
  return { spec, label, shape: layerLine(spec) };
}
