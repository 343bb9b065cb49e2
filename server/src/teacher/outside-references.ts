import type ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { assertState } from '@gradsheet/shared';

/**
 * Formulas that reach outside the workbook: into another workbook (`[1]Sheet1!A1`,
 * `'C:\x\[book.xlsx]Sheet1'!A1`), into another program (DDE, `cmd|' /C calc'!A0`),
 * or onto the network (WEBSERVICE, IMAGE, RTD…). An exercise needs none of them: they
 * score nothing, are flagged for the teacher, and are taken out of the workbook
 * before anything GradSheet writes is made from it.
 */

/** Functions that fetch, run or link to something outside the workbook. */
const OUTSIDE_FUNCTIONS = /(?:^|[^A-Za-z0-9_.])(?:_xlfn\.|_xlws\.)?(WEBSERVICE|FILTERXML|IMAGE|RTD|DDE|DDEAUTO|CALL|REGISTER\.ID|REGISTER|EXEC|HYPERLINK)\s*\(/i;
/** A quoted sheet name with its `!`: `'My sheet'!`, or `'C:\x\[book.xlsx]Sheet1'!`. */
const QUOTED_SHEET = /'((?:[^']|'')*)'!/g;
/** An unquoted sheet in another workbook: `[1]Sheet1!`, `[book.xlsx]Sheet1!`, `[1]!Name`. */
const BOOK_SHEET = /\[[^[\]]+\][\w.\u00A0-\uFFFF]*!/;
/** Characters no sheet name may hold: inside a quoted name they mean a path or another workbook. */
const NOT_IN_SHEET_NAMES = /[[\]\\/:?*]/;

/** Why a formula reaches outside the workbook, or null when it stays inside. `formula` is without its "=". */
export function outsideReach(formula: string): string | null {
  // Text in quotes is data, not a reference: "[1]" or "a|b" there is harmless.
  const code = formula.replace(/"(?:[^"]|"")*"/g, '""');
  const fn = OUTSIDE_FUNCTIONS.exec(code);
  if (fn) return `${(fn[1] as string).toUpperCase()} reaches outside the workbook`;
  // `|` is no operator: outside a quoted sheet name it is DDE's `program|topic!item`.
  const unquoted = code.replace(QUOTED_SHEET, "'x'!");
  if (unquoted.includes('|')) return 'a link to another program (DDE)';
  for (const [, name] of code.matchAll(QUOTED_SHEET)) {
    if (NOT_IN_SHEET_NAMES.test(name as string)) return 'a reference to another workbook or file';
  }
  if (BOOK_SHEET.test(unquoted)) return 'a reference to another workbook';
  return null;
}

/** A cell, validation, format or name taken out of a workbook, and why. */
export interface OutsideReference {
  /** e.g. `Backprop!C4`, `the defined name Rate`. */
  readonly where: string;
  readonly why: string;
}

/** What a cell that held such a formula holds instead: text that says so. */
export const REMOVED_TEXT = '(removed by GradSheet: this formula reached outside the workbook)';

/**
 * Takes every formula that reaches outside out of `workbook`, in place: a cell's
 * becomes REMOVED_TEXT, a data validation, conditional format or defined name that
 * holds one is dropped. Answers what was taken, by sheet and cell ("Backprop!C4").
 */
export function removeOutsideReferences(workbook: ExcelJS.Workbook): OutsideReference[] {
  const found: OutsideReference[] = [];
  for (const sheet of workbook.worksheets) {
    // Only the cells the file holds (eachRow and eachCell skip the rest).
    sheet.eachRow((row) =>
      row.eachCell((cell) => {
        const formula = cell.formula;
        const why = typeof formula === 'string' ? outsideReach(formula) : null;
        if (why === null) return;
        found.push({ where: `${sheet.name}!${cell.address}`, why });
        cell.value = REMOVED_TEXT;
      }),
    );
    const validations = (sheet as unknown as { dataValidations: { model: Record<string, { formulae?: unknown[] }> } }).dataValidations.model;
    for (const [address, rule] of Object.entries(validations)) {
      const why = (rule.formulae ?? []).map((f) => (typeof f === 'string' ? outsideReach(f) : null)).find((w) => w !== null);
      if (why === undefined || why === null) continue;
      found.push({ where: `the drop-down list of ${sheet.name}!${address}`, why });
      delete validations[address];
    }
    const formats = (sheet as unknown as { conditionalFormattings?: { ref: string; rules: { formulae?: unknown[] }[] }[] }).conditionalFormattings ?? [];
    for (let i = formats.length - 1; i >= 0; i--) {
      const format = formats[i] as { ref: string; rules: { formulae?: unknown[] }[] };
      const why = format.rules.flatMap((rule) => rule.formulae ?? []).map((f) => (typeof f === 'string' ? outsideReach(f) : null)).find((w) => w !== null);
      if (why === undefined || why === null) continue;
      found.push({ where: `the conditional format of ${sheet.name}!${format.ref}`, why });
      formats.splice(i, 1);
    }
  }
  const names = workbook.definedNames as unknown as { model: { name: string; ranges: string[] }[] };
  const kept = names.model.filter((entry) => {
    const why = entry.ranges.map(outsideReach).find((w) => w !== null);
    if (why === undefined || why === null) return true;
    found.push({ where: `the defined name ${entry.name}`, why });
    return false;
  });
  if (kept.length !== names.model.length) names.model = kept;
  return found;
}

const XML_ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" };
const FORMULA_ELEMENTS = /<(f|formula|formula1|formula2|definedName)\b[^>]*>([^<]*)<\/\1>/g;

/**
 * The last check before a package GradSheet made from a submission is written:
 * no formula, validation, format or defined name in it reaches outside the workbook.
 * One that does is GradSheet's own fault (removeOutsideReferences missed it), and
 * the file is not written.
 */
export async function assertStaysInside(xlsx: Buffer): Promise<void> {
  const zip = await JSZip.loadAsync(xlsx);
  for (const name of Object.keys(zip.files)) {
    if (!name.endsWith('.xml') || zip.files[name]?.dir) continue;
    const xml = await (zip.file(name) as JSZip.JSZipObject).async('string');
    for (const match of xml.matchAll(FORMULA_ELEMENTS)) {
      const text = (match[2] as string).replace(/&(?:amp|lt|gt|quot|apos);/g, (entity) => XML_ENTITIES[entity] as string);
      assertState(outsideReach(text) === null, `a formula reaching outside the workbook was about to be written (${name})`);
    }
  }
}
