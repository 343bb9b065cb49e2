import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { RUN_ID_PATTERN, assertState, type EpochMetrics, type ModelSpec, type RunRecord } from '@gradsheet/shared';
import { RunDirectory } from '../engine/run-directory.js';

export type { RunRecord };

const RUN_ID = new RegExp(RUN_ID_PATTERN);

export function isRunId(id: string): boolean {
  return RUN_ID.test(id);
}

/** A run as it was found on disk. */
export interface StoredRun {
  readonly folder: RunDirectory;
  readonly record: RunRecord;
  readonly metrics: EpochMetrics[];
}

/**
 * The service's runs: one run folder per id, `<dataDir>/runs/<id>/`. Every path is
 * built from an id that matches RUN_ID_PATTERN, so no request can reach outside
 * the data directory. What is in a folder is RunDirectory's business.
 */
export class RunStore {
  readonly runsDir: string;
  /** One RunDirectory per run, so that its run.json writes form one chain. */
  private readonly folders = new Map<string, RunDirectory>();

  constructor(dataDir: string) {
    this.runsDir = join(dataDir, 'runs');
  }

  folder(id: string): RunDirectory {
    // Routes check ids against RUN_ID_PATTERN and the manager makes UUIDs: anything else is a bug.
    assertState(isRunId(id), `a run id is a UUID, got ${JSON.stringify(id)}`);
    let folder = this.folders.get(id);
    if (!folder) {
      folder = RunDirectory.open(join(this.runsDir, id));
      this.folders.set(id, folder);
    }
    return folder;
  }

  /** A new run's folder, holding its record and the model it trains. */
  async create(record: RunRecord, spec: ModelSpec): Promise<RunDirectory> {
    const folder = await RunDirectory.create(join(this.runsDir, record.id), record, spec);
    this.folders.set(record.id, folder);
    return folder;
  }

  /**
   * Deletes a run's folder. It is first renamed out of the ids' way (a name no
   * id matches), so a deletion cut short leaves nothing the service would load again.
   */
  async remove(id: string): Promise<void> {
    const folder = this.folder(id);
    this.folders.delete(id);
    const doomed = join(this.runsDir, `.deleted-${id}`);
    await rename(folder.path, doomed).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await rm(doomed, { recursive: true, force: true });
  }

  /** Every run whose folder is sound; anything else in runs/ is left alone and named in `skipped`. */
  async loadAll(): Promise<{ runs: StoredRun[]; skipped: string[] }> {
    await mkdir(this.runsDir, { recursive: true });
    const runs: StoredRun[] = [];
    const skipped: string[] = [];
    for (const name of await readdir(this.runsDir)) {
      // A deletion the service did not finish: finish it.
      if (name.startsWith('.deleted-')) {
        await rm(join(this.runsDir, name), { recursive: true, force: true });
        continue;
      }
      if (!isRunId(name)) continue;
      const folder = this.folder(name);
      try {
        const record = await folder.readRecord();
        if (record.id !== name) {
          skipped.push(`${name}: run.json describes run ${record.id}`);
          continue;
        }
        runs.push({ folder, record, metrics: await folder.readMetrics() });
      } catch (error) {
        skipped.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return { runs, skipped };
  }
}
