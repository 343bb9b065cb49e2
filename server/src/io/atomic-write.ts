import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes a file so that readers see either the old file or the whole new one,
 * never a torn one: write a temporary file beside it, flush it to disk, then
 * rename it over the target. On any failure the temporary file is removed.
 */
export async function writeFileAtomic(path: string, data: Uint8Array, options: { mode?: number } = {}): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    // The mode is the new file's from its first byte (e.g. 0o600 for files only their owner may read).
    const handle = await open(temporary, 'wx', options.mode ?? 0o666);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
