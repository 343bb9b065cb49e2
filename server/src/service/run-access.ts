import { GradSheetError } from '@gradsheet/shared';
import { maySee, type Principal } from './accounts/principal.js';
import type { RunManager } from './run-manager.js';

/**
 * Throws UNKNOWN_RUN unless the run exists and `principal` may see it: another
 * learner's run is answered exactly as a run that does not exist, so an id cannot
 * be told from a guess.
 */
export function checkRunAccess(runs: RunManager, principal: Principal, id: string): void {
  if (!runs.has(id) || !maySee(principal, { owner: runs.ownerOf(id) })) throw new GradSheetError('UNKNOWN_RUN', `there is no run ${id}`);
}
