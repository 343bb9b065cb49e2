import { mkdir, open, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { RUN_ID_PATTERN, RUN_STATES, type EpochMetrics, type ModelSpec, type RunRecord } from '@gradsheet/shared';
import { RunDirectory, RUN_FILES } from '../engine/run-directory.js';
import { writeFileAtomic } from '../io/atomic-write.js';

export type { RunRecord };

const RUN_ID = new RegExp(RUN_ID_PATTERN);
const RECORD_FILE = 'run.json';

export function isRunId(id: string): boolean {
  return RUN_ID.test(id);
}

/**
 * Runs on disk: `<dataDir>/runs/<id>/`. Every path is built from an id that
 * matches RUN_ID_PATTERN, so no request can reach outside the data directory.
 */
export class RunStore {
  readonly runsDir: string;
  /** One chain of writes per run, so run.json on disk always ends as the last state set. */
  private readonly writes = new Map<string, Promise<void>>();

  constructor(dataDir: string) {
    this.runsDir = join(dataDir, 'runs');
  }

  runDir(id: string): string {
    if (!isRunId(id)) throw new Error(`not a run id: ${JSON.stringify(id)}`);
    return join(this.runsDir, id);
  }

  async save(record: RunRecord): Promise<void> {
    const dir = this.runDir(record.id);
    const write = (this.writes.get(record.id) ?? Promise.resolve()).then(async () => {
      await mkdir(dir, { recursive: true });
      await writeFileAtomic(join(dir, RECORD_FILE), Buffer.from(`${JSON.stringify(record, null, 2)}\n`));
    });
    // Keep the chain going after a failed write; the caller still sees the failure.
    this.writes.set(record.id, write.catch(() => {}));
    await write;
  }

  /** The model the run trains, kept beside its state. */
  async saveSpec(id: string, spec: ModelSpec): Promise<void> {
    const dir = this.runDir(id);
    await mkdir(dir, { recursive: true });
    await writeFileAtomic(join(dir, 'model.json'), Buffer.from(`${JSON.stringify(spec, null, 2)}\n`));
  }

  /** Every run whose folder and run.json are sound; anything else in runs/ is left alone. */
  async loadAll(): Promise<{ records: RunRecord[]; skipped: string[] }> {
    await mkdir(this.runsDir, { recursive: true });
    const records: RunRecord[] = [];
    const skipped: string[] = [];
    for (const name of await readdir(this.runsDir)) {
      if (!isRunId(name)) continue;
      try {
        const record = JSON.parse(await readFile(join(this.runsDir, name, RECORD_FILE), 'utf8')) as RunRecord;
        if (record.id !== name || !RUN_STATES.includes(record.state)) throw new Error('run.json does not describe this run');
        records.push(record);
      } catch (error) {
        skipped.push(`${name}: ${(error as Error).message}`);
      }
    }
    return { records, skipped };
  }

  readMetrics(id: string): Promise<EpochMetrics[]> {
    return RunDirectory.open(this.runDir(id)).readMetrics();
  }

  /**
   * Cuts a metrics line left half-written by a crash, so that the epochs a resumed
   * run appends start on a line of their own.
   */
  async trimTornMetrics(id: string): Promise<void> {
    const handle = await open(join(this.runDir(id), RUN_FILES.metrics), 'r+').catch((error: NodeJS.ErrnoException) => {
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
}
