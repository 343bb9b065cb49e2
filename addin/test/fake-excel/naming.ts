/**
 * Excel's rules for the names of sheets and of defined names, as its Rename Sheet and
 * New Name dialogs enforce them (support.microsoft.com: "Rename a worksheet", "Names in
 * formulas"). Each function answers the problem with a name, or undefined.
 */

/** A sheet name is at most 31 characters. */
export const SHEET_NAME_LIMIT = 31;
/** A defined name is at most 255 characters. */
export const DEFINED_NAME_LIMIT = 255;

export function sheetNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'a sheet name cannot be empty';
  if (name.length > SHEET_NAME_LIMIT) return `a sheet name is at most ${SHEET_NAME_LIMIT} characters; "${name}" has ${name.length}`;
  if (/[:\\/?*[\]]/.test(name)) return `a sheet name cannot hold : \\ / ? * [ or ]: "${name}"`;
  if (name.startsWith("'") || name.endsWith("'")) return `a sheet name cannot begin or end with an apostrophe: "${name}"`;
  // Excel keeps "History" for the change history of shared workbooks.
  if (name.toLowerCase() === 'history') return '"History" is a name Excel keeps for itself';
  return undefined;
}

/** The last column, XFD, is the 16,384th; the last row is 1,048,576. */
const LAST_COLUMN = 16_384;
const LAST_ROW = 1_048_576;

function columnNumber(letters: string): number {
  let n = 0;
  for (const letter of letters.toUpperCase()) n = n * 26 + (letter.charCodeAt(0) - 64);
  return n;
}

/** Whether `name` reads as a cell in A1 style (B4, XFD1048576) or R1C1 style (R1C1, RC, R[1]C is not a name either way). */
function looksLikeCell(name: string): boolean {
  const a1 = /^\$?([A-Za-z]{1,3})\$?(\d+)$/.exec(name);
  if (a1) {
    const row = Number(a1[2]);
    return columnNumber(a1[1] as string) <= LAST_COLUMN && row >= 1 && row <= LAST_ROW;
  }
  return /^[Rr]\d*[Cc]\d*$/.test(name) || /^[Rr]\d+$/.test(name) || /^[Cc]\d+$/.test(name);
}

export function definedNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'a name cannot be empty';
  if (name.length > DEFINED_NAME_LIMIT) return `a name is at most ${DEFINED_NAME_LIMIT} characters`;
  if (!/^[\p{L}_\\][\p{L}\p{N}_.\\]*$/u.test(name)) return `a name starts with a letter, "_" or "\\" and holds only letters, digits, "_", "." and "\\": "${name}"`;
  if (/^[RrCc]$/.test(name)) return `"${name}" is kept for the row or column of the selection`;
  if (looksLikeCell(name)) return `"${name}" reads as a cell reference`;
  return undefined;
}
