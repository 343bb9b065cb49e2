// Recalculates workbooks in LibreOffice Calc (headless), an independent
// spreadsheet engine, so tests can check GradSheet's formulas against it.
//
// Precision of what comes back (measured with LibreOffice 7.4; the number
// formatting code behind it looks the same in current LibreOffice sources):
// - LibreOffice writes at most 15 significant digits (relative error up to
//   5e-15), never the 17 a float64 needs to round-trip.
// - CSV export writes numbers with 1e-14 <= |x| < 1e-5 in fixed notation with
//   at most 20 decimals ("0.00000000000123456789"), an absolute error up to
//   5e-21: 1e-12 keeps only 9 significant digits. Compare with a tolerance
//   such as |a - b| <= 1e-9 * |b| + 1e-20.

import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, parse as parsePath, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';

const TIMEOUT_MS = 120_000;

// CSV filter options by position: ',' separator, '"' quote, UTF-8 (76),
// start at line 1, no column formats, default language, don't quote every
// text cell, (detect special numbers: import only), write the stored value rather than the displayed
// text (so number formats don't round), values not formulas, keep spaces,
// and -1: every sheet to its own file `<base>-<sheet name>.csv` (LibreOffice >= 7.2).
const CSV_FILTER =
  'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1';

// A private profile per run: parallel runs would otherwise share (and fight
// over) the default profile's lock. Its settings:
// - recalculate every formula on load; by default LibreOffice trusts the
//   results cached in the file, so it would only echo what we wrote;
// - en-US locale, otherwise the CSV uses the system's decimal separator.
const PROFILE_SETTINGS = `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>en-US</value></prop></item>
</oor:items>
`;

function installHint(): string {
  const where = process.env.SOFFICE ? `SOFFICE=${process.env.SOFFICE} is not executable` : '`soffice` is not on PATH';
  return (
    `LibreOffice Calc is needed to recalculate workbooks in tests, but ${where}. ` +
    'Install it (Debian/Ubuntu: `sudo apt-get install -y libreoffice-calc-nogui`; ' +
    'macOS: `brew install --cask libreoffice`), or set SOFFICE to the soffice executable.'
  );
}

// Remembers which sheet each row array came from, for numberAt's errors.
const sheetOf = new WeakMap<string[][], string>();

function findSoffice(): string | undefined {
  const candidates = process.env.SOFFICE
    ? [process.env.SOFFICE]
    : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'soffice'));
  return candidates.find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export function hasLibreOffice(): boolean {
  return findSoffice() !== undefined;
}

interface RunResult {
  stdout: string;
  stderr: string;
}

/** Runs soffice with a fresh profile inside `workDir`; throws on time-out or a non-zero exit. */
async function runSoffice(workDir: string, args: string[]): Promise<RunResult> {
  const soffice = findSoffice();
  if (!soffice) throw new Error(installHint());
  const profile = join(workDir, 'profile');
  await mkdir(join(profile, 'user'), { recursive: true });
  await writeFile(join(profile, 'user', 'registrymodifications.xcu'), PROFILE_SETTINGS);

  const fullArgs = [
    '--headless', '--norestore', '--nologo', '--nolockcheck',
    `-env:UserInstallation=${pathToFileURL(profile).href}`,
    ...args,
  ];
  // Own process group: soffice is a launcher whose child (soffice.bin) does
  // the work, and a time-out must kill both.
  const child = spawn(soffice, fullArgs, { cwd: workDir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-(child.pid ?? 0), 'SIGKILL');
    } catch {
      // already gone
    }
  }, TIMEOUT_MS);
  try {
    const code = await new Promise<number | null>((done, fail) => {
      child.on('error', fail);
      child.on('close', done);
    });
    if (timedOut) throw new Error(`soffice took longer than ${TIMEOUT_MS / 1000} s and was killed.\nstderr: ${stderr}`);
    if (code !== 0) throw new Error(`soffice exited with code ${String(code)}.\nstdout: ${stdout}\nstderr: ${stderr}`);
  } finally {
    clearTimeout(timer);
  }
  return { stdout, stderr };
}

async function withTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'gradsheet-lo-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Opens the workbook in LibreOffice with a full recalculation and returns each
 * sheet's values (sheet name → rows of cell texts), in LibreOffice's sheet order.
 * Hidden sheets are included. Numbers come as LibreOffice writes them
 * (e.g. "0.333333333333333", "1E-019"): read them with numberAt.
 */
export async function recalculateToCsv(xlsxPath: string): Promise<Map<string, string[][]>> {
  return withTempDir(async (dir) => {
    // A fixed base name makes the per-sheet file names `book-<sheet>.csv`
    // unambiguous whatever the workbook's own name.
    const book = join(dir, 'book.xlsx');
    const outDir = join(dir, 'out');
    await copyFile(xlsxPath, book);
    await mkdir(outDir);
    const { stdout, stderr } = await runSoffice(dir, ['--convert-to', CSV_FILTER, '--outdir', outDir, book]);

    const files = (await readdir(outDir)).filter((f) => f.startsWith('book-') && f.endsWith('.csv'));
    if (files.length === 0) {
      const old = (await readdir(outDir)).includes('book.csv')
        ? ' It wrote only the first sheet: LibreOffice 7.2 or later is needed to export every sheet.'
        : '';
      throw new Error(`soffice produced no CSV files for ${xlsxPath}.${old}\nstdout: ${stdout}\nstderr: ${stderr}`);
    }
    // soffice logs "Writing sheet <name> -> <file>" in sheet order.
    const lines = stdout.split(/\r?\n/);
    const order = (f: string): number => {
      const at = lines.findIndex((line) => line.endsWith(`/${f}`));
      return at < 0 ? lines.length : at;
    };
    files.sort((a, b) => order(a) - order(b));

    const sheets = new Map<string, string[][]>();
    for (const file of files) {
      const name = file.slice('book-'.length, -'.csv'.length);
      const text = await readFile(join(outDir, file), 'utf8');
      // An empty sheet is written as a lone line break.
      const rows: string[][] = /^\r?\n?$/.test(text) ? [] : parse(text, { bom: true, relax_column_count: true });
      sheetOf.set(rows, name);
      sheets.set(name, rows);
    }
    return sheets;
  });
}

/**
 * Renders the workbook to PDF (after the same forced recalculation) and
 * returns the PDF's path: `<outDir>/<workbook base name>.pdf`.
 */
export async function convertToPdf(xlsxPath: string, outDir: string): Promise<string> {
  return convertTo(xlsxPath, outDir, 'pdf');
}

/**
 * Opens a workbook in LibreOffice and saves it as `format` (pdf, ods, xlsx…) in
 * `outDir`; returns the new file's path. What LibreOffice keeps shows what it understood.
 */
export async function convertTo(xlsxPath: string, outDir: string, format: string): Promise<string> {
  const output = resolve(outDir, `${parsePath(xlsxPath).name}.${format}`);
  await mkdir(outDir, { recursive: true });
  await rm(output, { force: true }); // so a stale file can't pass for a new one
  await withTempDir(async (dir) => {
    const { stdout, stderr } = await runSoffice(dir, ['--convert-to', format, '--outdir', resolve(outDir), resolve(xlsxPath)]);
    try {
      accessSync(output);
    } catch {
      throw new Error(`soffice produced no ${format} for ${xlsxPath}.\nstdout: ${stdout}\nstderr: ${stderr}`);
    }
  });
  return output;
}

/**
 * Like convertTo, for many workbooks in one LibreOffice start (each start costs
 * seconds). Base names must differ; returns the new files' paths in input order.
 */
export async function convertAllTo(xlsxPaths: readonly string[], outDir: string, format: string): Promise<string[]> {
  const outputs = xlsxPaths.map((path) => resolve(outDir, `${parsePath(path).name}.${format}`));
  if (new Set(outputs).size !== outputs.length) throw new Error('convertAllTo needs workbooks with distinct base names');
  await mkdir(outDir, { recursive: true });
  await Promise.all(outputs.map((output) => rm(output, { force: true })));
  await withTempDir(async (dir) => {
    const { stdout, stderr } = await runSoffice(dir, ['--convert-to', format, '--outdir', resolve(outDir), ...xlsxPaths.map((p) => resolve(p))]);
    const missing = outputs.filter((output) => {
      try {
        accessSync(output);
        return false;
      } catch {
        return true;
      }
    });
    if (missing.length > 0) throw new Error(`soffice produced no ${format} for ${missing.join(', ')}.\nstdout: ${stdout}\nstderr: ${stderr}`);
  });
  return outputs;
}

// Decimal or scientific notation only: Number() alone would also accept
// "", " ", "0x1A" and "Infinity".
const NUMBER_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function columnName(col: number): string {
  let name = '';
  for (let n = col + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  }
  return name;
}

/** The number in rows[row][col] (0-based indices); throws, naming the cell, if it is not a number. */
export function numberAt(rows: string[][], row: number, col: number): number {
  const text = rows[row]?.[col];
  if (text !== undefined && NUMBER_TEXT.test(text)) return Number(text);
  const sheet = sheetOf.get(rows);
  const cell = `${sheet === undefined ? '' : `'${sheet}'!`}${columnName(col)}${row + 1}`;
  const found = text === undefined ? `no cell (${rows.length} rows, ${rows[row]?.length ?? 0} cells in that row)` : JSON.stringify(text);
  throw new Error(`Expected a number at ${cell} (row ${row}, col ${col}, 0-based) but found ${found}.`);
}

/**
 * The number in rows[row][col], a percentage too: the CSV keeps every digit, but
 * a percent format keeps its sign ("98.6600000000000%"), which is undone here.
 */
export function valueAt(rows: string[][], row: number, col: number): number {
  const text = rows[row]?.[col] ?? '';
  if (!text.endsWith('%')) return numberAt(rows, row, col);
  return numberAt([[text.slice(0, -1)]], 0, 0) / 100;
}
