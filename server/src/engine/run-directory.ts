import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { EpochMetrics, TrainConfig } from '@gradsheet/shared';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { WeightsManifest } from './weights.js';

/** `final` and `best` are kept; `epoch-N` is the checkpoint a run resumes from. */
export type WeightsKind = 'final' | 'best' | `epoch-${number}`;

export const RUN_FILES = {
  config: 'config.json',
  metrics: 'metrics.jsonl',
  weights: (kind: WeightsKind) => ({ manifest: `weights-${kind}.json`, data: `weights-${kind}.bin` }),
} as const;

/**
 * A run's folder: its configuration, one metrics line per epoch (appended and
 * flushed to disk before anyone is told about the epoch), and the final and best
 * weights, each written whole or not at all.
 */
export class RunDirectory {
  private constructor(readonly path: string) {}

  static async create(path: string, config: TrainConfig, details: Record<string, unknown> = {}): Promise<RunDirectory> {
    await mkdir(path, { recursive: true });
    const run = new RunDirectory(path);
    await writeFileAtomic(join(path, RUN_FILES.config), Buffer.from(`${JSON.stringify({ ...config, ...details }, null, 2)}\n`));
    return run;
  }

  static open(path: string): RunDirectory {
    return new RunDirectory(path);
  }

  /** Appends one line and waits until it is on disk. */
  async appendMetrics(metrics: EpochMetrics): Promise<void> {
    const handle = await open(join(this.path, RUN_FILES.metrics), 'a');
    try {
      await handle.write(`${JSON.stringify(metrics)}\n`);
      await handle.datasync();
    } finally {
      await handle.close();
    }
  }

  /** Every complete metrics line; a last line cut short by a crash is ignored. */
  async readMetrics(): Promise<EpochMetrics[]> {
    const text = await readFile(join(this.path, RUN_FILES.metrics), 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    const lines = text.split('\n');
    lines.pop(); // whatever follows the last newline is incomplete (or empty)
    return lines.filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as EpochMetrics);
  }

  async saveWeights(kind: WeightsKind, weights: { manifest: WeightsManifest; bytes: Buffer }): Promise<void> {
    const files = RUN_FILES.weights(kind);
    // Data first, manifest last: a manifest on disk always describes complete data.
    await writeFileAtomic(join(this.path, files.data), weights.bytes);
    await writeFileAtomic(join(this.path, files.manifest), Buffer.from(`${JSON.stringify(weights.manifest)}\n`));
  }

  async removeWeights(kind: WeightsKind): Promise<void> {
    const files = RUN_FILES.weights(kind);
    await rm(join(this.path, files.manifest), { force: true });
    await rm(join(this.path, files.data), { force: true });
  }

  async loadWeights(kind: WeightsKind): Promise<{ manifest: WeightsManifest; bytes: Uint8Array }> {
    const files = RUN_FILES.weights(kind);
    const manifest = JSON.parse(await readFile(join(this.path, files.manifest), 'utf8')) as WeightsManifest;
    const bytes = new Uint8Array(await readFile(join(this.path, files.data)));
    return { manifest, bytes };
  }
}
