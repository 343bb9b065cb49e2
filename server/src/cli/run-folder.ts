import { GradSheetError } from '@gradsheet/shared';
import { RunDirectory } from '../engine/run-directory.js';

/**
 * Works on the run kept in the folder `path`; an error is said with the folder's
 * name in front, as the user gave it, since the folder's own messages name only
 * its files (they may reach callers of the service, who must not learn its paths).
 */
export async function inRunFolder<T>(path: string, work: (run: RunDirectory) => Promise<T>): Promise<T> {
  try {
    return await work(RunDirectory.open(path));
  } catch (error) {
    if (error instanceof GradSheetError) throw new GradSheetError(error.code, `${path}: ${error.message}`, error.details);
    throw error;
  }
}
