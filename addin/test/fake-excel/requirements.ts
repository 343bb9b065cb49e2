import { FakeExcelError } from './errors.js';

/**
 * ExcelApi requirement sets, for a fake Excel of a chosen age. Versions are
 * "major.minor" strings compared part by part: 1.10 comes after 1.9 (as numbers,
 * 1.10 would be 1.1).
 */

/** The newest ExcelApi set Microsoft documents; the fake's default. */
export const LATEST_EXCEL_API = '1.20';

function parts(version: string): [number, number] {
  const match = /^(\d+)\.(\d+)$/.exec(version);
  if (!match) throw new FakeExcelError('InvalidArgument', `not a requirement set version: "${version}"`);
  return [Number(match[1]), Number(match[2])];
}

/** Whether an Excel that supports ExcelApi `have` supports `need`. */
export function excelApiAtLeast(have: string, need: string): boolean {
  const [haveMajor, haveMinor] = parts(have);
  const [needMajor, needMinor] = parts(need);
  return haveMajor > needMajor || (haveMajor === needMajor && haveMinor >= needMinor);
}

/** `Office.context.requirements` of an Excel that supports ExcelApi up to `excelApi`. */
export function fakeRequirements(excelApi: string): { isSetSupported(name: string, version?: string): boolean } {
  return { isSetSupported: (name, version = '1.1') => name !== 'ExcelApi' || excelApiAtLeast(excelApi, version) };
}

/** The part of the global `Office` that code checking requirement sets reads, for tests outside a browser. */
export function fakeOffice(excelApi: string = LATEST_EXCEL_API): { context: { requirements: ReturnType<typeof fakeRequirements> } } {
  return { context: { requirements: fakeRequirements(excelApi) } };
}
