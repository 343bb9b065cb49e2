import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { GradSheetError } from '@gradsheet/shared';

const refused = (message: string) => new GradSheetError('OUTPUT_REFUSED', message);

/**
 * Checks, before any work starts, that `path` can receive an output file of the
 * given extension: its folder exists and is writable, and it is not a folder itself.
 */
export async function checkOutputPath(path: string, extension: string): Promise<string> {
  const absolute = resolve(path);
  if (extname(absolute).toLowerCase() !== extension) {
    throw refused(`--out must name a ${extension} file, got "${path}"`);
  }
  const folder = dirname(absolute);
  const folderStat = await stat(folder).catch(() => null);
  if (!folderStat?.isDirectory()) throw refused(`cannot write "${path}": folder "${folder}" does not exist`);
  try {
    await access(folder, constants.W_OK);
  } catch {
    throw refused(`cannot write "${path}": folder "${folder}" is not writable`);
  }
  const existing = await stat(absolute).catch(() => null);
  if (existing?.isDirectory()) throw refused(`cannot write "${path}": it is a folder`);
  return absolute;
}
