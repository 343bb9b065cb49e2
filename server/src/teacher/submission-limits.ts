/**
 * What a submission may be. An exercise workbook of 100 steps is about 100 KB, so
 * these leave room for a learner's own additions while keeping a bad file from
 * taking the memory of the grading machine.
 */
export const SUBMISSION_LIMITS = {
  /** The file on disk. */
  fileBytes: 20 * 1024 * 1024,
  /** Parts in the package. */
  entries: 2_000,
  /** One part once inflated, as declared by the zip's central directory. */
  entryBytes: 24 * 1024 * 1024,
  /** All parts together once inflated. */
  totalBytes: 64 * 1024 * 1024,
  /** Rows of one sheet. */
  sheetRows: 20_000,
} as const;

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}
