import { readFile } from 'node:fs/promises';
import { GradSheetError, parseTeacherKey, type TeacherKey } from '@gradsheet/shared';
import { writeFileAtomic } from '../io/atomic-write.js';

export const DEFAULT_KEY_FILE = 'gradsheet-key.json';

const invalidFile = (message: string) => new GradSheetError('INVALID_FILE', message);

export async function writeKeyFile(path: string, key: TeacherKey): Promise<void> {
  await writeFileAtomic(path, Buffer.from(`${JSON.stringify(key, null, 2)}\n`));
}

/** Reads and checks a key file; every problem is a GradSheetError INVALID_FILE naming the file. */
export async function readKeyFile(path: string): Promise<TeacherKey> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw invalidFile(`cannot read key "${path}": ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : String(code)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw invalidFile(`key "${path}" is not JSON: is it the key that gradsheet template wrote?`);
  }
  try {
    return parseTeacherKey(data);
  } catch (error) {
    if (error instanceof GradSheetError) throw invalidFile(`key "${path}": ${error.message}`);
    throw error;
  }
}
