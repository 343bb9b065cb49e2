/**
 * Which run the pane is following, kept where a reload finds it: in the workbook's
 * own settings inside Excel (so the run stays with its document), in localStorage
 * in a plain browser.
 */
import { GradSheetError } from '@gradsheet/shared';

export interface FollowedRun {
  readonly runId: string;
}

export interface RunMemory {
  load(): FollowedRun | null;
  save(run: FollowedRun): Promise<void>;
  clear(): Promise<void>;
}

const KEY = 'gradsheet.followedRun';

function parse(value: unknown): FollowedRun | null {
  const text = typeof value === 'string' ? value : null;
  if (!text) return null;
  try {
    const parsed = JSON.parse(text) as Partial<FollowedRun>;
    return typeof parsed.runId === 'string' ? { runId: parsed.runId } : null;
  } catch {
    return null;
  }
}

export function documentSettingsMemory(settings: Office.Settings): RunMemory {
  const persist = () =>
    new Promise<void>((resolve, reject) =>
      settings.saveAsync((result) => (String(result.status) === 'succeeded' ? resolve() : reject(new GradSheetError('INTERNAL', result.error?.message ?? 'could not save the workbook settings')))),
    );
  return {
    load: () => parse(settings.get(KEY)),
    save: async (run) => {
      settings.set(KEY, JSON.stringify(run));
      await persist();
    },
    clear: async () => {
      settings.remove(KEY);
      await persist();
    },
  };
}

export function localStorageMemory(storage: Storage = localStorage): RunMemory {
  return {
    load: () => parse(storage.getItem(KEY)),
    save: async (run) => storage.setItem(KEY, JSON.stringify(run)),
    clear: async () => storage.removeItem(KEY),
  };
}
