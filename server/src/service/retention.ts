import type { RunManager } from './run-manager.js';

export interface RetentionLog {
  info(message: string): void;
  error(details: Record<string, unknown>, message: string): void;
}

const DAY_MS = 24 * 3600 * 1000;
const EVERY_MS = 3600 * 1000;

/**
 * `serve --keep-days N`: runs that ended more than N days ago are deleted, once
 * when the service starts and then every hour. Runs queued or training are kept
 * whatever their age. Answers a function that stops the clean-up.
 */
export async function startRetention(runs: RunManager, keepDays: number, log: RetentionLog, everyMs = EVERY_MS): Promise<() => void> {
  const sweep = async () => {
    try {
      const removed = await runs.removeEndedBefore(new Date(Date.now() - keepDays * DAY_MS).toISOString());
      if (removed.length > 0) log.info(`deleted ${removed.length} run${removed.length === 1 ? '' : 's'} that ended more than ${keepDays} days ago`);
    } catch (error) {
      log.error({ err: error }, 'cannot delete old runs');
    }
  };
  await sweep();
  const timer = setInterval(() => void sweep(), everyMs);
  // The clean-up never keeps the process alive by itself.
  timer.unref();
  return () => clearInterval(timer);
}
