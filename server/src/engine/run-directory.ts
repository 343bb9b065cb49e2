import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { GradSheetError, RUN_STATES, getModel, type EpochMetrics, type ModelSpec, type RunAnalysis, type RunRecord, type TrainConfig } from '@gradsheet/shared';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { WeightsManifest } from './weights.js';

/** `final` and `best` are kept; `epoch-N` is the checkpoint a run resumes from. */
export type WeightsKind = 'final' | 'best' | `epoch-${number}`;

/**
 * Every file of a run's folder. The CLI's `--run-dir` and the service's
 * `<dataDir>/runs/<id>/` hold the same files.
 */
export const RUN_FILES = {
  /** Where the run stands and how it trains: id, config, state, times, error, backend. */
  record: 'run.json',
  /** The ModelSpec it trains, built-in or designed. */
  spec: 'model.json',
  /** One line per completed epoch. */
  metrics: 'metrics.jsonl',
  weights: (kind: WeightsKind) => ({ manifest: `weights-${kind}.json`, data: `weights-${kind}.bin` }),
  /** What the final weights learned (RunAnalysis): written once the run is done, or later on demand. */
  analysis: 'analysis.json',
  /** What folders written before run.json held the config had instead; read, never written. */
  legacyConfig: 'config.json',
} as const;

/**
 * A run's folder, and the only code that reads or writes it. run.json and
 * model.json are replaced whole (written beside, then renamed); each metrics line
 * is on disk before `appendMetrics` returns, and a last line cut short by a crash
 * is ignored, then cut off before a resumed run appends; weights are written data
 * first, manifest last, so a manifest on disk always describes complete data.
 *
 * Error messages name the folder's files, never the folder's path: they may reach
 * a caller who must not learn where the server keeps its data.
 */
export class RunDirectory {
  /** One chain of run.json writes, so the file always ends as the last record written. */
  private recordWrites: Promise<void> = Promise.resolve();

  private constructor(readonly path: string) {}

  /** Makes a new run folder: the model it trains, then its record. Refuses a folder that already holds a run. */
  static async create(path: string, record: RunRecord, spec: ModelSpec): Promise<RunDirectory> {
    await mkdir(path, { recursive: true });
    const run = new RunDirectory(path);
    for (const name of [RUN_FILES.record, RUN_FILES.metrics, RUN_FILES.legacyConfig]) {
      if (await run.exists(name)) {
        throw new GradSheetError('OUTPUT_REFUSED', `the run folder already holds a run (${name}); train into a new folder`, { path });
      }
    }
    await run.writeJson(RUN_FILES.spec, spec);
    // An empty metrics file now, so that appending an epoch never has to create a folder entry.
    await (await open(join(path, RUN_FILES.metrics), 'wx')).close();
    await run.writeRecord(record);
    await run.syncFolder();
    return run;
  }

  static open(path: string): RunDirectory {
    return new RunDirectory(path);
  }

  /** The run's record. A folder from before run.json held the config is read from its config.json. */
  async readRecord(): Promise<RunRecord> {
    const raw = await this.readJson(RUN_FILES.record);
    if (raw === undefined) return this.readLegacyRecord();
    const record = raw as Partial<RunRecord>;
    const sound =
      typeof record.id === 'string' &&
      RUN_STATES.includes(record.state as RunRecord['state']) &&
      typeof record.config === 'object' &&
      record.config !== null &&
      typeof record.createdAt === 'string' &&
      typeof record.updatedAt === 'string';
    if (!sound) throw new GradSheetError('INVALID_FILE', `${RUN_FILES.record} does not describe a run`);
    return record as RunRecord;
  }

  /** Replaces run.json whole; writes are applied in the order they were asked for. */
  writeRecord(record: RunRecord): Promise<void> {
    const write = this.recordWrites.then(() => this.writeJson(RUN_FILES.record, record));
    // Keep the chain going after a failed write; the caller still sees the failure.
    this.recordWrites = write.catch(() => {});
    return write;
  }

  /** The model the run trains: model.json, or for a folder made before it existed, the built-in model the config names. */
  async readSpec(config: Pick<TrainConfig, 'model'>): Promise<ModelSpec> {
    const raw = await this.readJson(RUN_FILES.spec);
    if (raw === undefined) return getModel(config.model);
    const spec = raw as Partial<ModelSpec>;
    if (typeof spec.id !== 'string' || !Array.isArray(spec.layers) || !Array.isArray(spec.input) || typeof spec.classes !== 'number') {
      throw new GradSheetError('INVALID_FILE', `${RUN_FILES.spec} does not describe a model`);
    }
    return spec as ModelSpec;
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
    return lines
      .filter((line) => line.trim() !== '')
      .map((line, index) => {
        try {
          return JSON.parse(line) as EpochMetrics;
        } catch {
          throw new GradSheetError('INVALID_FILE', `line ${index + 1} of ${RUN_FILES.metrics} is not JSON`);
        }
      });
  }

  /** Cuts a last metrics line left half-written by a crash, so that the epochs a resumed run appends start on a line of their own. */
  async trimTornMetrics(): Promise<void> {
    const handle = await open(join(this.path, RUN_FILES.metrics), 'r+').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    if (!handle) return;
    try {
      const text = await handle.readFile();
      if (text.length === 0 || text[text.length - 1] === 0x0a) return;
      await handle.truncate(text.lastIndexOf(0x0a) + 1);
      await handle.datasync();
    } finally {
      await handle.close();
    }
  }

  /** Whether these weights are on disk whole (their manifest is written last). */
  hasWeights(kind: WeightsKind): Promise<boolean> {
    return this.exists(RUN_FILES.weights(kind).manifest);
  }

  async saveWeights(kind: WeightsKind, weights: { manifest: WeightsManifest; bytes: Uint8Array }): Promise<void> {
    const files = RUN_FILES.weights(kind);
    // Data first, manifest last: a manifest on disk always describes complete data.
    await writeFileAtomic(join(this.path, files.data), weights.bytes);
    await writeFileAtomic(join(this.path, files.manifest), Buffer.from(`${JSON.stringify(weights.manifest)}\n`));
  }

  async removeWeights(kind: WeightsKind): Promise<void> {
    const files = RUN_FILES.weights(kind);
    // Manifest first: data without its manifest is never read.
    await rm(join(this.path, files.manifest), { force: true });
    await rm(join(this.path, files.data), { force: true });
  }

  async loadWeights(kind: WeightsKind): Promise<{ manifest: WeightsManifest; bytes: Uint8Array }> {
    const files = RUN_FILES.weights(kind);
    const manifest = (await this.readJson(files.manifest)) as WeightsManifest | undefined;
    const data = await readFile(join(this.path, files.data)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (manifest === undefined || data === undefined) {
      throw new GradSheetError('INVALID_FILE', `the run folder has no ${manifest === undefined ? files.manifest : files.data}`);
    }
    // A copy of its own, aligned for float32 views.
    return { manifest, bytes: new Uint8Array(data) };
  }

  /**
   * The last epoch's checkpoint becomes the final weights (they are the same
   * weights: a checkpoint holds what the epoch evaluated). Copied, then removed,
   * so that a crash at any point leaves one or both whole.
   */
  async keepCheckpointAsFinal(epoch: number): Promise<void> {
    await this.saveWeights('final', await this.loadWeights(`epoch-${epoch}`));
    await this.removeWeights(`epoch-${epoch}`);
  }

  /** The run's analysis, or undefined when none was written yet (a run from before analyses, or one not finished). */
  async readAnalysis(): Promise<RunAnalysis | undefined> {
    const raw = (await this.readJson(RUN_FILES.analysis)) as Partial<RunAnalysis> | undefined;
    if (raw === undefined) return undefined;
    const counts = raw.confusion?.counts;
    const sound =
      Array.isArray(counts) &&
      counts.every((row) => Array.isArray(row) && row.every((n) => Number.isInteger(n))) &&
      typeof raw.confusion?.total === 'number' &&
      Array.isArray(raw.mistakes) &&
      typeof raw.seconds === 'number';
    if (!sound) throw new GradSheetError('INVALID_FILE', `${RUN_FILES.analysis} does not describe what a run learned`);
    return raw as RunAnalysis;
  }

  /** Replaces analysis.json whole; compact, as it holds thousands of numbers. */
  writeAnalysis(analysis: RunAnalysis): Promise<void> {
    return writeFileAtomic(join(this.path, RUN_FILES.analysis), Buffer.from(`${JSON.stringify(analysis)}\n`));
  }

  private async readLegacyRecord(): Promise<RunRecord> {
    const legacy = (await this.readJson(RUN_FILES.legacyConfig)) as (TrainConfig & { backend?: string; startedAt?: string }) | undefined;
    if (legacy === undefined) throw new GradSheetError('INVALID_FILE', `the run folder has no ${RUN_FILES.record}`);
    const { startedAt, ...config } = legacy;
    const at = startedAt ?? (await stat(join(this.path, RUN_FILES.legacyConfig))).mtime.toISOString();
    const finished = await this.hasWeights('final');
    return {
      id: basename(this.path),
      config,
      state: finished ? 'done' : 'interrupted',
      createdAt: at,
      updatedAt: at,
      startedAt: at,
      ...(legacy.backend !== undefined ? { backend: legacy.backend } : {}),
    };
  }

  /** A JSON file of the folder, or undefined when it is absent. */
  private async readJson(name: string): Promise<unknown> {
    let text: string;
    try {
      text = await readFile(join(this.path, name), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new GradSheetError('INVALID_FILE', `${name} is not valid JSON`);
    }
  }

  private writeJson(name: string, value: unknown): Promise<void> {
    return writeFileAtomic(join(this.path, name), Buffer.from(`${JSON.stringify(value, null, 2)}\n`));
  }

  private async exists(name: string): Promise<boolean> {
    try {
      await stat(join(this.path, name));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  /** Makes the folder's new entries durable (a rename is on disk only once its folder is). */
  private async syncFolder(): Promise<void> {
    // Windows cannot open a folder for syncing; there the entries are left to the system.
    const handle = await open(this.path, 'r').catch(() => null);
    if (!handle) return;
    try {
      await handle.datasync();
    } catch {
      // Some file systems refuse to sync a folder; nothing more can be done there.
    } finally {
      await handle.close();
    }
  }
}
