import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { GradSheetError } from '@gradsheet/shared';

export interface RosterEntry {
  readonly id: string;
  readonly name: string;
}

/** Ids name the students' files, so they keep to characters every file system takes. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const MAX_ROSTER = 2_000;

const invalidFile = (message: string) => new GradSheetError('INVALID_FILE', message);

/**
 * Reads a roster CSV with a header row holding (at least) `id` and `name` columns,
 * in any case and order. Every problem is a GradSheetError INVALID_FILE naming the file and, where
 * there is one, the line.
 */
export async function readRoster(path: string): Promise<RosterEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw invalidFile(`cannot read roster "${path}": ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : String(code)}`);
  }
  let records: Record<string, string>[];
  let columns: string[] = [];
  try {
    records = parse(text, {
      bom: true,
      columns: (header: string[]) => (columns = header.map((h) => h.trim().toLowerCase())),
      skip_empty_lines: true,
      trim: true,
    }) as Record<string, string>[];
  } catch (error) {
    throw invalidFile(`roster "${path}" is not valid CSV: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!columns.includes('id') || !columns.includes('name')) {
    throw invalidFile(`roster "${path}" needs a header row with "id" and "name" columns; found: ${columns.filter(Boolean).join(', ') || 'nothing'}`);
  }
  if (records.length === 0) throw invalidFile(`roster "${path}" lists no students`);
  if (records.length > MAX_ROSTER) throw invalidFile(`roster "${path}" lists ${records.length} students; at most ${MAX_ROSTER} are supported`);
  const seen = new Map<string, number>();
  return records.map((record, index) => {
    const line = index + 2;
    const id = record.id ?? '';
    const name = record.name ?? '';
    if (!ID_PATTERN.test(id)) {
      throw invalidFile(
        `roster "${path}" line ${line}: student id "${id}" must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit`,
      );
    }
    if (name === '') throw invalidFile(`roster "${path}" line ${line}: student "${id}" has no name`);
    const key = id.toLowerCase(); // ids name files, and some file systems ignore case
    const earlier = seen.get(key);
    if (earlier !== undefined) throw invalidFile(`roster "${path}": student id "${id}" appears twice (lines ${earlier} and ${line})`);
    seen.set(key, line);
    return { id, name };
  });
}
